/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARM64 definitions of the Hyper-V Top-Level Functional Specification,
 * written for hvlint's language server tests.
 */
#ifndef _ASM_HYPERV_TLFS_H
#define _ASM_HYPERV_TLFS_H

#include <linux/types.h>

/* Synthetic VP registers, reached with HVCALL_GET/SET_VP_REGISTERS. */
#define HV_REGISTER_SINT0		0x000A0000
#define HV_REGISTER_SCONTROL		0x000A0010
#define HV_REGISTER_SIMP		0x000A0013
#define HV_REGISTER_EOM			0x000A0014

/* Synthetic register aliases for arch-neutral code. */
#define HV_SYN_REG_SCONTROL		HV_REGISTER_SCONTROL
#define HV_SYN_REG_SIMP			HV_REGISTER_SIMP
#define HV_SYN_REG_EOM			HV_REGISTER_EOM
#define HV_SYN_REG_SINT0		HV_REGISTER_SINT0

#endif
