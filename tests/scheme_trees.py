"""Two kernel-shaped trees written for these tests: one from before the alias rename (v6.1
layout: x86 MSRs named HV_REGISTER_*, generic code calling hv_get/set_register() with them)
and one after it (v6.9+: HV_MSR_* aliases per arch, hv_get/set_msr()). Both carry the CPUID
feature bits HV_MSR_*_AVAILABLE that share the upstream alias prefix without being aliases,
in include/asm-generic and in a KVM selftest header."""

from __future__ import annotations

from typing import Dict

KCONFIG = "# SPDX-License-Identifier: GPL-2.0\nmainmenu \"Linux Kernel Configuration\"\n"

FEATURE_BITS = """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_GENERIC_HYPERV_TLFS_H
#define _ASM_GENERIC_HYPERV_TLFS_H

/* Partition privilege flags: CPUID 0x40000003.EAX, not registers */
#define HV_MSR_VP_RUNTIME_AVAILABLE		BIT(0)
#define HV_MSR_TIME_REF_COUNT_AVAILABLE		BIT(1)
#define HV_MSR_SYNIC_AVAILABLE			BIT(2)
#define HV_MSR_SYNTIMER_AVAILABLE		BIT(3)

#endif
"""

SELFTEST_BITS = """\
/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SELFTEST_KVM_HYPERV_H
#define SELFTEST_KVM_HYPERV_H

#define HV_X64_MSR_GUEST_OS_ID			0x40000000
#define HV_X64_MSR_SCONTROL			0x40000080

#define HV_MSR_VP_RUNTIME_AVAILABLE		BIT(0)
#define HV_MSR_TIME_REF_COUNT_AVAILABLE		BIT(1)
#define HV_MSR_SYNIC_AVAILABLE			BIT(2)

#endif
"""

PRE_RENAME: Dict[str, str] = {
    "Kconfig": KCONFIG,
    "include/asm-generic/hyperv-tlfs.h": FEATURE_BITS,
    "tools/testing/selftests/kvm/include/x86_64/hyperv.h": SELFTEST_BITS,
    "arch/x86/include/asm/hyperv-tlfs.h": """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_HYPERV_TLFS_H
#define _ASM_X86_HYPERV_TLFS_H

#define HV_X64_MSR_GUEST_OS_ID		0x40000000
#define HV_X64_MSR_VP_ASSIST_PAGE	0x40000073

#define HV_REGISTER_SCONTROL		0x40000080
#define HV_REGISTER_SIMP		0x40000083
#define HV_REGISTER_EOM			0x40000084

/* temporary compatibility names */
#define HV_X64_MSR_SCONTROL		HV_REGISTER_SCONTROL
#define HV_X64_MSR_SIMP			HV_REGISTER_SIMP
#define HV_X64_MSR_EOM			HV_REGISTER_EOM

#endif
""",
    "arch/arm64/include/asm/hyperv-tlfs.h": """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_ARM64_HYPERV_TLFS_H
#define _ASM_ARM64_HYPERV_TLFS_H

#define HV_REGISTER_SCONTROL		0x000A0010
#define HV_REGISTER_SIMP		0x000A0013
#define HV_REGISTER_EOM			0x000A0014

#endif
""",
    "arch/x86/include/asm/mshyperv.h": """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_MSHYPER_H
#define _ASM_X86_MSHYPER_H

static inline u64 hv_get_register(unsigned int reg)
{
	u64 value;

	rdmsrl(reg, value);
	return value;
}

static inline void hv_set_register(unsigned int reg, u64 value)
{
	wrmsrl(reg, value);
}

#endif
""",
    "drivers/hv/hv.c": """\
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/hyperv.h>
#include <asm/mshyperv.h>

void hv_synic_disable_regs(unsigned int cpu)
{
	u64 sctrl;

	sctrl = hv_get_register(HV_REGISTER_SCONTROL);
	hv_set_register(HV_REGISTER_SCONTROL, sctrl & ~1ULL);
}
""",
    "drivers/clocksource/hyperv_timer.c": """\
// SPDX-License-Identifier: GPL-2.0
#include <asm/mshyperv.h>

static bool hv_stimer_usable(void)
{
	return ms_hyperv.features & HV_MSR_SYNTIMER_AVAILABLE;
}
""",
}

