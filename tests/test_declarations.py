"""The declaration reader (hvlint/c/decls.py) and the tree's declaration index
(hvlint/tree/declindex.py) on kernel-shaped headers: what each file declares, which arches
see an asm-generic header, and which ``asm/X.h`` arm64 has."""

from __future__ import annotations

import os
import time
from pathlib import Path

from conftest import write_tree
from hvlint import ruledata
from hvlint.c.decls import declarations
from hvlint.c.lexer import blank
from hvlint.config import Settings
from hvlint.engine import Linter
from hvlint.tree.declindex import grammar_of

DATA = ruledata.load()
GRAMMAR = grammar_of(DATA)

APIC_H = """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_APIC_H
#define _ASM_X86_APIC_H
#include <asm-generic/apic_helpers.h>
#define APIC_EOI_ACK	0x0 /* a comment mentioning not_a_decl() */
#define apic_printk(v, s, a...) do { } while (0)

extern unsigned int apic_verbosity;
extern int local_apic_timer_c2_ok, disable_apic;
DECLARE_PER_CPU(u16, x86_cpu_to_apicid);
DECLARE_STATIC_KEY_FALSE(apic_use_ipi_shorthand);
extern void (*x86_platform_ipi_callback)(void);
typedef u32 (*apic_read_fn)(u32 reg);
typedef struct { int quirk; } apic_quirk_t;
enum apic_intr_mode_id {
	APIC_PIC,
	APIC_VIRTUAL_WIRE = 1 << 2,
};
struct apic {
	void	(*eoi)(void);
	u32	(*read)(u32 reg);
};
struct apic_forward;
extern struct apic *apic;
__printf(2, 3) void apic_log(int level, const char *fmt, ...);
static inline void apic_eoi(void)
{
	int local_only = 0;

	apic->eoi();
}
EXPORT_SYMBOL_GPL(apic_eoi);
#ifdef __ASSEMBLY__
.macro APIC_SAVE reg
	movl \\reg, %eax ; ret
.endm
#else
int apic_c_side(void);
#endif
#if 0
int apic_never(void);
#endif
#endif
"""


def _declared(text: str):
    return {(d.name, d.kind) for d in declarations(blank(text).code, GRAMMAR).decls}


def test_every_kind_of_file_scope_declaration_is_read():
    found = _declared(APIC_H)
    assert {
        ("APIC_EOI_ACK", "macro"), ("apic_printk", "function-macro"), ("apic_verbosity", "extern"),
        ("local_apic_timer_c2_ok", "extern"), ("disable_apic", "extern"),
        ("x86_cpu_to_apicid", "variable"), ("apic_use_ipi_shorthand", "variable"),
        ("x86_platform_ipi_callback", "variable"), ("apic_read_fn", "typedef"),
        ("apic_quirk_t", "typedef"), ("enum apic_intr_mode_id", "tag"), ("APIC_PIC", "enum"),
        ("APIC_VIRTUAL_WIRE", "enum"), ("struct apic", "tag"), ("apic", "extern"),
        ("apic_log", "prototype"), ("apic_eoi", "function"), ("apic_c_side", "prototype"),
    } <= found


def test_members_locals_comments_assembly_and_forward_tags_are_not_declarations():
    names = {n for n, _k in _declared(APIC_H)}
    for name in ("eoi", "read", "reg", "local_only", "not_a_decl", "struct apic_forward", "EXPORT_SYMBOL_GPL",
                 "APIC_SAVE", "eax", "apic_never", "__printf", "quirk", "level", "fmt"):
        assert name not in names, name


def test_includes_are_listed():
    found = declarations(blank(APIC_H).code, GRAMMAR)
    assert [t for t, _o in found.includes] == ["asm-generic/apic_helpers.h"]


