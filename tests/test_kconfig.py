"""Kconfig and Makefiles decide which files outside arch/ only build for x86.

The fixtures are small kernel-shaped trees: a top-level Kconfig that sources init/, mm/,
the generic arch/Kconfig (which sources ``arch/$(SRCARCH)/Kconfig``) and drivers/, and the
Makefiles that build drivers/hv and drivers/clocksource. Each test adds the construct it is
about and asks what a kernel developer would answer.
"""

from __future__ import annotations

from typing import Dict, Optional

from hvlint.config import Settings
from hvlint.engine import Linter
from hvlint.tree import kconfig_parse

HV_KCONFIG = (
    'menu "Microsoft Hyper-V guest support"\n\n'
    "config HYPERV\n"
    '\ttristate "Microsoft Hyper-V client drivers"\n'
    "\tdepends on (X86 && X86_LOCAL_APIC && HYPERVISOR_GUEST) \\\n"
    "\t\t|| (ACPI && ARM64 && !CPU_BIG_ENDIAN)\n"
    "\thelp\n"
    "\t  Select this option to run Linux as a Hyper-V client operating\n"
    "\t  system. It depends on ARM64 or X86, which this help does not say.\n\n"
    "config HYPERV_VTL_MODE\n"
    '\tbool "Enable Linux to boot in VTL context"\n'
    "\tdepends on (X86_64 && HAVE_STATIC_CALL) || ARM64\n"
    "\tdepends on HYPERV\n\n"
    "config HYPERV_TIMER\n"
    "\tdef_bool HYPERV && X86\n\n"
    "config MSHV_ROOT\n"
    '\ttristate "Microsoft Hyper-V root partition support"\n'
    "\tdepends on HYPERV && (X86_64 || ARM64)\n"
    "\tdepends on !HYPERV_VTL_MODE\n"
    "\tdepends on PAGE_SIZE_4KB\n\n"
    "config MSHV_VTL\n"
    '\ttristate "Microsoft Hyper-V VTL driver"\n'
    "\tdepends on X86_64 && HYPERV_VTL_MODE\n"
    "\t# VTL2 maps VTL0 memory with huge pages.\n"
    "\tdepends on TRANSPARENT_HUGEPAGE\n"
    "\tdepends on !MTRR\n\n"
    "config HYPERV_SOMETIMES\n"
    '\ttristate "x86, or any arch in compile tests"\n'
    "\tdepends on X86 || COMPILE_TEST\n\n"
    "if ARM64\n\n"
    "config HYPERV_ARM_ONLY\n"
    '\tbool "Hyper-V arm64 extras"\n'
    "\tdepends on HYPERV\n\n"
    "endif\n\n"
    "endmenu\n"
)

