/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2011, Microsoft Corporation.
 */

#ifndef _HYPERV_VMBUS_H
#define _HYPERV_VMBUS_H

#include <linux/types.h>
#include <asm/hyperv-tlfs.h>

/* The SINT the VMbus messages arrive on. */
#define VMBUS_MESSAGE_SINT 2

void hv_synic_enable_regs(unsigned int cpu);
void hv_synic_disable_regs(unsigned int cpu);

#endif /* _HYPERV_VMBUS_H */
