/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 side of the Hyper-V TLFS for the pre-commit hook tests: synthetic MSRs,
 * one legacy HV_REGISTER_* MSR name, and the HV_SYN_REG_* aliases that
 * arch-neutral code passes to hv_get_register()/hv_set_register().
 */
#ifndef _ASM_X86_HYPERV_TLFS_H
#define _ASM_X86_HYPERV_TLFS_H

#define HV_X64_MSR_GUEST_OS_ID		0x40000000
#define HV_X64_MSR_VP_INDEX		0x40000002
#define HV_X64_MSR_SCONTROL		0x40000080
#define HV_X64_MSR_SIEFP		0x40000082
#define HV_X64_MSR_SIMP			0x40000083
#define HV_X64_MSR_EOM			0x40000084
#define HV_X64_MSR_SINT0		0x40000090

/* Not renamed yet: an MSR under a VP-register name */
#define HV_REGISTER_SCONTROL		0x40000080	/* expect: HV_REGISTER_MSR */

#define HV_SYN_REG_VP_INDEX		HV_X64_MSR_VP_INDEX
#define HV_SYN_REG_SCONTROL		HV_X64_MSR_SCONTROL
#define HV_SYN_REG_SIEFP		HV_X64_MSR_SIEFP
#define HV_SYN_REG_SIMP			HV_X64_MSR_SIMP
#define HV_SYN_REG_EOM			HV_X64_MSR_EOM
#define HV_SYN_REG_SINT0		HV_X64_MSR_SINT0

#endif
