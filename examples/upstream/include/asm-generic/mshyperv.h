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
	 * Writing the EOM register tells the hypervisor to deliver the next
	 * pending message.
	 */
	if (old_msg_type != 0)
		hv_set_msr(HV_MSR_EOM, 0);
}

/* Message types: one enum for every arch, x86 intercepts included on purpose */
enum hv_message_type {
	HVMSG_NONE			= 0x00000000,
	HVMSG_TIMER_EXPIRED		= 0x80000010,
	HVMSG_X64_IOPORT_INTERCEPT	= 0x80010000,
	HVMSG_X64_MSR_INTERCEPT		= 0x80010001,
};

#ifdef CONFIG_X86
/* Only x86 can read the hypercall page MSR directly */
static inline u64 hv_read_hypercall_msr(void)
{
	u64 val;

	rdmsrl(HV_X64_MSR_HYPERCALL, val);
	return val;
}
#endif

#endif
