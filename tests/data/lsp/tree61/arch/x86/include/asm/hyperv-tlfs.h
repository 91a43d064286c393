/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86/x64 definitions of the Hyper-V Top-Level Functional Specification,
 * written for hvlint's language server tests in the v6.1 layout: the
 * synthetic MSRs are named HV_REGISTER_*, and no synthetic alias exists.
 */
#ifndef _ASM_X86_HYPERV_TLFS_H
#define _ASM_X86_HYPERV_TLFS_H

#include <linux/types.h>

#define HV_X64_MSR_GUEST_OS_ID			0x40000000

/* SynIC MSRs */
#define HV_REGISTER_SCONTROL			0x40000080
#define HV_REGISTER_SIMP			0x40000083
#define HV_REGISTER_EOM				0x40000084

/* Older names kept for arch code */
#define HV_X64_MSR_SCONTROL		HV_REGISTER_SCONTROL

#endif
