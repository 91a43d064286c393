/* SPDX-License-Identifier: GPL-2.0 */

/*
 * x86 definitions of the Hyper-V Top Level Functional Specification,
 * written for the hvlint example tree.
 */
#ifndef _ASM_X86_HYPERV_TLFS_H
#define _ASM_X86_HYPERV_TLFS_H

#include <linux/types.h>

/* Hypervisor-wide synthetic MSRs */
#define HV_X64_MSR_GUEST_OS_ID			0x40000000
#define HV_X64_MSR_HYPERCALL			0x40000001

/* Per-VP synthetic MSRs, still named like VP registers */
#define HV_REGISTER_VP_INDEX			0x40000002
#define HV_REGISTER_TIME_REF_COUNT		0x40000020
#define HV_REGISTER_REFERENCE_TSC		0x40000021

/* SynIC MSRs */
#define HV_REGISTER_SCONTROL			0x40000080
#define HV_REGISTER_SVERSION			0x40000081
#define HV_REGISTER_SIEFP			0x40000082
#define HV_REGISTER_SIMP			0x40000083
#define HV_REGISTER_EOM				0x40000084
#define HV_REGISTER_SINT0			0x40000090

/* Synthetic timer MSRs */
#define HV_REGISTER_STIMER0_CONFIG		0x400000B0
#define HV_REGISTER_STIMER0_COUNT		(HV_REGISTER_STIMER0_CONFIG + 1)

/* Crash MSRs */
#define HV_REGISTER_CRASH_P0			0x40000100
#define HV_REGISTER_CRASH_CTL			0x40000105

/* Older names kept for arch code */
#define HV_X64_MSR_SCONTROL		HV_REGISTER_SCONTROL
#define HV_X64_MSR_SIMP			HV_REGISTER_SIMP

/* A feature bit, not a register: "HV_REGISTER_" appears only in this comment */
#define HV_X64_ACCESS_FREQUENCY_MSRS		BIT(11)

#endif