BASE = {
    "Kconfig": (
        'mainmenu "Linux/$(ARCH) $(KERNELVERSION) Kernel Configuration"\n\n'
        'source "init/Kconfig"\n\nsource "mm/Kconfig"\n\nsource "drivers/Kconfig"\n'
    ),
    "init/Kconfig": (
        'config EXPERT\n\tbool "Configure standard kernel features (expert users)"\n\n'
        'config SMP\n\tbool "Symmetric multi-processing support"\n\n'
        "config PREEMPT_RT\n\tbool \"Fully Preemptible Kernel (Real-Time)\"\n\tdepends on EXPERT\n\n"
        'source "arch/Kconfig"\n'
    ),
    "arch/Kconfig": (
        "# Selected by the arch Kconfig files.\n"
        'source "arch/$(SRCARCH)/Kconfig"\n\n'
        "config HAVE_STATIC_CALL\n\tbool\n\n"
        "config HAVE_ARCH_TRANSPARENT_HUGEPAGE\n\tbool\n\n"
        "config HAVE_PAGE_SIZE_4KB\n\tbool\n\n"
        "config HAVE_PAGE_SIZE_64KB\n\tbool\n\n"
        'choice\n\tprompt "MMU page size"\n\n'
        'config PAGE_SIZE_4KB\n\tbool "4KiB pages"\n\tdepends on HAVE_PAGE_SIZE_4KB\n\n'
        'config PAGE_SIZE_64KB\n\tbool "64KiB pages"\n\tdepends on HAVE_PAGE_SIZE_64KB\n\n'
        "endchoice\n"
    ),
    "arch/x86/Kconfig": (
        "config X86_64\n\tdef_bool y\n\n"
        "config X86\n\tdef_bool y\n\tselect HAVE_STATIC_CALL\n"
        "\tselect HAVE_ARCH_TRANSPARENT_HUGEPAGE\n\tselect HAVE_PAGE_SIZE_4KB\n\n"
        "config X86_LOCAL_APIC\n\tdef_bool y\n\tdepends on X86_64 || SMP\n\n"
        'config HYPERVISOR_GUEST\n\tbool "Linux guest support"\n\n'
        'config MTRR\n\tdef_bool y\n\tprompt "MTRR (Memory Type Range Register) support" if EXPERT\n'
    ),
    "arch/arm64/Kconfig": (
        "config ARM64\n\tdef_bool y\n\tselect HAVE_PAGE_SIZE_4KB\n\tselect HAVE_PAGE_SIZE_64KB\n"
        "\tselect HAVE_ARCH_TRANSPARENT_HUGEPAGE\n\n"
        'config CPU_BIG_ENDIAN\n\tbool "Build big-endian kernel"\n'
    ),
    "arch/parisc/Kconfig": "config PARISC\n\tdef_bool y\n\tselect HAVE_PAGE_SIZE_4KB\n\nconfig CPU_BIG_ENDIAN\n\tdef_bool y\n",
    "mm/Kconfig": (
        "menuconfig TRANSPARENT_HUGEPAGE\n"
        '\tbool "Transparent Hugepage Support"\n'
        "\tdepends on HAVE_ARCH_TRANSPARENT_HUGEPAGE && !PREEMPT_RT\n"
    ),
    "drivers/Kconfig": (
        'menu "Device Drivers"\n\nconfig ACPI\n\tbool "ACPI support"\n\n'
        'source "drivers/hv/Kconfig"\n\nendmenu\n'
    ),
    "drivers/hv/Kconfig": HV_KCONFIG,
    "drivers/Makefile": "obj-$(CONFIG_HYPERV)\t\t+= hv/\nobj-y\t\t\t\t+= clocksource/\n",
    "drivers/hv/Makefile": (
        "obj-$(CONFIG_HYPERV)\t\t+= hv_vmbus.o\n"
        "obj-$(CONFIG_MSHV_ROOT)\t\t+= mshv_root.o\n"
        "obj-$(CONFIG_MSHV_VTL)          += mshv_vtl.o\n"
        "obj-$(CONFIG_HYPERV_SOMETIMES)\t+= hv_sometimes.o\n"
        "obj-$(CONFIG_HYPERV_ARM_ONLY)\t+= hv_arm.o\n\n"
        "hv_vmbus-y := vmbus_drv.o \\\n\t\t hv.o connection.o\n"
        "mshv_root-y := mshv_root_main.o mshv_synic.o\n"
        "mshv_vtl-y := mshv_vtl_main.o\n\n"
        "# Code that must be built-in\n"
        "ifneq ($(CONFIG_MSHV_ROOT)$(CONFIG_MSHV_VTL),)\n\tobj-y += mshv_common.o\nendif\n"
    ),
    "drivers/clocksource/Makefile": "obj-$(CONFIG_HYPERV_TIMER)\t\t+= hyperv_timer.o\n",
}
# The fixture the tree-cache tests share.
KCONFIG = BASE


def with_files(**changes: Optional[str]) -> Dict[str, str]:
    """BASE with files added, replaced (a text) or removed (None); keys use / as __."""
    files = dict(BASE)
    for key, text in changes.items():
        path = key.replace("__", "/")
        if text is None:
            files.pop(path, None)
        else:
            files[path] = text
    return files


def classes(tree, files: Dict[str, str]):
    """(arch of a file or None, the linter) for a tree of ``files``."""
    linter = Linter(Settings(), tree(files))
    return (lambda rel: (linter.build_arch(rel) or (None,))[0]), linter


def append(path: str, text: str) -> Dict[str, str]:
    return with_files(**{path.replace("/", "__"): BASE[path] + text})


