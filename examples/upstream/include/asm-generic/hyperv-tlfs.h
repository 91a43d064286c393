/* SPDX-License-Identifier: GPL-2.0 */

/*
 * Definitions from the Hyper-V Top Level Functional Spec shared by every arch
 * (hvlint example tree).
 */
#ifndef _ASM_GENERIC_HYPERV_TLFS_H
#define _ASM_GENERIC_HYPERV_TLFS_H

#include <linux/bits.h>

/*
 * Partition privileges, CPUID 0x40000003.EAX: feature bits, not registers,
 * although they share the HV_MSR_ prefix of the register aliases.
 */
#define HV_MSR_VP_RUNTIME_AVAILABLE		BIT(0)
#define HV_MSR_TIME_REF_COUNT_AVAILABLE		BIT(1)
#define HV_MSR_SYNIC_AVAILABLE			BIT(2)
#define HV_MSR_SYNTIMER_AVAILABLE		BIT(3)

#endif
