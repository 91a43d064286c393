"""The boundaries of the rules, each shown by the smallest kernel-shaped tree that crosses it.

Every tree here marks its findings inline (``/* expect: TYPE */``); unmarked lines must stay
silent. These are the inputs mutation testing found unreached (docs/testing.md): an arch
count off by one, a definition count dropped, a note printed for a value that one arch
does resolve.
"""

from __future__ import annotations

import pytest

from conftest import actual_findings, expected_findings, lint_tree

X86_TLFS = (
    "/* SPDX-License-Identifier: GPL-2.0 */\n"
    "#ifndef _ASM_X86_HYPERV_TLFS_H\n#define _ASM_X86_HYPERV_TLFS_H\n\n"
    "#define HV_X64_MSR_GUEST_OS_ID\t\t0x40000000\n"
    "#define HV_X64_MSR_SCONTROL\t\t0x40000080\n"
    "#define HV_X64_MSR_SIMP\t\t\t0x40000083\n"
    "#define HV_X64_MSR_STIMER0_CONFIG\t0x400000B0\n\n"
    "#define HV_SYN_REG_GUEST_OS_ID\t\t(HV_X64_MSR_GUEST_OS_ID)\n"
    "#define HV_SYN_REG_SCONTROL\t\t(HV_X64_MSR_SCONTROL)\n"
    "#define HV_SYN_REG_SIMP\t\t\t(HV_X64_MSR_SIMP)\n"
    "#define HV_SYN_REG_STIMER0_CONFIG\t(HV_X64_MSR_STIMER0_CONFIG)\n\n"
    "#endif\n"
)
ARM64_TLFS = (
    "/* SPDX-License-Identifier: GPL-2.0 */\n"
    "#ifndef _ASM_ARM64_HYPERV_TLFS_H\n#define _ASM_ARM64_HYPERV_TLFS_H\n\n"
    "#define HV_REGISTER_GUEST_OS_ID\t\t0x00090002\n"
    "#define HV_REGISTER_SCONTROL\t\t0x000A0010\n"
    "#define HV_REGISTER_STIMER0_CONFIG\t0x000B0000\n\n"
    "#define HV_SYN_REG_GUEST_OS_ID\t\t(HV_REGISTER_GUEST_OS_ID)\n"
    "#define HV_SYN_REG_SCONTROL\t\t(HV_REGISTER_SCONTROL)\n"
    "/* the timers are numbered: one macro for all of them */\n"
    "#define HV_SYN_REG_STIMER0_CONFIG(n)\t(HV_REGISTER_STIMER0_CONFIG + 2 * (n))\n\n"
    "#endif\n"
)
SYN_REG = {
    ".hvlint.toml": 'scheme = "syn-reg"\n',
    "arch/x86/include/asm/hyperv-tlfs.h": X86_TLFS,
    "arch/arm64/include/asm/hyperv-tlfs.h": ARM64_TLFS,
}


def assert_marked(root) -> list:
    """Lint ``root``: exactly the marked findings, no problem; returns the notes."""
    expected = expected_findings(root)
    _linter, result = lint_tree(root)
    assert not result.problems
    actual = actual_findings(result.findings)
    assert actual == expected, "\n".join(f"{f.path}:{f.line}: {f.type}: {f.message}" for f in result.findings)
    return result.notes


def test_hv103_a_call_inside_an_arch_ifdef_is_arch_code(tree) -> None:
    root = tree({**SYN_REG, "drivers/hv/hv.c": (
        "// SPDX-License-Identifier: GPL-2.0-only\n"
        "#include <asm/mshyperv.h>\n\n"
        "void hv_synic_enable_regs(unsigned int cpu)\n{\n"
        "\tu64 sctrl;\n\n"
        "#ifdef CONFIG_X86\n"
        "\tsctrl = hv_get_register(HV_X64_MSR_SCONTROL);\n"
        "#endif\n"
        "#if defined(CONFIG_ARM64)\n"
        "\tsctrl = hv_get_register(HV_REGISTER_SCONTROL);\n"
        "#endif\n"
        "\tsctrl = hv_get_register(HV_REGISTER_SCONTROL);\t/* expect: GENERIC_REG_PREFIX */\n"
        "\thv_set_register(HV_SYN_REG_SCONTROL, sctrl | 1);\n"
        "}\n"
    )})
    assert_marked(root)


