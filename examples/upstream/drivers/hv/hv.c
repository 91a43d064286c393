// SPDX-License-Identifier: GPL-2.0-only
/*
 * SynIC set-up for the hvlint example tree.
 */
#include <linux/types.h>
#include <asm/mshyperv.h>

#define VMBUS_MESSAGE_SINT 2

void hv_synic_enable_regs(unsigned int cpu)
{
	u64 simp, siefp, sint, sctrl;

	/* Setup the Synic's message page */
	simp = hv_get_msr(HV_MSR_SIMP);
	simp |= 1;
	hv_set_msr(HV_MSR_SIMP, simp);

	siefp = hv_get_msr(HV_MSR_SIEFP);
	siefp |= 1;
	hv_set_msr(HV_MSR_SIEFP, siefp);

	sint = hv_get_msr(HV_MSR_SINT0 +
			       VMBUS_MESSAGE_SINT);
	hv_set_msr(HV_MSR_SINT0 + VMBUS_MESSAGE_SINT, sint);

	sctrl = hv_get_msr(HV_MSR_SCONTROL);
	sctrl |= 1;
	hv_set_msr(HV_MSR_SCONTROL, sctrl);
	pr_debug("wrote SCONTROL for cpu %u\n", cpu);
}

u64 hv_guest_os_id(void)
{
	return hv_get_msr(HV_MSR_GUEST_OS_ID);
}