KBUILD_TREE = {
    "Kconfig": 'mainmenu "Linux"\n',
    "arch/x86/include/asm/Kbuild": "generic-y += early_ioremap.h\n",
    "arch/arm64/include/asm/Kbuild": "generic-y += qrwlock.h\ngenerated-y += cpucaps.h\n",
    "arch/arm64/include/uapi/asm/Kbuild": "generic-y += kvm_para.h\n",
    "include/asm-generic/Kbuild": "mandatory-y += bug.h\n",
    "include/asm-generic/qrwlock.h": "#include <asm-generic/qrwlock_types.h>\nvoid queued_read_lock_slowpath(void *lock);\n",
    "include/asm-generic/qrwlock_types.h": "struct qrwlock { int cnts; };\n",
    "include/asm-generic/bug.h": "void __warn_printk(const char *fmt, ...);\n",
    "include/asm-generic/early_ioremap.h": "void early_ioremap_init(void);\n",
    "include/asm-generic/unreached.h": "void nobody_reaches_this(void);\n",
    "arch/x86/include/asm/early_ioremap.h": "void early_ioremap_x86(void);\n",
    "arch/x86/include/asm/hyperv_timer.h": "#define hv_get_raw_timer() rdtsc_ordered()\n",
    "arch/x86/include/asm/qrwlock.h": "void queued_read_lock_slowpath(void *lock);\nvoid x86_qrwlock_only(void);\n",
    "include/linux/spinlock.h": (
        "#ifdef CONFIG_X86\nvoid spin_x86_branch(void);\n#else\nvoid spin_other_branch(void);\n#endif\n"
        "void spin_everywhere(void);\n"
    ),
    "arch/arm64/include/asm/memory.h": "#define virt_to_phys(x) ((unsigned long)(x))\n",
    "arch/x86/include/asm/io.h": "unsigned long virt_to_phys(volatile void *address);\n",
}


def _index(root: Path):
    linter = Linter(Settings(), root)
    linter.prepare()
    return linter.decls


def test_arm64_sees_asm_generic_through_generic_y_mandatory_y_and_includes(tmp_path):
    index = _index(write_tree(tmp_path, KBUILD_TREE))
    assert index.path_arches("include/asm-generic/qrwlock.h") == {"arm64"}  # x86 has its own
    assert index.path_arches("include/asm-generic/qrwlock_types.h") == {"arm64"}  # included by it
    assert index.path_arches("include/asm-generic/bug.h") == {"x86", "arm64"}  # mandatory-y
    assert index.path_arches("include/asm-generic/early_ioremap.h") == set()  # x86 overrides it
    assert index.path_arches("include/asm-generic/unreached.h") == set()


def test_which_names_only_x86_declares(tmp_path):
    index = _index(write_tree(tmp_path, KBUILD_TREE))
    assert index.x86_only("x86_qrwlock_only") == ("arch/x86/include/asm/qrwlock.h:2", "prototype")
    assert index.x86_only("spin_x86_branch") == ("include/linux/spinlock.h:2", "prototype")
    assert index.x86_only("early_ioremap_x86") is not None
    for name in ("queued_read_lock_slowpath", "spin_other_branch", "spin_everywhere", "virt_to_phys",
                 "__warn_printk", "nobody_reaches_this", "declared_nowhere"):
        assert index.x86_only(name) is None, name


def test_which_asm_headers_arm64_lacks(tmp_path):
    index = _index(write_tree(tmp_path, KBUILD_TREE))
    assert index.asm_header_x86_only("asm/hyperv_timer.h") == "arch/x86/include/asm/hyperv_timer.h"
    assert index.asm_header_x86_only("asm/io.h") == "arch/x86/include/asm/io.h"  # arm64's is asm/memory.h
    for header in ("asm/qrwlock.h", "asm/memory.h", "asm/bug.h", "asm/kvm_para.h", "asm/cpucaps.h", "asm/nowhere.h"):
        assert index.asm_header_x86_only(header) is None, header


def test_a_partial_tree_without_kbuild_files_judges_nothing(tmp_path):
    files = {k: v for k, v in KBUILD_TREE.items() if not k.endswith("Kbuild")}
    index = _index(write_tree(tmp_path, files))
    assert index.x86_only("x86_qrwlock_only") is None
    assert index.asm_header_x86_only("asm/hyperv_timer.h") is None