def test_hv103_an_unknown_ternary_condition_leaves_the_call_shared(tree) -> None:
    # Whether HV_FOO is defined is not known, so the block may be built on either arch.
    root = tree({**SYN_REG, "drivers/hv/hv_common.c": (
        "// SPDX-License-Identifier: GPL-2.0-only\n"
        "#include <asm/mshyperv.h>\n\n"
        "void hv_setup_guest_os_id(u64 id)\n{\n"
        "#if defined(HV_FOO) ? defined(CONFIG_X86) : defined(CONFIG_ARM64)\n"
        "\thv_set_register(HV_REGISTER_GUEST_OS_ID, id);\t/* expect: GENERIC_REG_PREFIX */\n"
        "#endif\n"
        "#if defined(CONFIG_X86) ? 1 : 0\n"
        "\thv_set_register(HV_X64_MSR_GUEST_OS_ID, id);\n"
        "#endif\n"
        "}\n"
    )})
    assert_marked(root)


def test_hv104_an_alias_that_is_also_a_function_like_macro_is_not_one_arch(tree) -> None:
    # arm64 spells the timer registers as a macro with an argument: the x86-only object-like
    # alias is not "missing on arm64"; HV_SYN_REG_SIMP is (arm64 has no SIMP alias here).
    root = tree({**SYN_REG, "drivers/clocksource/hyperv_timer.c": (
        "// SPDX-License-Identifier: GPL-2.0\n"
        "#include <asm/mshyperv.h>\n\n"
        "static void hv_ce_setmode(void)\n{\n"
        "\thv_set_register(HV_SYN_REG_STIMER0_CONFIG, 0);\n"
        "\thv_set_register(HV_SYN_REG_SIMP, 0);\t/* expect: SYN_REG_ALIAS */\n"
        "\thv_set_register(HV_SYN_REG_SCONTROL, 1);\n"
        "}\n"
    )})
    assert_marked(root)


def test_hv101_notes_a_value_only_when_no_arch_resolves_it(tree) -> None:
    root = tree({**SYN_REG, "include/asm-generic/hyperv-tlfs.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n"
        "#ifndef _ASM_GENERIC_HYPERV_TLFS_H\n#define _ASM_GENERIC_HYPERV_TLFS_H\n\n"
        "#ifdef CONFIG_ARM64\n#define HV_VP_BASE\t0x00090000\n#endif\n\n"
        "/* resolved on arm64, unknown elsewhere: nothing to note */\n"
        "#define HV_REGISTER_VP_RUNTIME\t(HV_VP_BASE + 0x4)\n"
        "/* resolved nowhere */\n"
        "#define HV_REGISTER_VP_ASSIST\t(HV_NOWHERE_BASE + 0x5)\n"
        "/* an MSR everywhere */\n"
        "#define HV_REGISTER_VP_INDEX\t(0x40000000 + 2)\t/* expect: HV_REGISTER_MSR */\n\n"
        "#endif\n"
    )})
    notes = assert_marked(root)
    mine = [n for n in notes if "hyperv-tlfs.h" in n and "value not resolved" in n]
    assert len(mine) == 1, notes
    assert mine == [
        "include/asm-generic/hyperv-tlfs.h:12: HV_REGISTER_VP_ASSIST: value not resolved ("
        "x86: HV_NOWHERE_BASE is not defined for x86; arm64: HV_NOWHERE_BASE is not defined for arm64; "
        "other: HV_NOWHERE_BASE is not defined for other); HV101 cannot tell"
    ]


def messages(root, code: str) -> list:
    """(path:line, message) of each finding of rule ``code`` in ``root``."""
    _linter, result = lint_tree(root)
    return [(f"{f.path}:{f.line}", f.message) for f in result.findings if f.code == code]


