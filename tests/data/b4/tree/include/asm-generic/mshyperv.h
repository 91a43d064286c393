/* SPDX-License-Identifier: GPL-2.0 */

/*
 * Linux-specific definitions for managing interactions with Microsoft's
 * Hyper-V hypervisor. The definitions in this file are architecture
 * independent.
 */
#ifndef _ASM_GENERIC_MSHYPERV_H
#define _ASM_GENERIC_MSHYPERV_H

#include <linux/types.h>
#include <asm/hyperv-tlfs.h>

struct ms_hyperv_info {
	u32 features;
	u32 priv_high;
	u32 misc_features;
	u32 hints;
	u32 max_vp_index;
};
extern struct ms_hyperv_info ms_hyperv;

static inline void vmbus_signal_eom(u32 old_msg_type)
{
	/*
	 * Writing the EOM register tells the hypervisor to deliver the
	 * next pending message.
	 */
	if (old_msg_type != 0)
		hv_set_register(HV_REGISTER_EOM, 0);
}

#endif
