/* SPDX-License-Identifier: GPL-2.0 */
/* Register aliases of an out-of-tree Hyper-V driver, arm64 side: no FOO_CTL yet. */
#ifndef _HV_FOO_REGS_H
#define _HV_FOO_REGS_H

#define HV_SYN_REG_FOO_STATUS	HV_REGISTER_SVERSION

#endif