def test_a_warm_run_answers_from_the_cache_without_reading_a_header(tmp_path):
    root = write_tree(tmp_path / "tree", KBUILD_TREE)
    old = time.time() - 60
    for path in root.rglob("*"):
        os.utime(path, (old, old))
    cold = Linter(Settings(), root)
    cold.prepare()
    cold.save_cache()
    assert cold.decls.files_read == len([k for k in KBUILD_TREE if k.endswith(".h")])
    warm = Linter(Settings(), root)
    warm.prepare()
    assert warm.decls.files_read == 0
    assert warm.decls.x86_only("x86_qrwlock_only") == cold.decls.x86_only("x86_qrwlock_only")


def test_arm64_sees_the_uapi_half_its_asm_generic_header_includes(tmp_path):
    """6.12's SIGTRAP: arm64's uapi asm/signal.h includes <asm-generic/signal.h>, whose kernel
    half includes <uapi/asm-generic/signal.h>; x86 defines it in its own uapi asm/signal.h."""
    files = dict(KBUILD_TREE)
    files.update({
        "arch/arm64/include/uapi/asm/signal.h": "#define SA_RESTORER\t0x04000000\n#include <asm-generic/signal.h>\n",
        "include/asm-generic/signal.h": "#include <uapi/asm-generic/signal.h>\n#include <asm/sigcontext.h>\n",
        "include/uapi/asm-generic/signal.h": (
            "#define SIGTRAP\t\t 5\ntypedef struct sigaltstack {\n\tvoid __user *ss_sp;\n} stack_t;\n"),
        "arch/x86/include/uapi/asm/signal.h": (
            "#define SIGTRAP\t\t 5\n#define SIGUNUSED_X86\t31\ntypedef struct sigaltstack {\n\tvoid __user *ss_sp;\n} stack_t;\n"),
    })
    index = _index(write_tree(tmp_path, files))
    assert index.path_arches("include/uapi/asm-generic/signal.h") == {"arm64"}
    assert index.x86_only("SIGTRAP") is None
    assert index.x86_only("stack_t") is None
    assert index.x86_only("SIGUNUSED_X86") == ("arch/x86/include/uapi/asm/signal.h:2", "macro")


KCONFIG_TREE = {
    "Kconfig": (
        'mainmenu "Linux/$(ARCH) Kernel Configuration"\n\nsource "arch/$(SRCARCH)/Kconfig"\n\n'
        "config ACPI_WMI\n\ttristate \"WMI\"\n\tdepends on X86 && ACPI\n\n"
        "config ACPI\n\tbool \"ACPI\"\n\n"
        "config ARCH_USES_PG_UNCACHED\n\tbool\n\n"
        "config NUMA\n\tbool \"NUMA\"\n"
    ),
    "arch/x86/Kconfig": "config X86\n\tdef_bool y\n\tselect ARCH_USES_PG_UNCACHED if X86_PAT\n\nconfig X86_PAT\n\tdef_bool y\n",
    "arch/arm64/Kconfig": "config ARM64\n\tdef_bool y\n",
    "include/linux/acpi.h": (
        "#ifndef _LINUX_ACPI_H\n#define _LINUX_ACPI_H\n"
        "#if defined(CONFIG_ACPI_WMI) || defined(CONFIG_ACPI_WMI_MODULE)\n"
        "typedef void (*wmi_notify_handler) (u32 value, void *context);\n"
        "extern int wmi_has_guid(const char *guid);\n"
        "#else\nstatic inline int wmi_has_guid(const char *guid) { return 0; }\n#endif\n"
        "#ifdef CONFIG_NUMA\nint acpi_map_pxm_to_node(int pxm);\n#endif\n#endif\n"
    ),
    "include/linux/page-flags.h": (
        "enum pageflags {\n\tPG_locked,\n#ifdef CONFIG_ARCH_USES_PG_UNCACHED\n\tPG_uncached,\n#endif\n\t__NR_PAGEFLAGS,\n};\n"
    ),
}


