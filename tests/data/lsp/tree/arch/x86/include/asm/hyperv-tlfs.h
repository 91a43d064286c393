/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86/x64 definitions of the Hyper-V Top-Level Functional Specification,
 * written for hvlint's language server tests in the pre-v6.9 layout.
 */
#ifndef _ASM_X86_HYPERV_TLFS_H
#define _ASM_X86_HYPERV_TLFS_H

#include <linux/types.h>

/* Synthetic interrupt controller MSRs. */
#define HV_X64_MSR_SCONTROL			0x40000080
#define HV_X64_MSR_SIMP				0x40000083
#define HV_X64_MSR_EOM				0x40000084
#define HV_X64_MSR_SINT0			0x40000090

/* The pre-rename spelling: an MSR under the VP register prefix. */
#define HV_REGISTER_SCONTROL			0x40000080

/* Synthetic register aliases for arch-neutral code. */
#define HV_SYN_REG_SCONTROL		HV_X64_MSR_SCONTROL
#define HV_SYN_REG_SIMP			HV_X64_MSR_SIMP
#define HV_SYN_REG_EOM			HV_X64_MSR_EOM
#define HV_SYN_REG_SINT0		HV_X64_MSR_SINT0

#endif
