/* SPDX-License-Identifier: GPL-2.0 */

/*
 * This file contains definitions from Hyper-V Hypervisor Top-Level Functional
 * Specification (TLFS) that are specific to x86/x64.
 */

#ifndef _ASM_X86_HYPERV_TLFS_H
#define _ASM_X86_HYPERV_TLFS_H

#include <linux/types.h>
#include <asm/page.h>

/* MSR used to identify the guest OS. */
#define HV_X64_MSR_GUEST_OS_ID			0x40000000

/* MSR used to setup pages used to communicate with the hypervisor. */
#define HV_X64_MSR_HYPERCALL			0x40000001

/* MSR used to provide vcpu index */
#define HV_X64_MSR_VP_INDEX			0x40000002

/* MSR used to read the per-partition time reference counter */
#define HV_X64_MSR_TIME_REF_COUNT		0x40000020

/* A partition's reference time stamp counter (TSC) page */
#define HV_X64_MSR_REFERENCE_TSC		0x40000021

/* Define synthetic interrupt controller model specific registers. */
#define HV_X64_MSR_SCONTROL			0x40000080
#define HV_X64_MSR_SVERSION			0x40000081
#define HV_X64_MSR_SIEFP			0x40000082
#define HV_X64_MSR_SIMP				0x40000083
#define HV_X64_MSR_EOM				0x40000084
#define HV_X64_MSR_SINT0			0x40000090

/* Define synthetic interrupt controller model specific registers. */
#define HV_X64_MSR_STIMER0_CONFIG		0x400000B0
#define HV_X64_MSR_STIMER0_COUNT		0x400000B1

/*
 * Synthetic register aliases: arch-neutral code names a register
 * HV_SYN_REG_* and each arch maps it to its own register.
 */
#define HV_SYN_REG_GUEST_OS_ID		HV_X64_MSR_GUEST_OS_ID
#define HV_SYN_REG_VP_INDEX		HV_X64_MSR_VP_INDEX
#define HV_SYN_REG_SCONTROL		HV_X64_MSR_SCONTROL
#define HV_SYN_REG_SIEFP		HV_X64_MSR_SIEFP
#define HV_SYN_REG_SIMP			HV_X64_MSR_SIMP
#define HV_SYN_REG_EOM			HV_X64_MSR_EOM
#define HV_SYN_REG_SINT0		HV_X64_MSR_SINT0

#endif