# -- the arch Kconfig files ------------------------------------------------------------------


def test_a_driver_only_x86_64_can_enable_is_x86_code(tree) -> None:
    # MSHV_VTL depends on TRANSPARENT_HUGEPAGE, which depends on an arch/Kconfig entry that
    # the arch selects: generic, not some other arch's.
    arch, linter = classes(tree, BASE)
    assert arch("drivers/hv/mshv_vtl_main.c") == "x86"
    kconfig = linter.builds.kconfig
    assert [kconfig.possible("HAVE_STATIC_CALL", a) for a in ("x86", "arm64")] == [True, False]
    assert [kconfig.possible("TRANSPARENT_HUGEPAGE", a) for a in ("x86", "arm64")] == [True, True]
    assert [kconfig.possible("PAGE_SIZE_4KB", a) for a in ("x86", "arm64", "other")] == [True, True, True]
    assert kconfig.possible("PAGE_SIZE_64KB", "x86") is False


def test_the_basic_classes(tree) -> None:
    arch, linter = classes(tree, BASE)
    assert arch("drivers/clocksource/hyperv_timer.c") == "x86"
    assert arch("drivers/hv/hv.c") is None  # HYPERV builds for arm64 too
    assert arch("drivers/hv/mshv_root_main.c") is None
    assert arch("drivers/hv/hv_sometimes.c") == "x86"  # COMPILE_TEST is not a real arm64 build
    assert arch("drivers/hv/hv_arm.c") == "arm64"
    assert arch("include/linux/hyperv.h") is None


def test_only_the_srcarch_kconfig_counts(tree) -> None:
    # parisc's `def_bool y` for CPU_BIG_ENDIAN must not make HYPERV impossible on arm64; a
    # file that only arch/x86/Kconfig sources defines its symbols for x86 alone.
    files = append("arch/x86/Kconfig", '\nsource "drivers/hv/Kconfig.x86"\n')
    files["drivers/hv/Kconfig.x86"] = "config HYPERV_X86_GLUE\n\tdef_bool HYPERV\n"
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HYPERV_X86_GLUE) += hv_x86_glue.o\n"
    arch, linter = classes(tree, files)
    assert linter.builds.kconfig.possible("HYPERV", "arm64") is True
    assert arch("drivers/hv/hv_x86_glue.c") == "x86"


def test_a_symbol_of_both_arch_kconfigs_is_judged_per_arch(tree) -> None:
    files = append("arch/x86/Kconfig", "\nconfig ARCH_HAS_HV_HOOKS\n\tdef_bool y\n")
    files["arch/arm64/Kconfig"] += "\nconfig ARCH_HAS_HV_HOOKS\n\tbool\n"  # never selected
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_ARCH_HAS_HV_HOOKS) += hv_hooks.o\n"
    arch, _linter = classes(tree, files)
    assert arch("drivers/hv/hv_hooks.c") == "x86"


# -- entries ---------------------------------------------------------------------------------


def test_every_depends_line_must_hold(tree) -> None:
    files = append("drivers/hv/Kconfig", (
        '\nconfig HYPERV_EXTRAS\n\ttristate "Extras"\n\tdepends on HYPERV\n'
        "\tdepends on ACPI\n\tdepends on !ARM64\n"
    ))
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HYPERV_EXTRAS) += hv_extras.o\n"
    arch, _linter = classes(tree, files)
    assert arch("drivers/hv/hv_extras.c") == "x86"


def test_depends_on_if(tree) -> None:
    files = append("drivers/hv/Kconfig", (
        '\nconfig HV_X86_WHEN_VTL\n\ttristate "x86 when VTL"\n\tdepends on HYPERV\n'
        "\tdepends on X86_64 if HYPERV_VTL_MODE\n"
        '\nconfig HV_X86_WHEN_HYPERV\n\ttristate "x86 when Hyper-V"\n\tdepends on HYPERV\n'
        "\tdepends on X86 if HYPERV\n"
    ))
    files["drivers/hv/Makefile"] += (
        "obj-$(CONFIG_HV_X86_WHEN_VTL) += hv_when_vtl.o\nobj-$(CONFIG_HV_X86_WHEN_HYPERV) += hv_when_hyperv.o\n"
    )
    arch, _linter = classes(tree, files)
    assert arch("drivers/hv/hv_when_vtl.c") is None  # arm64 without VTL mode
    assert arch("drivers/hv/hv_when_hyperv.c") == "x86"


