// SPDX-License-Identifier: GPL-2.0-only
/*
 * Synthetic interrupt controller (SynIC) set-up for hvlint's b4 test
 * tree: the per-CPU registers a guest programs when it comes up.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/mshyperv.h>

#define VMBUS_MESSAGE_SINT	2

void hv_synic_enable_regs(unsigned int cpu)
{
	union hv_synic_sint shared_sint;
	union hv_synic_scontrol sctrl;

	/* Setup the shared SINT. */
	shared_sint.as_uint64 = hv_get_register(HV_REGISTER_SINT0 +
						VMBUS_MESSAGE_SINT);
	shared_sint.vector = HYPERVISOR_CALLBACK_VECTOR;
	shared_sint.masked = false;
	hv_set_register(HV_REGISTER_SINT0 + VMBUS_MESSAGE_SINT,
			shared_sint.as_uint64);

	/* Enable the global synic bit */
	sctrl.as_uint64 = hv_get_register(HV_REGISTER_SCONTROL);
	sctrl.enable = 1;
	hv_set_register(HV_REGISTER_SCONTROL, sctrl.as_uint64);
}

void hv_synic_disable_regs(unsigned int cpu)
{
	union hv_synic_scontrol sctrl;

	/* Disable the global synic bit */
	sctrl.as_uint64 = hv_get_register(HV_REGISTER_SCONTROL);
	sctrl.enable = 0;
	hv_set_register(HV_REGISTER_SCONTROL, sctrl.as_uint64);
}
