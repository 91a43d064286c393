// SPDX-License-Identifier: GPL-2.0
/*
 * Architecture neutral Hyper-V code for hvlint's b4 test tree.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/mshyperv.h>

struct ms_hyperv_info ms_hyperv;

u64 hv_current_vp_index(void)
{
	return hv_get_register(HV_REGISTER_VP_INDEX);
}

int hv_common_init(void)
{
	pr_info("max VP index %u\n", ms_hyperv.max_vp_index);
	return 0;
}
