// SPDX-License-Identifier: GPL-2.0-only
/*
 * SynIC set-up for the pre-commit hook tests. hv_synic_enable_regs() predates
 * the rename and still passes HV_REGISTER_* names: old findings that a later
 * commit touching this file must not be blamed for.
 */
#include <linux/types.h>
#include <asm/mshyperv.h>

#define VMBUS_MESSAGE_SINT	2

void hv_synic_enable_regs(unsigned int cpu)
{
	u64 simp, siefp, sctrl;

	simp = hv_get_register(HV_SYN_REG_SIMP);
	simp |= 1;
	hv_set_register(HV_SYN_REG_SIMP, simp);

	siefp = hv_get_register(HV_SYN_REG_SIEFP);
	siefp |= 1;
	hv_set_register(HV_SYN_REG_SIEFP, siefp);

	sctrl = hv_get_register(HV_REGISTER_SCONTROL);	/* expect: GENERIC_REG_PREFIX */
	sctrl |= 1;
	hv_set_register(HV_REGISTER_SCONTROL, sctrl);	/* expect: GENERIC_REG_PREFIX */
}

u32 hv_synic_message_sint(void)
{
	return hv_get_register(HV_SYN_REG_SINT0 + VMBUS_MESSAGE_SINT);
}
