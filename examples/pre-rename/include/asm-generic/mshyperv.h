/* SPDX-License-Identifier: GPL-2.0 */

/*
 * Linux-specific definitions for managing interactions with Microsoft's
 * Hyper-V hypervisor, shared by every arch (hvlint example tree).
 */
#ifndef _ASM_GENERIC_MSHYPERV_H
#define _ASM_GENERIC_MSHYPERV_H

#include <linux/types.h>

static inline void vmbus_signal_eom(u32 old_msg_type)
{
	/*
	 * Writing HV_REGISTER_EOM tells the hypervisor to deliver the next
	 * pending message.
	 */
	if (old_msg_type != 0)
		hv_set_register(HV_REGISTER_EOM, 0);
}

#endif
