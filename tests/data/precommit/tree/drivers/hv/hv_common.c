// SPDX-License-Identifier: GPL-2.0
/*
 * Code shared by every arch for the pre-commit hook tests.
 */
#include <linux/types.h>
#include <asm/mshyperv.h>

u32 hv_current_vp_index(void)
{
	return hv_get_register(HV_SYN_REG_VP_INDEX);
}
