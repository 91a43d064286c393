/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arch-neutral Hyper-V declarations, written for hvlint's language server tests.
 */
#ifndef _ASM_GENERIC_MSHYPERV_H
#define _ASM_GENERIC_MSHYPERV_H

#include <linux/types.h>

extern u64 hv_get_register(unsigned int reg);
extern void hv_set_register(unsigned int reg, u64 value);

#endif
