// SPDX-License-Identifier: GPL-2.0
/*
 * Code shared by every arch, written for hvlint's language server tests.
 */
#include <linux/types.h>
#include <asm/mshyperv.h>

void hv_synic_eom(void)
{
	hv_set_register(HV_SYN_REG_EOM, 0);
}