def test_hv104_says_why_a_shared_alias_is_arch_specific(tree) -> None:
    root = tree({
        **SYN_REG,
        "include/asm-generic/hyperv-aliases.h": (
            "/* SPDX-License-Identifier: GPL-2.0 */\n"
            "#define HV_SYN_REG_VP_INDEX\tHV_X64_MSR_VP_INDEX\n"
            "#define HV_SYN_REG_STIMER0_COUNT\tHV_REGISTER_STIMER0_CONFIG\n"
            "#define HV_SYN_REG_TSC_FREQ\t0x40000022\n"
            "#define HV_SYN_REG_VP_RUNTIME\t0x00090000\n"
        ),
    })
    found = [m for m in messages(root, "HV104") if m[0].startswith("include/")]
    why = " is defined in shared code with an arch-specific value ("
    assert found == [
        ("include/asm-generic/hyperv-aliases.h:2", f"HV_SYN_REG_VP_INDEX{why}HV_X64_MSR_VP_INDEX is x86-only): "
         "define it per arch (arch/*/include/asm/hyperv-tlfs.h) or under #ifdef CONFIG_X86 / CONFIG_ARM64"),
        ("include/asm-generic/hyperv-aliases.h:3",
         f"HV_SYN_REG_STIMER0_COUNT{why}HV_REGISTER_STIMER0_CONFIG is arm64-only): "
         "define it per arch (arch/*/include/asm/hyperv-tlfs.h) or under #ifdef CONFIG_X86 / CONFIG_ARM64"),
        ("include/asm-generic/hyperv-aliases.h:4", f"HV_SYN_REG_TSC_FREQ{why}it is x86 MSR 0x40000022 on x86): "
         "define it per arch (arch/*/include/asm/hyperv-tlfs.h) or under #ifdef CONFIG_X86 / CONFIG_ARM64"),
    ]


def test_hv106_reports_each_arch_conditional_with_its_text(tree) -> None:
    root = tree({
        ".hvlint.toml": 'scheme = "syn-reg"\nstrict = true\n',
        "drivers/hv/hv_common.c": (
            "// SPDX-License-Identifier: GPL-2.0-only\n"
            "int hv_common_cpu_init(unsigned int cpu)\n{\n"
            "#ifdef CONFIG_HYPERV_TESTING\n\thv_debug_add_dev_dir();\n#endif\n"
            "#ifdef CONFIG_X86\t/* the APIC page */\n\thv_apic_eoi_write_setup();\n"
            "#elif defined(CONFIG_ARM64)\n\thv_arm64_setup();\n#endif\n"
            "\treturn 0;\n}\n"
        ),
    })
    _linter, result = lint_tree(root)
    found = [(f.line, f.column, f.end_column, f.message) for f in result.findings if f.code == "HV106"]
    tail = " in arch-neutral code: reviewers ask for an arch hook (a function each arch's mshyperv.h provides) instead"
    assert found == [
        (7, 1, 1 + len("#ifdef CONFIG_X86"), "#ifdef CONFIG_X86" + tail),
        (9, 1, 1 + len("#elif defined(CONFIG_ARM64)"), "#elif defined(CONFIG_ARM64)" + tail),
    ]


def test_hv101_messages_for_definitions_enums_and_accessor_arguments(tree) -> None:
    root = tree({**SYN_REG, "arch/x86/include/asm/mshyperv.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n"
        "enum hv_isolation_msrs {\n"
        "\tHV_REGISTER_GUEST_IDLE = 0x400000F0,\n"
        "\tHV_REGISTER_VP_CONFIG = 0x00090000,\n"
        "};\n\n"
        "#define HV_REGISTER_REFERENCE_TSC\t0x40000021\n\n"
        "static inline void hv_read_tsc_page(int cpu)\n{\n"
        "\tu64 v;\n\n"
        "\trdmsrl_on_cpu(cpu);\n"
        "\trdmsrl_on_cpu(cpu, HV_REGISTER_REFERENCE_TSC, &v);\n"
        "\trdmsrl_on_cpu(HV_REGISTER_VP_CONFIG, cpu, &v);\n"
        "\twrmsrl(HV_X64_MSR_SCONTROL, v);\n"
        "}\n"
    )})
    assert messages(root, "HV101") == [
        ("arch/x86/include/asm/mshyperv.h:3", "HV_REGISTER_GUEST_IDLE is x86 synthetic MSR 0x400000F0; "
         "HV_REGISTER_* is for VP registers: rename it HV_X64_MSR_GUEST_IDLE"),
        ("arch/x86/include/asm/mshyperv.h:7", "HV_REGISTER_REFERENCE_TSC is x86 synthetic MSR 0x40000021; "
         "HV_REGISTER_* is for VP registers: rename it HV_X64_MSR_REFERENCE_TSC"),
        ("arch/x86/include/asm/mshyperv.h:14", "HV_REGISTER_REFERENCE_TSC passed to MSR accessor rdmsrl_on_cpu(): "
         "x86 MSRs are named HV_X64_MSR_*: use HV_X64_MSR_REFERENCE_TSC"),
    ]
    # each finding carries its rename, for --fix and the language server's quick fix
    _linter, result = lint_tree(root)
    assert [(f.line, f.suggestion) for f in result.findings if f.code == "HV101"] == [
        (3, "HV_X64_MSR_GUEST_IDLE"), (7, "HV_X64_MSR_REFERENCE_TSC"), (14, "HV_X64_MSR_REFERENCE_TSC"),
    ]


