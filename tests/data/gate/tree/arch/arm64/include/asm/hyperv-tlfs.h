/* SPDX-License-Identifier: GPL-2.0 */

/*
 * This file contains definitions from the Hyper-V Hypervisor Top-Level
 * Functional Specification (TLFS) that are specific to ARM64.
 */

#ifndef _ASM_HYPERV_TLFS_H
#define _ASM_HYPERV_TLFS_H

#include <linux/types.h>

/*
 * Synthetic register definitions equivalent to MSRs on x86/x64
 */
#define HV_REGISTER_GUEST_OSID		0x00090002
#define HV_REGISTER_VP_INDEX		0x00090003
#define HV_REGISTER_TIME_REF_COUNT	0x00090004
#define HV_REGISTER_REFERENCE_TSC	0x00090017

#define HV_REGISTER_SINT0		0x000A0000
#define HV_REGISTER_SCONTROL		0x000A0010
#define HV_REGISTER_SIEFP		0x000A0012
#define HV_REGISTER_SIMP		0x000A0013
#define HV_REGISTER_EOM			0x000A0014

#define HV_REGISTER_STIMER0_CONFIG	0x000B0000
#define HV_REGISTER_STIMER0_COUNT	0x000B0001

/* Synthetic register aliases for arch-neutral code */
#define HV_SYN_REG_GUEST_OS_ID		HV_REGISTER_GUEST_OSID
#define HV_SYN_REG_VP_INDEX		HV_REGISTER_VP_INDEX
#define HV_SYN_REG_SCONTROL		HV_REGISTER_SCONTROL
#define HV_SYN_REG_SIEFP		HV_REGISTER_SIEFP
#define HV_SYN_REG_SIMP			HV_REGISTER_SIMP
#define HV_SYN_REG_EOM			HV_REGISTER_EOM
#define HV_SYN_REG_SINT0		HV_REGISTER_SINT0

#include <asm-generic/hyperv-tlfs.h>

#endif
