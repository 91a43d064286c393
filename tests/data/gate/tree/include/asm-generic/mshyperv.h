/* SPDX-License-Identifier: GPL-2.0 */

/*
 * Linux-specific definitions for managing interactions with Microsoft's
 * Hyper-V hypervisor. The definitions in this file are architecture
 * independent.
 */

#ifndef _ASM_GENERIC_MSHYPERV_H
#define _ASM_GENERIC_MSHYPERV_H

#include <linux/types.h>
#include <asm/hyperv-tlfs.h>

/* Generic register accessors, implemented by each arch. */
u64 hv_get_register(unsigned int reg);
void hv_set_register(unsigned int reg, u64 value);

extern u32 *hv_vp_index;

#endif