def test_hv103_messages_and_the_arm64_name_of_an_alias(tree) -> None:
    root = tree({**SYN_REG, "drivers/hv/hv_common.c": (
        "// SPDX-License-Identifier: GPL-2.0-only\n"
        "void hv_kmsg_dump(u64 bytes_written)\n{\n"
        "\thv_set_register(HV_REGISTER_GUEST_CRASH_P0, bytes_written);\n"
        "\thv_set_register(HV_REGISTER_SCONTROL, 1);\n"
        "\thv_set_register(HV_SYN_REG_SCONTROL + HV_REGISTER_SINT0, 1);\n"
        "\thv_set_register();\n"
        "}\n"
    )})
    assert messages(root, "HV103") == [
        ("drivers/hv/hv_common.c:4", "hv_set_register() takes the synthetic alias HV_SYN_REG_*, not "
         "HV_REGISTER_GUEST_CRASH_P0: rename it HV_SYN_REG_CRASH_P0 (this tree has none yet)"),
        ("drivers/hv/hv_common.c:5", "hv_set_register() takes the synthetic alias HV_SYN_REG_*, not "
         "HV_REGISTER_SCONTROL: use HV_SYN_REG_SCONTROL"),
    ]


def test_hv101_notes_an_arm64_register_it_cannot_resolve(tree) -> None:
    root = tree({**SYN_REG, "arch/arm64/include/asm/hyperv-tlfs.h": ARM64_TLFS.replace(
        "#endif\n", "#define HV_REGISTER_VSM_VP_STATUS\t(HV_ARM64_VSM_BASE + 1)\n\n#endif\n")})
    notes = [n for n in assert_marked(root) if "value not resolved" in n]
    assert notes == ["arch/arm64/include/asm/hyperv-tlfs.h:14: HV_REGISTER_VSM_VP_STATUS: value not resolved "
                     "(arm64: HV_ARM64_VSM_BASE is not defined for arm64); HV101 cannot tell"]


def hv104_messages(files: dict, tree) -> list:
    """(path:line, message) of each HV104 finding in the tree of ``files``."""
    return messages(tree(files), "HV104")


ALIAS_USES = (
    "// SPDX-License-Identifier: GPL-2.0-only\n"
    "#include <asm/mshyperv.h>\n\n"
    "void hv_synic_enable_regs(unsigned int cpu)\n{\n"
    "\thv_set_register(HV_SYN_REG_SIMP, 1);\n"
    "\thv_set_register(HV_SYN_REG_VP_RUNTIME, 1);\n"
    "#ifdef CONFIG_X86\n"
    "\thv_set_register(HV_SYN_REG_SIMP, 2);\n"
    "#endif\n"
    "#if defined(CONFIG_X86) || defined(CONFIG_ARM64)\n"
    "\thv_set_register(HV_SYN_REG_SIMP, 3);\n"
    "#endif\n"
    "}\n"
)
ARM64_WITH_RUNTIME = ARM64_TLFS.replace("#endif\n", (
    "#define HV_REGISTER_VP_RUNTIME\t\t0x00090004\n"
    "#define HV_SYN_REG_VP_RUNTIME\t\t(HV_REGISTER_VP_RUNTIME)\n\n#endif\n"))
ONE_ARCH = "is used in arch-neutral code but defined only for"
PER_ARCH = ": define it per arch (arch/*/include/asm/hyperv-tlfs.h) or under #ifdef CONFIG_X86 / CONFIG_ARM64"


