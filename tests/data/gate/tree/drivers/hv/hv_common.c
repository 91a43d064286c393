// SPDX-License-Identifier: GPL-2.0

/*
 * Architecture neutral utility routines for interacting with
 * Hyper-V. This file is specifically for code that must be
 * built-in to the kernel image when CONFIG_HYPERV is set
 * (vs. being in a module).
 */

#include <linux/types.h>
#include <linux/export.h>
#include <linux/bitfield.h>
#include <asm/hyperv-tlfs.h>
#include <asm/mshyperv.h>

u32 *hv_vp_index;

int hv_common_cpu_init(unsigned int cpu)
{
	u64 msr_vp_index;

	/*
	 * The VP index is read once per CPU and kept: the hypervisor
	 * never changes it while the CPU is online.
	 */
	msr_vp_index = hv_get_register(HV_SYN_REG_VP_INDEX);
	hv_vp_index[cpu] = msr_vp_index;

	return 0;
}
