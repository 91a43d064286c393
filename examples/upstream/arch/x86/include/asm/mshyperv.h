/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_MSHYPER_H
#define _ASM_X86_MSHYPER_H

#include <asm/hyperv-tlfs.h>
#include <asm/msr.h>

static inline u64 hv_get_msr(unsigned int reg)
{
	u64 value;

	rdmsrl(reg, value);
	return value;
}

static inline void hv_set_msr(unsigned int reg, u64 value)
{
	wrmsrl(reg, value);
}

static inline u64 hv_read_vp_index(void)
{
	u64 index;

	rdmsrl(HV_X64_MSR_VP_INDEX, index);
	return index;
}

#include <asm-generic/mshyperv.h>

#endif