def test_hv104_names_the_arch_an_alias_is_missing_on_and_where_it_is_defined(tree) -> None:
    # SIMP is x86-only (three definitions, the message names two), VP_RUNTIME arm64-only; the
    # use under #ifdef CONFIG_X86 is x86 code, the one under "x86 || arm64" is not.
    simp = "#define HV_SYN_REG_SIMP\t(HV_X64_MSR_SIMP)\n"
    found = hv104_messages({
        **SYN_REG,
        "arch/arm64/include/asm/hyperv-tlfs.h": ARM64_WITH_RUNTIME,
        "arch/x86/include/asm/mshyperv.h": simp,
        "arch/x86/hyperv/ivm.h": simp,
        "drivers/hv/hv.c": ALIAS_USES,
    }, tree)
    simp_msg = (f"HV_SYN_REG_SIMP {ONE_ARCH} x86 (arch/x86/include/asm/mshyperv.h:1, "
                "arch/x86/include/asm/hyperv-tlfs.h:12): define it for arm64 too")
    assert found == [
        ("drivers/hv/hv.c:6", simp_msg),
        ("drivers/hv/hv.c:7", f"HV_SYN_REG_VP_RUNTIME {ONE_ARCH} arm64 "
         "(arch/arm64/include/asm/hyperv-tlfs.h:15): define it for x86 too"),
        ("drivers/hv/hv.c:12", simp_msg),
    ]


@pytest.mark.parametrize("header, text", [
    ("arch/x86/include/asm/hyperv-tlfs.h", X86_TLFS),
    ("arch/arm64/include/asm/hyperv-tlfs.h", ARM64_WITH_RUNTIME),
], ids=["x86", "arm64"])
def test_hv104_says_nothing_of_one_arch_when_only_one_arch_defines_aliases(tree, header, text) -> None:
    # A tree whose other arch has no aliases at all cannot tell "missing" from "not yet".
    files = {".hvlint.toml": 'scheme = "syn-reg"\n', header: text, "drivers/hv/hv.c": ALIAS_USES}
    assert hv104_messages(files, tree) == []


def test_hv104_a_shared_alias_definition_covers_both_arches(tree) -> None:
    # x86 aliases plus one alias the driver defines for exactly x86 and arm64: both arches have
    # aliases, so SIMP is missing on arm64; the definitions themselves (a macro, an enum
    # constant) are no uses of an alias.
    found = hv104_messages({
        ".hvlint.toml": 'scheme = "syn-reg"\n',
        "arch/x86/include/asm/hyperv-tlfs.h": X86_TLFS,
        "drivers/hv/hv.c": ALIAS_USES.replace("#include <asm/mshyperv.h>\n", (
            "#include <asm/mshyperv.h>\n"
            "#if defined(CONFIG_X86) || defined(CONFIG_ARM64)\n#define HV_SYN_REG_EOM\t0x00000014\n#endif\n"
            "enum { HV_SYN_REG_EOI = 0x00000015 };\n")),
    }, tree)
    assert [line for line, _ in found] == ["drivers/hv/hv.c:10", "drivers/hv/hv.c:16"]
    assert all(f"HV_SYN_REG_SIMP {ONE_ARCH} x86 (" in m for _, m in found)


@pytest.mark.parametrize("arm64_only", [
    "#define HV_SYN_REG_SYNIC_AVAILABLE\tBIT(2)\n",  # a feature bit sharing the prefix
    "#define HV_SYN_REG_STIMER0_CONFIG(n)\t(HV_REGISTER_STIMER0_CONFIG + 2 * (n))\n",
], ids=["feature-bit", "function-like"])
def test_hv104_what_is_no_alias_gives_an_arch_no_alias_coverage(tree, arm64_only) -> None:
    arm64 = "#define HV_REGISTER_STIMER0_CONFIG\t0x000B0000\n" + arm64_only
    assert hv104_messages({
        ".hvlint.toml": 'scheme = "syn-reg"\n',
        "arch/x86/include/asm/hyperv-tlfs.h": X86_TLFS,
        "arch/arm64/include/asm/hyperv-tlfs.h": arm64,
        "drivers/hv/hv.c": ALIAS_USES,
    }, tree) == []


def test_hv104_a_shared_alias_is_evaluated_for_each_arch(tree) -> None:
    # the value is a shared name: only evaluating it for x86 shows the MSR (HV101 has its own say)
    found = hv104_messages({**SYN_REG, "include/asm-generic/hyperv-tlfs.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n"
        "#define HV_REGISTER_VP_INDEX\t0x40000002\n"
        "#define HV_SYN_REG_VP_INDEX\tHV_REGISTER_VP_INDEX\n"
    )}, tree)
    assert found == [("include/asm-generic/hyperv-tlfs.h:3", "HV_SYN_REG_VP_INDEX is defined in shared code with "
                      "an arch-specific value (it is x86 MSR 0x40000002 on x86)" + PER_ARCH)]


