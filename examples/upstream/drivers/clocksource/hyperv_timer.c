// SPDX-License-Identifier: GPL-2.0
/*
 * Hyper-V synthetic timers for the hvlint example tree. Built only for
 * x86 (HYPERV_TIMER depends on X86), but still arch-neutral code.
 */
#include <linux/types.h>
#include <asm/mshyperv.h>

static int hv_ce_set_next_event(unsigned long delta)
{
	u64 current_tick = hv_get_msr(HV_MSR_TIME_REF_COUNT);

	hv_set_msr(HV_MSR_STIMER0_COUNT, current_tick + delta);
	return 0;
}

static void hv_enable_tsc_page(u64 pfn)
{
	u64 tsc_msr;

	/* x86 names are fine here: Kconfig builds this file for x86 only */
	rdmsrl(HV_X64_MSR_HYPERCALL, tsc_msr);
	hv_set_msr(HV_MSR_REFERENCE_TSC, pfn << 12 | 1);
}

static bool hv_stimer_usable(void)
{
	/* A CPUID feature bit, not a register alias, whatever its prefix says */
	return ms_hyperv.features & HV_MSR_SYNTIMER_AVAILABLE;
}
