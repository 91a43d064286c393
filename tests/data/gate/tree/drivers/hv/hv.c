// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (c) 2009, Microsoft Corporation.
 *
 * Authors:
 *   Haiyang Zhang <haiyangz@example.invalid>
 *   Hank Janssen  <hjanssen@example.invalid>
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/mshyperv.h>
#include "hyperv_vmbus.h"

/*
 * hv_synic_enable_regs - Initialize the Synthetic Interrupt Controller
 * with the hypervisor.
 */
void hv_synic_enable_regs(unsigned int cpu)
{
	union hv_synic_scontrol sctrl;

	/* Enable the global synic bit */
	sctrl.as_uint64 = hv_get_register(HV_SYN_REG_SCONTROL);
	sctrl.enable = 1;

	hv_set_register(HV_SYN_REG_SCONTROL, sctrl.as_uint64);
}

void hv_synic_disable_regs(unsigned int cpu)
{
	union hv_synic_scontrol sctrl;

	/* Disable the global synic bit */
	sctrl.as_uint64 = hv_get_register(HV_SYN_REG_SCONTROL);
	sctrl.enable = 0;
	hv_set_register(HV_SYN_REG_SCONTROL, sctrl.as_uint64);
}

/*
 * hv_synic_free - Tell the hypervisor the SynIC pages are gone.
 * Not converted to the synthetic aliases yet.
 */
void hv_synic_free(void)
{
	hv_set_register(HV_REGISTER_SIEFP, 0);
	hv_set_register(HV_REGISTER_SIMP, 0);
}

int hv_synic_cleanup(unsigned int cpu)
{
	hv_synic_disable_regs(cpu);
	return 0;
}