def test_if_blocks_and_menus_with_depends(tree) -> None:
    files = append("drivers/hv/Kconfig", (
        '\nif X86_64\n\nconfig HV_IN_IF\n\ttristate "inside if X86_64"\n\tdepends on HYPERV\n\nendif # X86_64\n'
        '\nmenu "arm64 extras"\n\tdepends on ARM64\n\nconfig HV_IN_MENU\n\ttristate "inside the menu"\n\nendmenu\n'
        '\nconfig HV_AFTER\n\ttristate "after both"\n\tdepends on HYPERV\n'
    ))
    files["drivers/hv/Makefile"] += (
        "obj-$(CONFIG_HV_IN_IF) += hv_in_if.o\nobj-$(CONFIG_HV_IN_MENU) += hv_in_menu.o\n"
        "obj-$(CONFIG_HV_AFTER) += hv_after.o\n"
    )
    arch, _linter = classes(tree, files)
    assert arch("drivers/hv/hv_in_if.c") == "x86"
    assert arch("drivers/hv/hv_in_menu.c") == "arm64"
    assert arch("drivers/hv/hv_after.c") is None


def test_a_choice_keeps_its_depends_to_itself(tree) -> None:
    # The choice's `depends on ARM64` belongs to its members, not to the menu around it.
    files = with_files(drivers__hv__Kconfig=HV_KCONFIG.replace("endmenu\n", (
        'choice\n\tprompt "Hyper-V stimer mode"\n\tdepends on ARM64\n\tdefault HV_STIMER_DIRECT\n\n'
        'config HV_STIMER_DIRECT\n\tbool "direct"\n\nconfig HV_STIMER_MSG\n\tbool "message"\n\nendchoice\n\n'
        'config HV_AFTER_CHOICE\n\ttristate "after the choice"\n\tdepends on HYPERV\n\nendmenu\n'
    )))
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HV_AFTER_CHOICE) += hv_after.o\nobj-$(CONFIG_HV_STIMER_MSG) += hv_stimer.o\n"
    arch, linter = classes(tree, files)
    assert arch("drivers/hv/hv_after.c") is None
    assert arch("drivers/hv/hv_stimer.c") == "arm64"
    assert linter.builds.kconfig.state("HV_STIMER_DIRECT", "arm64") == (True, True)  # the other can be chosen


def test_def_bool_and_default_if(tree) -> None:
    files = append("drivers/hv/Kconfig", (
        "\nconfig HV_DEFAULTED\n\tbool\n\tdefault y if HYPERV && X86_64\n"
        "\nconfig HV_DEF_TRISTATE\n\tdef_tristate HYPERV && !X86\n"
        "\nconfig HV_NOT_FORCED\n\tbool\n\tdefault y\n\tdepends on HYPERV\n"
    ))
    files["drivers/hv/Makefile"] += (
        "obj-$(CONFIG_HV_DEFAULTED) += hv_defaulted.o\nobj-$(CONFIG_HV_DEF_TRISTATE) += hv_def_tristate.o\n"
        "obj-$(CONFIG_HV_NOT_FORCED) += hv_not_forced.o\n"
    )
    arch, linter = classes(tree, files)
    assert arch("drivers/hv/hv_defaulted.c") == "x86"
    assert arch("drivers/hv/hv_def_tristate.c") == "arm64"
    assert arch("drivers/hv/hv_not_forced.c") is None
    # Without a prompt, the default is the value: on wherever HYPERV is, off where it is not.
    assert linter.builds.kconfig.state("HV_NOT_FORCED", "x86") == (True, True)
    assert linter.builds.kconfig.state("HYPERV_TIMER", "arm64") == (False, True)


