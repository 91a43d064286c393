/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_MSHYPERV_H
#define _ASM_MSHYPERV_H

#include <linux/types.h>
#include <asm/hyperv-tlfs.h>

/* Read and write VP registers with HVCALL_{GET,SET}_VP_REGISTERS */
u64 hv_get_vpreg(u32 reg);
void hv_set_vpreg(u32 reg, u64 value);

static inline u64 hv_get_register(unsigned int reg)
{
	return hv_get_vpreg(reg);
}

static inline void hv_set_register(unsigned int reg, u64 value)
{
	hv_set_vpreg(reg, value);
}

#include <asm-generic/mshyperv.h>

#endif