def test_a_shared_header_branch_only_x86_kconfig_can_take_is_x86_only(tmp_path):
    """6.1's wmi_notify_handler and PG_uncached: declared in shared headers under a Kconfig
    symbol only x86 can set (ACPI_WMI depends on X86; only x86 selects ARCH_USES_PG_UNCACHED)."""
    files = dict(KBUILD_TREE)
    files.update(KCONFIG_TREE)
    index = _index(write_tree(tmp_path, files))
    assert index.x86_only("wmi_notify_handler") == ("include/linux/acpi.h:4", "typedef")
    assert index.x86_only("PG_uncached") == ("include/linux/page-flags.h:4", "enum")
    for name in ("wmi_has_guid", "acpi_map_pxm_to_node", "PG_locked", "__NR_PAGEFLAGS"):
        assert index.x86_only(name) is None, name


IDTENTRY_H = """\
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_IDTENTRY_H
#define _ASM_X86_IDTENTRY_H
#ifndef __ASSEMBLY__
#define DECLARE_IDTENTRY_SYSVEC(vector, func)				\\
	DECLARE_IDTENTRY(vector, func)
DECLARE_IDTENTRY_SYSVEC(HYPERV_CALLBACK_VECTOR,	sysvec_hyperv_callback);
DECLARE_IDTENTRY_SYSVEC(HYPERV_STIMER0_VECTOR,	sysvec_hyperv_stimer0);
DECLARE_IDTENTRY_RAW_ERRORCODE(X86_TRAP_PF,	exc_page_fault);
DECLARE_IDTENTRY_DF(X86_TRAP_DF,	exc_double_fault);
#else
.macro idtentry vector asmsym cfunc
.endm
#endif
#endif
"""


def test_the_declaring_macros_of_x86_headers_declare_their_name():
    """DECLARE_IDTENTRY_SYSVEC(vector, func) declares the handler; DECLARE_EARLY_PER_CPU its
    per-cpu variable (x86's topology.h and smp.h)."""
    found = _declared(IDTENTRY_H + "DECLARE_EARLY_PER_CPU_READ_MOSTLY(int, x86_cpu_to_node_map);\n"
                      "DECLARE_EARLY_PER_CPU(u32, x86_cpu_to_acpiid);\n")
    for name in ("sysvec_hyperv_callback", "sysvec_hyperv_stimer0", "exc_page_fault", "exc_double_fault",
                 "x86_cpu_to_node_map", "x86_cpu_to_acpiid"):
        assert (name, "variable") in found, name
    assert not any(n in ("HYPERV_CALLBACK_VECTOR", "X86_TRAP_PF", "idtentry") for n, _k in found)


def test_a_trace_events_member_assignments_declare_nothing():
    """7.2.8's include/trace/events/kvm.h: ``__entry->gfn = gfn;`` in TP_fast_assign, under
    an x86-only Kconfig branch, is no declaration of ``gfn``."""
    found = _declared(
        "#ifdef CONFIG_KVM_ASYNC_PF\nDECLARE_EVENT_CLASS(kvm_async_get_page_class,\n"
        "\tTP_PROTO(u64 gva, u64 gfn),\n\tTP_ARGS(gva, gfn),\n"
        "\tTP_STRUCT__entry(\n\t\t__field(__u64, gva)\n\t\t__field(u64, gfn)\n\t),\n"
        "\tTP_fast_assign(\n\t\t__entry->gva = gva;\n\t\t__entry->gfn = gfn;\n\t),\n"
        "\tTP_printk(\"gva = %#llx, gfn = %#llx\", __entry->gva, __entry->gfn)\n);\n#endif\n"
        "extern int kvm_async_pf_count;\n")
    assert {n for n, _k in found} == {"kvm_async_pf_count"}
