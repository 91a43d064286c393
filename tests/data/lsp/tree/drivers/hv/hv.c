// SPDX-License-Identifier: GPL-2.0-only
/*
 * SynIC set-up, written for hvlint's language server tests in the shape
 * of a pre-v6.9 drivers/hv/hv.c.
 */
#include <linux/kernel.h>
#include <asm/mshyperv.h>

void hv_synic_enable_regs(unsigned int cpu)
{
	union hv_synic_scontrol sctrl;

	/* Enable the global synic bit: HV_REGISTER_SCONTROL, as the TLFS says. */
	sctrl.as_uint64 = hv_get_register(HV_REGISTER_SCONTROL);	/* expect: GENERIC_REG_PREFIX */
	sctrl.enable = 1;
	hv_set_register(HV_REGISTER_SCONTROL, sctrl.as_uint64);	/* expect: GENERIC_REG_PREFIX */
	pr_debug("HV_REGISTER_SCONTROL set on cpu %u\n", cpu);
}
