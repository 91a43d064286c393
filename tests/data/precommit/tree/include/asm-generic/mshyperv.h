/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Accessors every arch provides for the synthetic registers; arch-neutral
 * code names a register by its HV_SYN_REG_* alias.
 */
#ifndef _ASM_GENERIC_MSHYPERV_H
#define _ASM_GENERIC_MSHYPERV_H

#include <linux/types.h>

u64 hv_get_register(unsigned int reg);
void hv_set_register(unsigned int reg, u64 value);

static inline void vmbus_signal_eom(u32 old_msg_type)
{
	if (old_msg_type != 0)
		hv_set_register(HV_SYN_REG_EOM, 0);
}

#endif