def test_select_makes_possible_only_what_a_possible_symbol_selects(tree) -> None:
    files = append("drivers/hv/Kconfig", (
        "\nconfig HV_SELECTED\n\tbool\n"
        "\nconfig HV_ORPHAN\n\tbool\n"
        '\nconfig HV_IMPOSSIBLE\n\tbool "never on"\n\tdepends on X86 && ARM64\n\tselect HV_ORPHAN\n'
    ))
    files["drivers/hv/Kconfig"] = files["drivers/hv/Kconfig"].replace(
        "\tdepends on !MTRR\n", "\tdepends on !MTRR\n\tselect HV_SELECTED if HYPERV\n"
    )
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HV_SELECTED) += hv_selected.o\nobj-$(CONFIG_HV_ORPHAN) += hv_orphan.o\n"
    arch, linter = classes(tree, files)
    assert arch("drivers/hv/hv_selected.c") == "x86"
    assert arch("drivers/hv/hv_orphan.c") is None
    assert [linter.builds.kconfig.possible("HV_ORPHAN", a) for a in ("x86", "arm64", "other")] == [False] * 3
    # Possible on no arch is neither "x86" nor "shared": -v says so, the path decides.
    notes = linter.file_notes("drivers/hv/hv_orphan.c")
    assert any("no configuration of x86 or arm64 builds it" in n for n in notes), notes


def test_macros_are_unknown_not_guessed(tree) -> None:
    files = append("drivers/hv/Kconfig", (
        "\ncc-has-hv-regs := $(cc-option,-mgeneral-regs-only)\n"
        "\nconfig HV_CC_FEATURE\n\tdef_bool $(cc-option,-mgeneral-regs-only)\n\tdepends on HYPERV\n"
        "\nconfig HV_IN_ARCH\n\tdef_bool y\n\tdepends on \"$(ARCH)\" = \"x86_64\"\n"
    ))
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HV_CC_FEATURE) += hv_cc.o\nobj-$(CONFIG_HV_IN_ARCH) += hv_in_arch.o\n"
    arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert kconfig.state("HV_CC_FEATURE", "arm64") == (None, True)
    assert kconfig.possible("HV_IN_ARCH", "x86") is None
    assert arch("drivers/hv/hv_cc.c") is None and arch("drivers/hv/hv_in_arch.c") is None
    notes = linter.file_notes("drivers/hv/hv_cc.c")
    assert any("Kconfig cannot tell whether it is built for x86 or arm64" in n and "CONFIG_HV_CC_FEATURE" in n for n in notes), notes
    assert arch("drivers/hv/mshv_vtl_main.c") == "x86"  # the macro line is no attribute of the entry above


TOP_MAKEFILE = (
    "ARCH\t\t?= $(SUBARCH)\n\nSRCARCH \t:= $(ARCH)\n\n# Additional ARCH settings for x86\n"
    "ifeq ($(ARCH),i386)\n        SRCARCH := x86\nendif\nifeq ($(ARCH),x86_64)\n        SRCARCH := x86\nendif\n"
)
BITS = {
    "arch/x86/Kconfig": '\nconfig 64BIT\n\tbool "64-bit kernel" if "$(ARCH)" = "x86"\n\tdefault "$(ARCH)" != "i386"\n',
    "arch/arm64/Kconfig": "\nconfig 64BIT\n\tdef_bool y\n",
    "drivers/hv/Kconfig": (
        '\nconfig HV_ANY_64BIT\n\ttristate "Any 64-bit arch"\n\tdepends on HYPERV\n\tdepends on 64BIT || COMPILE_TEST\n'
        '\nconfig HV_32BIT_ONLY\n\tbool "32-bit only"\n\tdepends on HYPERV && !64BIT\n'
        '\nconfig HV_IN_ARCH\n\tdef_bool y\n\tdepends on "$(ARCH)" = "x86_64"\n'
    ),
}


def with_bits(top_makefile: bool) -> Dict[str, str]:
    """BASE with 64BIT in the arch Kconfig files, drivers that use it and, when asked, the
    top Makefile that names ARCH=x86_64 and ARCH=i386 builds of arch/x86."""
    files = dict(BASE)
    for path, text in BITS.items():
        files[path] = BASE[path] + text
    files["drivers/hv/Makefile"] += (
        "obj-$(CONFIG_HV_ANY_64BIT) += hv_any64.o\nobj-$(CONFIG_HV_32BIT_ONLY) += hv_32.o\n"
        "obj-$(CONFIG_HV_IN_ARCH) += hv_in_arch.o\n"
    )
    if top_makefile:
        files["Makefile"] = TOP_MAKEFILE
    return files


