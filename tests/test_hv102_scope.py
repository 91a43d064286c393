"""HV102's scope rules on one arch-neutral file: only a use of the global name is reported,
never a member, local, parameter, label, macro parameter, local enum constant, comment or
string that merely shares its spelling (expectations inline, ``/* expect: TYPE */``)."""

from __future__ import annotations

from conftest import actual_findings, expected_findings, lint_tree

X86_HEADER = """\
#ifndef _ASM_X86_APIC_H
#define _ASM_X86_APIC_H
extern struct apic *apic;
extern int apic_verbosity;
extern const struct dma_map_ops *dma_ops;
void apic_eoi(void);
struct x86_cpuinit_ops { void (*setup_percpu_clockev)(void); };
typedef unsigned long x86_pteval_t;
enum x86_irq_mode { X86_IRQ_PIC, X86_IRQ_APIC };
#define X86_VECTOR_BASE 0x20
#endif
"""

DRIVER = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/types.h>

struct hv_ops {
	int apic_verbosity;
	void (*apic_eoi)(void);
	struct x86_cpuinit_ops *ops;
};

#define HV_CALL(dma_ops) ((dma_ops) + 1)

enum hv_local { X86_IRQ_PIC_LOCAL, X86_IRQ_APIC };

static struct hv_ops hv_default = {
	.apic_verbosity = 1,
	.apic_eoi = NULL,
};

static int hv_scope_demo(struct hv_ops *ops, int dma_ops)
{
	int apic = 0;
	x86_pteval_t pte = 0;	/* expect: X86_NAME_IN_GENERIC */

	/* apic_eoi() is what x86 calls here */
	pr_info("apic_eoi %d\\n", ops->apic_verbosity + apic + dma_ops);
	ops->apic_eoi();
	if (X86_IRQ_APIC)
		goto apic_verbosity;
	return HV_CALL(1) + X86_VECTOR_BASE + (int)pte;	/* expect: X86_NAME_IN_GENERIC */
apic_verbosity:
	return sizeof(struct x86_cpuinit_ops);	/* expect: X86_NAME_IN_GENERIC */
}

int hv_scope_global(void)
{
	apic_eoi();	/* expect: X86_NAME_IN_GENERIC */
	return apic_verbosity + X86_IRQ_PIC;	/* expect: X86_NAME_IN_GENERIC X86_NAME_IN_GENERIC */
}
"""

KBUILD = {
    "Kconfig": 'mainmenu "Linux"\n',
    "arch/x86/include/asm/Kbuild": "generic-y += early_ioremap.h\n",
    "arch/arm64/include/asm/Kbuild": "generic-y += early_ioremap.h\n",
}


def test_only_uses_of_the_global_names_are_reported(tree):
    root = tree({**KBUILD, "arch/x86/include/asm/apic.h": X86_HEADER, "drivers/hv/hv_scope.c": DRIVER})
    _linter, result = lint_tree(root)
    hv102 = [f for f in result.findings if f.code == "HV102"]
    assert actual_findings(hv102) == expected_findings(root)
    assert {f.name for f in hv102} == {"x86_pteval_t", "X86_VECTOR_BASE", "struct x86_cpuinit_ops", "apic_eoi", "apic_verbosity", "X86_IRQ_PIC"}
