/* SPDX-License-Identifier: GPL-2.0 */
/* Register aliases of an out-of-tree Hyper-V driver, x86 side. */
#ifndef _HV_FOO_REGS_H
#define _HV_FOO_REGS_H

#define HV_SYN_REG_FOO_STATUS	HV_X64_MSR_SVERSION
#define HV_SYN_REG_FOO_CTL	HV_X64_MSR_SCONTROL

#endif