def test_arch_names_of_the_top_makefile_decide_arch_macros(tree) -> None:
    # 64BIT: asked for ARCH=x86, on for x86_64, off for i386; always on for arm64.
    arch, linter = classes(tree, with_bits(top_makefile=True))
    kconfig = linter.builds.kconfig
    assert kconfig.arch_values()["x86"] == [["x86", "i386"], ["x86", "x86"], ["x86", "x86_64"]]
    assert [kconfig.state("64BIT", a) for a in ("x86", "arm64")] == [(True, True), (True, False)]
    assert arch("drivers/hv/hv_any64.c") is None  # built for both: classed, not "cannot tell"
    assert linter.file_notes("drivers/hv/hv_any64.c") == ["drivers/hv/hv_any64.c: class neutral"]
    assert arch("drivers/hv/hv_32.c") == "x86"  # arm64 is always 64-bit
    assert arch("drivers/hv/hv_in_arch.c") == "x86"  # a `depends on` with $(ARCH) too


def test_without_the_top_makefile_arch_macros_stay_unknown(tree) -> None:
    # A partial tree does not say which ARCH names build arch/x86: not guessed.
    arch, linter = classes(tree, with_bits(top_makefile=False))
    assert linter.builds.kconfig.state("64BIT", "x86") == (None, None)
    assert arch("drivers/hv/hv_any64.c") is None
    assert any("Kconfig cannot tell whether it is built for x86" in n for n in linter.file_notes("drivers/hv/hv_any64.c"))


def test_string_constants_compare() -> None:
    from hvlint.tree.kconfig_expr import evaluate

    unknown = lambda name: (None, None)  # noqa: E731
    assert evaluate('"x86" = "x86"', unknown) == (True, False)
    assert evaluate('"x86_64" != "i386"', unknown) == (True, False)
    assert evaluate('"arm64" = "x86"', unknown) == (False, True)
    assert evaluate('"$(ARCH)" = "x86"', unknown) == (None, None)
    assert evaluate('FOO = "x86"', unknown) == (None, None)


def test_an_arch_the_tree_has_no_folder_for_builds_nothing(tree) -> None:
    # Only x86 and arm64 in arch/: HYPERV && X86_64 is x86 code, though "other" reads nothing.
    files = {k: v for k, v in BASE.items() if k != "arch/parisc/Kconfig"}
    files["drivers/hv/Kconfig"] = BASE["drivers/hv/Kconfig"] + "\nconfig HV_X86_64\n\ttristate \"x\"\n\tdepends on HYPERV && X86_64\n"
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HV_X86_64) += hv_x86_64.o\n"
    arch, linter = classes(tree, files)
    assert not linter.builds.kconfig.arch_known("other")
    assert arch("drivers/hv/hv_x86_64.c") == "x86"


def test_osource_leaves_undefined_symbols_undecided(tree) -> None:
    files = dict(BASE)
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HV_VENDOR_EXTRAS) += hv_vendor.o\n"
    arch, linter = classes(tree, files)
    assert linter.builds.kconfig.possible("HV_VENDOR_EXTRAS", "arm64") is False  # undefined: n
    files["drivers/Kconfig"] += 'osource "drivers/hv/Kconfig.vendor"\n'
    arch, linter = classes(tree, files)
    assert linter.builds.kconfig.possible("HV_VENDOR_EXTRAS", "arm64") is None
    assert linter.builds.kconfig.undecided("arm64") == ['drivers/Kconfig:9: osource "drivers/hv/Kconfig.vendor" (absent)']
    assert arch("drivers/hv/hv_vendor.c") is None


def test_source_inside_an_if_block_adds_its_condition(tree) -> None:
    files = with_files(drivers__Kconfig=(
        'menu "Device Drivers"\n\nconfig ACPI\n\tbool "ACPI support"\n\n'
        'if X86\nsource "drivers/hv/Kconfig"\nendif\n\nendmenu\n'
    ))
    arch, _linter = classes(tree, files)
    assert arch("drivers/hv/hv.c") == "x86"


