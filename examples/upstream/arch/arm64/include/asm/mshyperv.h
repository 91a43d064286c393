/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_ARM64_MSHYPERV_H
#define _ASM_ARM64_MSHYPERV_H

#include <asm/hyperv-tlfs.h>

extern void hv_set_vpreg(u32 reg, u64 value);
extern u64 hv_get_vpreg(u32 reg);

static inline void hv_set_msr(unsigned int reg, u64 value)
{
	hv_set_vpreg(reg, value);
}

static inline u64 hv_get_msr(unsigned int reg)
{
	return hv_get_vpreg(reg);
}

#include <asm-generic/mshyperv.h>

#endif
