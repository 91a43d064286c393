/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARM64 definitions of the Hyper-V Top-Level Functional Specification,
 * written for hvlint's language server tests in the v6.1 layout.
 */
#ifndef _ASM_HYPERV_TLFS_H
#define _ASM_HYPERV_TLFS_H

#include <linux/types.h>

/* Synthetic VP registers, reached with HVCALL_GET/SET_VP_REGISTERS. */
#define HV_REGISTER_SCONTROL		0x000A0010
#define HV_REGISTER_SIMP		0x000A0013
#define HV_REGISTER_EOM			0x000A0014

#endif