def test_hv104_alias_definitions_under_an_arch_guard_of_a_shared_header(tree) -> None:
    found = hv104_messages({**SYN_REG, "include/asm-generic/hyperv-tlfs.h": (
        "/* SPDX-License-Identifier: GPL-2.0 */\n"
        "#ifdef CONFIG_X86\n"
        "#define HV_SYN_REG_VP_INDEX\t0x00090003\n"
        "#define HV_SYN_REG_TSC\t\t0x40000022\n"
        "#define HV_SYN_REG_LOCAL\tHV_REGISTER_GUEST_OS_ID\n"
        "#endif\n"
        "#ifdef CONFIG_ARM64\n"
        "#define HV_SYN_REG_VP_INDEX\t0x40000002\n"
        "#define HV_SYN_REG_TSC\t\t0x00090004\n"
        "#define HV_SYN_REG_LOCAL2\tHV_X64_MSR_GUEST_OS_ID\n"
        "#endif\n"
        "#ifdef CONFIG_RISCV\n#define HV_SYN_REG_RV\t\t0x40000002\n#endif\n"
        "#if 0\n#define HV_SYN_REG_DEAD\t0x40000002\n#endif\n"
        "#if defined(CONFIG_X86) || defined(CONFIG_ARM64)\n#define HV_SYN_REG_BOTH\t0x40000003\n#endif\n"
        "#define HV_SYN_REG_MISSING\t(HV_NOWHERE + 1)\n"
        "#define HV_SYN_REG_SAME\t\t0x00000014\n"
    )}, tree)
    assert found == [
        ("include/asm-generic/hyperv-tlfs.h:3", "HV_SYN_REG_VP_INDEX is the x86 synthetic alias but resolves to "
         "0x00090003, not a synthetic MSR: define it as the HV_X64_MSR_* register"),
        ("include/asm-generic/hyperv-tlfs.h:8", "HV_SYN_REG_VP_INDEX is the arm64 synthetic alias but resolves to "
         "x86 MSR 0x40000002: define it as the HV_REGISTER_* VP register"),
        ("include/asm-generic/hyperv-tlfs.h:19", "HV_SYN_REG_BOTH is defined in shared code with an arch-specific "
         "value (it is x86 MSR 0x40000003 on x86)" + PER_ARCH),
    ]


def test_hv104_alias_definitions_in_the_arch_headers(tree) -> None:
    found = hv104_messages({
        ".hvlint.toml": 'scheme = "syn-reg"\n',
        "arch/x86/include/asm/hyperv-tlfs.h": X86_TLFS.replace("#endif\n", (
            "#define HV_REGISTER_VP_CONFIG\t0x00090000\n#define HV_SYN_REG_VP_CONFIG\tHV_REGISTER_VP_CONFIG\n"
            "#define HV_SYN_REG_UNKNOWN\t(HV_NOWHERE + 1)\n#endif\n")),
        "arch/arm64/include/asm/hyperv-tlfs.h": ARM64_TLFS.replace("#endif\n", (
            "#define HV_SYN_REG_TSC\t\t(HV_X64_MSR_TSC_FREQUENCY)\n"
            "#define HV_SYN_REG_UNKNOWN\t(HV_NOWHERE + 1)\n#endif\n")),
        # the x86 number, where arm64 sees it too: the arm64 alias above resolves through it
        "include/asm-generic/hyperv-tlfs.h": "#define HV_X64_MSR_TSC_FREQUENCY\t0x40000022\n",
    }, tree)
    assert found == [
        ("arch/arm64/include/asm/hyperv-tlfs.h:14", "HV_SYN_REG_TSC is the arm64 synthetic alias but resolves to "
         "x86 MSR 0x40000022: define it as the HV_REGISTER_* VP register"),
        ("arch/x86/include/asm/hyperv-tlfs.h:16", "HV_SYN_REG_VP_CONFIG is the x86 synthetic alias but resolves to "
         "0x00090000, not a synthetic MSR: define it as the HV_X64_MSR_* register"),
    ]


def test_hv104_leaves_the_aliases_of_files_outside_the_kernel_proper_alone(tree) -> None:
    # tools/hv is built for the host that runs it, not per arch: its alias is no shared one
    found = hv104_messages({**SYN_REG, "tools/hv/hv_regs.h": "#define HV_SYN_REG_TOOL\tHV_X64_MSR_SCONTROL\n"}, tree)
    assert found == []