def test_line_numbers_after_a_continuation(tree) -> None:
    arch, linter = classes(tree, BASE)
    expected = HV_KCONFIG.split("\n").index("config HYPERV_TIMER") + 1
    reason = linter.build_arch("drivers/clocksource/hyperv_timer.c")[1]
    assert f"drivers/hv/Kconfig:{expected}" in reason
    assert "drivers/clocksource/Makefile:1 uses CONFIG_HYPERV_TIMER" in reason
    entries = kconfig_parse.parse(HV_KCONFIG).entries
    assert [e[1] for e in entries if e[0] in ("HYPERV", "HYPERV_VTL_MODE")] == [3, 11]


def test_help_text_and_comments_are_not_attributes() -> None:
    (entry,) = kconfig_parse.parse(
        'config HV_HELPED\n\ttristate "helped"\n\tdepends on HYPERV # not ARM64\n'
        "        help\n\t  depends on ARM64\n\n\t  More text.\n"
        'comment "Hyper-V needs ACPI"\n\tdepends on !ACPI\n'
    ).entries
    assert entry[4] == ["HYPERV"]


# -- Makefiles -------------------------------------------------------------------------------


def test_an_object_of_alternative_rules_is_built_where_any_builds_it(tree) -> None:
    files = dict(BASE)
    files["drivers/hv/Makefile"] += (
        "obj-$(CONFIG_HYPERV_TIMER) += hv_clock.o\n"
        "obj-$(subst m,y,$(CONFIG_MSHV_ROOT)) += hv_clock.o\n"
        "obj-$(CONFIG_HYPERV_TIMER) += hv_clock_x86.o\n"
        "obj-$(subst m,y,$(CONFIG_MSHV_VTL)) += hv_clock_x86.o\n"
    )
    arch, _linter = classes(tree, files)
    assert arch("drivers/hv/hv_clock.c") is None  # MSHV_ROOT builds it on arm64 too
    assert arch("drivers/hv/hv_clock_x86.c") == "x86"


def test_composite_objects_folders_and_ifdef_blocks(tree) -> None:
    files = dict(BASE)
    files["drivers/Makefile"] += "obj-$(CONFIG_MSHV_VTL)\t\t+= hv_vtl/\n"
    files["drivers/hv_vtl/Makefile"] = "obj-y += vtl_core.o\nvtl_core-objs := vtl_main.o\n"
    files["drivers/hv/Makefile"] += "ifdef CONFIG_X86_64\nobj-$(CONFIG_HYPERV) += hv_x86_only.o\nelse\nobj-$(CONFIG_HYPERV) += hv_not_x86_64.o\nendif\n"
    arch, _linter = classes(tree, files)
    assert arch("drivers/hv/mshv_vtl_main.c") == "x86"  # mshv_vtl-y := mshv_vtl_main.o
    assert arch("drivers/hv_vtl/vtl_main.c") == "x86"  # its folder is built only for MSHV_VTL
    assert arch("drivers/hv/mshv_common.c") is None  # ifneq: MSHV_ROOT or MSHV_VTL
    assert arch("drivers/hv/hv_x86_only.c") == "x86"
    assert arch("drivers/hv/hv_not_x86_64.c") is None  # 32-bit x86 or arm64


def test_no_kconfig_means_no_build_class(tree) -> None:
    root = tree({"drivers/clocksource/Makefile": "obj-$(CONFIG_HYPERV_TIMER) += hyperv_timer.o\n"})
    assert Linter(Settings(), root).build_arch("drivers/clocksource/hyperv_timer.c") is None


def test_kconfig_can_be_switched_off(tree) -> None:
    root = tree(BASE)
    assert Linter(Settings(use_kconfig=False), root).build_arch("drivers/clocksource/hyperv_timer.c") is None


# -- the judge's side of it (tools/kconfig_judge.py; the kernel's side needs a kernel tree) --


