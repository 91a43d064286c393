// SPDX-License-Identifier: GPL-2.0-only
/*
 * SynIC set-up, written for hvlint's language server tests in the shape
 * of a v6.1 drivers/hv/hv.c (before the register rename).
 */
#include <linux/kernel.h>
#include <asm/mshyperv.h>

void hv_synic_enable_regs(unsigned int cpu)
{
	u64 simp, sctrl;

	simp = hv_get_register(HV_REGISTER_SIMP);	/* expect: GENERIC_REG_PREFIX */
	simp |= 1;
	hv_set_register(HV_REGISTER_SIMP, simp);	/* expect: GENERIC_REG_PREFIX */

	/* Enable the global synic bit: HV_REGISTER_SCONTROL, as the TLFS says. */
	sctrl = hv_get_register(HV_REGISTER_SCONTROL);	/* expect: GENERIC_REG_PREFIX */
	sctrl |= 1;
	hv_set_register(HV_REGISTER_SCONTROL, sctrl);	/* expect: GENERIC_REG_PREFIX */
}
