// SPDX-License-Identifier: GPL-2.0-only
/*
 * X86 specific Hyper-V initialization code.
 *
 * Copyright (C) 2016, Microsoft, Inc.
 */

#include <linux/types.h>
#include <asm/hyperv-tlfs.h>
#include <asm/mshyperv.h>
#include <asm/msr.h>

u64 hv_get_register(unsigned int reg)
{
	u64 value;

	rdmsrl(reg, value);
	return value;
}

void hv_set_register(unsigned int reg, u64 value)
{
	wrmsrl(reg, value);
}

void hyperv_init(void)
{
	u64 guest_id = 0x8100;

	wrmsrl(HV_X64_MSR_GUEST_OS_ID, guest_id);
}