# x86 code outside the counted part of the tree (index_roots): its calls must not change the
# reason when it is linted.
X86_CPU = """\
// SPDX-License-Identifier: GPL-2.0-only
#include <asm/mshyperv.h>

static void __init ms_hyperv_init_platform(void)
{
	{accessor}(HV_X64_MSR_GUEST_OS_ID, 0);
}
"""
PRE_RENAME["arch/x86/kernel/cpu/mshyperv.c"] = X86_CPU.replace("{accessor}", "hv_set_register")

UPSTREAM: Dict[str, str] = {
    "arch/x86/kernel/cpu/mshyperv.c": X86_CPU.replace("{accessor}", "hv_set_msr"),
    "Kconfig": KCONFIG,
    "include/asm-generic/hyperv-tlfs.h": FEATURE_BITS,
    "tools/testing/selftests/kvm/include/x86_64/hyperv.h": SELFTEST_BITS,
    "arch/x86/include/asm/hyperv-tlfs.h": """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_HYPERV_TLFS_H
#define _ASM_X86_HYPERV_TLFS_H

#define HV_X64_MSR_GUEST_OS_ID		0x40000000
#define HV_X64_MSR_VP_ASSIST_PAGE	0x40000073
#define HV_X64_MSR_SCONTROL		0x40000080
#define HV_X64_MSR_SIMP			0x40000083
#define HV_X64_MSR_EOM			0x40000084

/* Arch-neutral names of the synthetic registers (hv_get_msr()/hv_set_msr()) */
#define HV_MSR_SCONTROL		(HV_X64_MSR_SCONTROL)
#define HV_MSR_SIMP		(HV_X64_MSR_SIMP)
#define HV_MSR_EOM		(HV_X64_MSR_EOM)

#endif
""",
    "arch/arm64/include/asm/hyperv-tlfs.h": """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_ARM64_HYPERV_TLFS_H
#define _ASM_ARM64_HYPERV_TLFS_H

#define HV_REGISTER_SCONTROL		0x000A0010
#define HV_REGISTER_SIMP		0x000A0013
#define HV_REGISTER_EOM			0x000A0014

#define HV_MSR_SCONTROL		(HV_REGISTER_SCONTROL)
#define HV_MSR_SIMP		(HV_REGISTER_SIMP)
#define HV_MSR_EOM		(HV_REGISTER_EOM)

#endif
""",
    "arch/x86/include/asm/mshyperv.h": """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_MSHYPER_H
#define _ASM_X86_MSHYPER_H

u64 hv_get_msr(unsigned int reg);
void hv_set_msr(unsigned int reg, u64 value);

#endif
""",
    "drivers/hv/hv.c": """\
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/hyperv.h>
#include <asm/mshyperv.h>

void hv_synic_disable_regs(unsigned int cpu)
{
	u64 sctrl;

	sctrl = hv_get_msr(HV_MSR_SCONTROL);
	hv_set_msr(HV_MSR_SCONTROL, sctrl & ~1ULL);
	hv_set_msr(HV_MSR_EOM, 0);
}
""",
    "drivers/clocksource/hyperv_timer.c": """\
// SPDX-License-Identifier: GPL-2.0
#include <asm/mshyperv.h>

static bool hv_stimer_usable(void)
{
	return ms_hyperv.features & HV_MSR_SYNTIMER_AVAILABLE;
}

static void hv_stimer_eoi(void)
{
	hv_set_msr(HV_MSR_EOM, 0);
}
""",
}