def _judge_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "tools" / "kconfig_judge.py"
    spec = importlib.util.spec_from_file_location("kconfig_judge", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_judge_asks_hvlint_per_symbol_and_hints_at_dependencies(tree) -> None:
    judge = _judge_module()
    files = dict(BASE)
    files["drivers/hv/mshv_vtl_main.c"] = "static int hv_vtl_setup(void)\n{\n\treturn 0;\n}\n"
    files["drivers/hv/mshv_common.c"] = "int hv_call_get_vp_registers(void);\n"
    files["drivers/hv/README.c"] = "/* mentions no Hyper-V name: not read */\n"
    _arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert judge.describe(judge.hvlint_answer(kconfig, "MSHV_VTL")) == "x86 only"
    assert judge.describe(judge.hvlint_answer(kconfig, "MSHV_ROOT")) == "both"
    assert judge.describe({"x86": True, "arm64": None}) == "x86 yes, arm64 ?"
    symbols = judge.gating_symbols(linter)
    assert sorted(symbols["MSHV_VTL"]) == ["drivers/hv/mshv_common.c", "drivers/hv/mshv_vtl_main.c"]
    assert symbols["HYPERV"] == symbols["MSHV_VTL"]  # drivers/Makefile: obj-$(CONFIG_HYPERV) += hv/
    assert symbols["MSHV_ROOT"] == ["drivers/hv/mshv_common.c"]
    assert judge.gates_hyperv(linter, symbols["MSHV_ROOT"])
    fragment = judge.hints(kconfig, "MSHV_VTL", "x86")
    assert fragment["MSHV_VTL"] == "y" and fragment["HYPERV_VTL_MODE"] == "y"
    assert fragment["MTRR"] == "n" and fragment["EXPERT"] == "y"  # MTRR's prompt needs EXPERT
    assert fragment["COMPILE_TEST"] == "n" and "X86_64" not in fragment


def test_a_tree_without_the_arch_kconfig_leaves_its_symbols_open(tree) -> None:
    # A partial tree (only drivers/hv): X86_LOCAL_APIC is not "n", it is unread.
    files = {k: v for k, v in BASE.items() if not k.startswith("arch/")}
    arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert kconfig.possible("X86_LOCAL_APIC", "x86") is None
    assert kconfig.possible("HYPERV", "arm64") is None
    assert arch("drivers/clocksource/hyperv_timer.c") == "x86"  # && X86: never on arm64
    assert arch("drivers/hv/hv.c") is None


def test_judged_states_come_from_the_cache_and_wrong_shapes_are_read_again(tree, tmp_path_factory, monkeypatch) -> None:
    import json
    import os
    import time

    from hvlint.tree.cache import TreeCache

    cache_dir = tmp_path_factory.mktemp("user") / "cache"
    monkeypatch.setenv("HVLINT_CACHE_DIR", str(cache_dir))
    root = tree(BASE)
    past = time.time() - 60
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))

    def vtl_arch() -> Optional[str]:
        linter = Linter(Settings(), root)
        found = linter.build_arch("drivers/hv/mshv_vtl_main.c")
        linter.save_cache()
        return found[0] if found else None

    assert vtl_arch() == "x86"
    from hvlint.tree import kconfig

    def no_judging(*_args):
        raise AssertionError("judged again although no Kconfig file changed")

    with monkeypatch.context() as patched:
        patched.setattr(kconfig.Kconfig, "_judge", no_judging)
        assert vtl_arch() == "x86"  # the states come from the cache
    (cache_file,) = cache_dir.glob("tree-*.json")
    damages = [
        lambda k: k["parsed"]["drivers/hv/Kconfig"][0][0].__setitem__(3, "not a list of prompts"),
        lambda k: k["parsed"]["drivers/hv/Kconfig"][0][0].__setitem__(4, [7]),
        lambda k: k["where"].__setitem__("MSHV_VTL", [10 ** 6]),
        lambda k: k["parents"].__setitem__(0, [["x", 1]]),
        lambda k: k["states"].__setitem__("MSHV_VTL:arm64", [True]),
    ]
    for damage in damages:
        key = json.loads(cache_file.read_bytes().partition(b"\n")[0])["key"]
        stored = TreeCache(cache_file, key)
        section = stored.section("kconfig")
        damage(section)
        stored.store("kconfig", section)
        stored.save()
        assert vtl_arch() == "x86"
