/* SPDX-License-Identifier: GPL-2.0 */

/*
 * This file contains definitions from the Hyper-V Hypervisor Top-Level
 * Functional Specification (TLFS) that are specific to x86, written for
 * hvlint's b4 test tree.
 */
#ifndef _ASM_X86_HYPERV_TLFS_H
#define _ASM_X86_HYPERV_TLFS_H

#include <linux/types.h>
#include <asm/page.h>

/* Implementation recommendations (CPUID leaf 0x40000004, EAX) */
#define HV_X64_AS_SWITCH_RECOMMENDED		BIT(0)
#define HV_X64_APIC_ACCESS_RECOMMENDED		BIT(3)
#define HV_X64_SYSTEM_RESET_RECOMMENDED		BIT(4)
/* Deprecate AutoEOI: the guest should not set auto_eoi in its SINTs */
#define HV_DEPRECATING_AEOI_RECOMMENDED		BIT(9)

/* MSR used to identify the guest OS. */
#define HV_X64_MSR_GUEST_OS_ID			0x40000000
#define HV_X64_MSR_HYPERCALL			0x40000001

/* Per-VP synthetic MSRs, still named like the arm64 VP registers */
#define HV_REGISTER_VP_INDEX			0x40000002
#define HV_REGISTER_TIME_REF_COUNT		0x40000020
#define HV_REGISTER_REFERENCE_TSC		0x40000021

/* Define synthetic interrupt controller model specific registers. */
#define HV_REGISTER_SCONTROL			0x40000080
#define HV_REGISTER_SVERSION			0x40000081
#define HV_REGISTER_SIEFP			0x40000082
#define HV_REGISTER_SIMP			0x40000083
#define HV_REGISTER_EOM				0x40000084
#define HV_REGISTER_SINT0			0x40000090

/* Older names, kept for arch code */
#define HV_X64_MSR_SCONTROL			HV_REGISTER_SCONTROL
#define HV_X64_MSR_SIMP				HV_REGISTER_SIMP

#endif
