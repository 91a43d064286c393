"""A kernel-shaped tree and a patch series for HV102's declaration index (issue 17).

The tree declares x86 kernel APIs without a Hyper-V prefix (an APIC helper in asm/apic.h, the
global ``dma_ops`` of x86's asm/dma-mapping.h, a paravirt hook), names both arches declare,
a static helper in arch/x86/hyperv/hv_init.c, and the Kbuild wrappers that decide which
``asm/X.h`` arm64 has. ``SERIES`` adds, patch by patch, one use of each of the issue's four
shapes and a near-miss of each; lines that must be reported carry ``/* expect: TYPE */``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import gate_series as gs

TREE: Dict[str, str] = {
    "Kconfig": 'mainmenu "Linux/$(ARCH) Kernel Configuration"\n\nsource "drivers/hv/Kconfig"\n',
    "Makefile": "# SPDX-License-Identifier: GPL-2.0\nobj-y += drivers/hv/\n",
    "drivers/hv/Kconfig": (
        'menu "Microsoft Hyper-V guest support"\n\n'
        "config HYPERV\n"
        '\ttristate "Microsoft Hyper-V client drivers"\n'
        "\tdepends on (X86 && X86_LOCAL_APIC) || (ARM64 && !CPU_BIG_ENDIAN)\n\n"
        "config HYPERV_APIC_HELPER\n"
        "\tdef_bool HYPERV && X86\n\n"
        "endmenu\n"
    ),
    "drivers/hv/Makefile": (
        "# SPDX-License-Identifier: GPL-2.0\n"
        "obj-$(CONFIG_HYPERV)\t\t+= hv_vmbus.o\n"
        "obj-$(CONFIG_HYPERV_APIC_HELPER)\t+= hv_apic_helper.o\n\n"
        "hv_vmbus-y := vmbus_drv.o hv_common.o\n"
    ),
    "arch/x86/include/asm/Kbuild": "# SPDX-License-Identifier: GPL-2.0\ngeneric-y += early_ioremap.h\n",
    "arch/arm64/include/asm/Kbuild": "# SPDX-License-Identifier: GPL-2.0\ngeneric-y += mcs_spinlock.h\ngeneric-y += qspinlock.h\n",
    "include/asm-generic/Kbuild": "# SPDX-License-Identifier: GPL-2.0\nmandatory-y += bug.h\nmandatory-y += mmiowb.h\n",
    "include/asm-generic/bug.h": "#ifndef _ASM_GENERIC_BUG_H\n#define _ASM_GENERIC_BUG_H\nvoid __warn_printk(const char *fmt, ...);\n#endif\n",
    "include/asm-generic/qspinlock.h": (
        "#ifndef __ASM_GENERIC_QSPINLOCK_H\n#define __ASM_GENERIC_QSPINLOCK_H\n"
        "static inline int queued_spin_is_locked(void *lock)\n{\n\treturn 0;\n}\n#endif\n"
    ),
    "arch/x86/include/asm/qspinlock.h": (
        "#ifndef _ASM_X86_QSPINLOCK_H\n#define _ASM_X86_QSPINLOCK_H\n"
        "static inline int queued_spin_is_locked(void *lock)\n{\n\treturn 1;\n}\n#endif\n"
    ),
    "arch/x86/include/asm/apic.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef _ASM_X86_APIC_H\n#define _ASM_X86_APIC_H\n\n"
        "#include <linux/types.h>\n\n"
        "struct apic {\n\tvoid (*eoi)(void);\n\tu32 (*read)(u32 reg);\n};\n\n"
        "extern struct apic *apic;\n\n"
        "static inline void apic_eoi(void)\n{\n\tapic->eoi();\n}\n\n"
        "extern void lapic_assign_system_vectors(void);\n\n"
        "#ifdef __ASSEMBLY__\n.macro APIC_ASM_HELPER reg\n\tmovl \\reg, %eax\n.endm\n#endif\n\n"
        "#endif\n"
    ),
    "arch/x86/include/asm/dma-mapping.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef _ASM_X86_DMA_MAPPING_H\n#define _ASM_X86_DMA_MAPPING_H\n\n"
        "extern const struct dma_map_ops *dma_ops;\n\n#endif\n"
    ),
    "arch/x86/include/asm/paravirt.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef _ASM_X86_PARAVIRT_H\n#define _ASM_X86_PARAVIRT_H\n\n"
        "struct pv_ops_struct {\n\tvoid (*safe_halt)(void);\n};\n"
        "extern struct pv_ops_struct pv_ops;\n\n"
        "static inline void paravirt_set_sched_clock(u64 (*func)(void))\n{\n}\n\n#endif\n"
    ),
    "arch/x86/include/asm/io.h": (
        "#ifndef _ASM_X86_IO_H\n#define _ASM_X86_IO_H\n"
        "static inline unsigned long virt_to_phys(volatile void *address)\n{\n\treturn (unsigned long)address;\n}\n#endif\n"
    ),
    "arch/arm64/include/asm/memory.h": (
        "#ifndef __ASM_MEMORY_H\n#define __ASM_MEMORY_H\n"
        "#define virt_to_phys(x) __virt_to_phys((unsigned long)(x))\n#endif\n"
    ),
    "arch/x86/include/asm/mshyperv.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef _ASM_X86_MSHYPER_H\n#define _ASM_X86_MSHYPER_H\n\n"
        "#include <asm-generic/mshyperv.h>\n\n"
        "extern void *hv_hypercall_pg;\n\n#endif\n"
    ),
    "arch/arm64/include/asm/mshyperv.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef _ASM_MSHYPERV_H\n#define _ASM_MSHYPERV_H\n\n"
        "#include <asm-generic/mshyperv.h>\n\n#endif\n"
    ),
    "include/asm-generic/mshyperv.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef _ASM_GENERIC_MSHYPERV_H\n#define _ASM_GENERIC_MSHYPERV_H\n\n"
        "#include <linux/types.h>\n\n"
        "struct ms_hyperv_info {\n\tu32 features;\n};\nextern struct ms_hyperv_info ms_hyperv;\n\n"
        "void hv_setup_vmbus_handler(void (*handler)(void));\n\n#endif\n"
    ),
    "include/linux/device.h": (
        "#ifndef _DEVICE_H_\n#define _DEVICE_H_\n"
        "struct device {\n\tconst struct dma_map_ops *dma_ops;\n\tvoid *driver_data;\n};\n#endif\n"
    ),
    "arch/x86/hyperv/hv_init.c": (
        "// SPDX-License-Identifier: GPL-2.0\n#include <asm/mshyperv.h>\n\n"
        "static void hv_x86_flush_pending(void)\n{\n}\n\n"
        "void __init hyperv_init(void)\n{\n\thv_x86_flush_pending();\n}\n"
    ),
    "drivers/hv/hv_common.c": (
        "// SPDX-License-Identifier: GPL-2.0\n#include <linux/device.h>\n#include <asm/mshyperv.h>\n\n"
        "struct ms_hyperv_info ms_hyperv;\n\n"
        "int hv_common_init(void)\n{\n\treturn 0;\n}\n"
    ),
    "drivers/hv/vmbus_drv.c": (
        "// SPDX-License-Identifier: GPL-2.0\n#include <linux/device.h>\n#include <asm/mshyperv.h>\n\n"
        "static void vmbus_isr(void)\n{\n}\n\n"
        "static int vmbus_bus_init(void)\n{\n\thv_setup_vmbus_handler(vmbus_isr);\n\treturn 0;\n}\n"
    ),
    "drivers/hv/hv_apic_helper.c": (
        "// SPDX-License-Identifier: GPL-2.0\n/* Built only on x86: HYPERV_APIC_HELPER is HYPERV && X86. */\n"
        "#include <asm/apic.h>\n\nvoid hv_apic_helper_init(void)\n{\n}\n"
    ),
}

COMMON = "drivers/hv/hv_common.c"
VMBUS = "drivers/hv/vmbus_drv.c"
HELPER = "drivers/hv/hv_apic_helper.c"
X86_MSHYPERV = "arch/x86/include/asm/mshyperv.h"
ARM64_MSHYPERV = "arch/arm64/include/asm/mshyperv.h"
X86_INIT = "arch/x86/hyperv/hv_init.c"
E = "/* expect: X86_NAME_IN_GENERIC */"

SERIES = [
    gs.Step(
        "Drivers: hv: end the interrupt through the local APIC",
        "Shape 1: x86 kernel APIs without a Hyper-V prefix, and their look-alikes.",
        [
            (
                "replace", COMMON, "int hv_common_init(void)\n{\n\treturn 0;\n}\n",
                "static void hv_common_eoi(struct device *dev, int apic)\n{\n"
                f"\tapic_eoi();\t{E}\n"
                f"\tif (dma_ops)\t{E}\n"
                "\t\tdev->dma_ops = NULL;\n"
                "\tdev->driver_data = &apic;\n"
                f"\tpv_ops.safe_halt();\t{E}\n"
                "}\n\n"
                "int hv_common_init(void)\n{\n"
                "\tint dma_ops = 0;\n"
                "\tunsigned long pa = virt_to_phys(&dma_ops);\n\n"
                "#ifdef CONFIG_X86\n\tlapic_assign_system_vectors();\n#endif\n"
                "\t/* apic_eoi() is x86's; \"apic_eoi\" in a string is not code */\n"
                "\treturn pa ? 0 : queued_spin_is_locked(NULL);\n}\n",
            ),
            ("replace", HELPER, "void hv_apic_helper_init(void)\n{\n}\n", "void hv_apic_helper_init(void)\n{\n\tapic_eoi();\n}\n"),
        ],
    ),
    gs.Step(
        "x86/hyperv: add hv_x86_vtl_return() and a VTL page",
        "Shape 2, first half: helpers the series adds only for x86 (and one for both).",
        [
            (
                "replace", X86_MSHYPERV, "extern void *hv_hypercall_pg;\n",
                "extern void *hv_hypercall_pg;\nextern void *hv_vtl_page;\nvoid hv_x86_vtl_return(void);\nvoid hv_both_vtl_init(void);\n",
            ),
            ("replace", ARM64_MSHYPERV, "#include <asm-generic/mshyperv.h>\n", "#include <asm-generic/mshyperv.h>\n\nvoid hv_both_vtl_init(void);\n"),
        ],
    ),
    gs.Step(
        "Drivers: hv: return to VTL0 from the VMBus ISR",
        "Shape 2, second half: the x86 helper used from drivers/hv (and a same-patch x86 one).",
        [
            (
                "replace", VMBUS, "static void vmbus_isr(void)\n{\n}\n",
                "static void vmbus_isr(void)\n{\n"
                f"\thv_x86_vtl_return();\t{E}\n"
                "\thv_both_vtl_init();\n"
                "\tif (hv_vtl_page || hv_x86_same_patch())\t/* expect: X86_NAME_IN_GENERIC X86_NAME_IN_GENERIC */\n"
                "\t\treturn;\n}\n",
            ),
            ("replace", X86_MSHYPERV, "void hv_x86_vtl_return(void);\n", "void hv_x86_vtl_return(void);\nbool hv_x86_same_patch(void);\n"),
        ],
    ),
    gs.Step(
        "x86/hyperv: make hv_x86_flush_pending() global and flush from VMBus",
        "Shape 3: a static function of arch/x86/hyperv/ made global, called from drivers/hv.",
        [
            ("replace", X86_INIT, "static void hv_x86_flush_pending(void)", "void hv_x86_flush_pending(void)"),
            (
                "replace", VMBUS, "static int vmbus_bus_init(void)\n{\n",
                "extern void hv_x86_flush_pending(void);\n\n"
                "static int vmbus_bus_init(void)\n{\n"
                f"\thv_x86_flush_pending();\t{E}\n",
            ),
        ],
    ),
    gs.Step(
        "Drivers: hv: include the APIC definitions",
        "Shape 4: an asm/ header arm64 has none of, next to ones it has.",
        [
            (
                "replace", COMMON, "#include <asm/mshyperv.h>\n",
                f"#include <asm/mshyperv.h>\n#include <asm/apic.h>\t{E}\n#include <asm/bug.h>\n#include <asm/qspinlock.h>\n"
                "#ifdef CONFIG_X86\n#include <asm/paravirt.h>\n#endif\n",
            ),
        ],
    ),
]


def make_repo(dest: Path) -> Path:
    """Write the tree to ``dest``, make it a git repo, commit it and tag it ``base``."""
    for rel, text in TREE.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    gs.git(dest, "init", "-q", "-b", "main")
    gs.git(dest, "add", "-A")
    gs.git(dest, "commit", "-q", "-m", "Linux 6.12-rc1")
    gs.git(dest, "tag", "base")
    return dest
