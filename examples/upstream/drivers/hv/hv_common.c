// SPDX-License-Identifier: GPL-2.0
/*
 * Architecture neutral Hyper-V code for the hvlint example tree.
 */
#include <linux/types.h>
#include <asm/mshyperv.h>

void hyperv_report_panic(u64 err)
{
	hv_set_msr(HV_MSR_CRASH_P0, err);
	hv_set_msr(HV_MSR_CRASH_CTL, 1ULL << 63);
}

u64 hv_current_vp_index(void)
{
	return hv_get_msr(HV_MSR_VP_INDEX);
}

static u64 hv_read_reference_counter(void)
{
	return hv_get_msr(HV_MSR_TIME_REF_COUNT);
}
