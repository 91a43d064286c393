// SPDX-License-Identifier: GPL-2.0
/* Arch-neutral part of an out-of-tree Hyper-V driver. */
#include <hv_foo_regs.h>

u64 hv_foo_status(void)
{
	return hv_get_register(HV_SYN_REG_FOO_STATUS);
}
