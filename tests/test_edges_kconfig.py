"""Kconfig edges: the cases a one-symbol change in the judge would get wrong.

Each test adds one construct to test_kconfig's kernel-shaped tree and asks which arch the
tree builds a file for (``Linter.build_arch``), as HV102-HV104 do.
"""

from __future__ import annotations

import pytest
from test_kconfig import BASE, append, classes

from hvlint.config import Settings
from hvlint.engine import Linter
from hvlint.tree import kconfig_parse


def granule_choice(tree, members: str):
    """The tree with an arm64 choice of ``members`` and a driver that needs
    HV_GRANULE_DEFAULT off: (arch of the driver's file, the linter)."""
    files = append("arch/arm64/Kconfig", (
        f'\nchoice\n\tprompt "Hyper-V guest page granule"\n\n{members}endchoice\n'
    ))
    files["drivers/hv/Kconfig"] += (
        '\nconfig HYPERV_LARGE_PAGES\n\ttristate "Large page support"\n'
        "\tdepends on HYPERV && !HV_GRANULE_DEFAULT\n"
    )
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HYPERV_LARGE_PAGES) += hv_large.o\n"
    arch, linter = classes(tree, files)
    return arch("drivers/hv/hv_large.c"), linter


DEFAULT_MEMBER = "config HV_GRANULE_DEFAULT\n\tbool\n\tdefault y\n\n"


def test_a_default_y_member_of_a_two_member_choice_can_be_off(tree) -> None:
    # On arm64 the choice picks one of two granules; HV_GRANULE_DEFAULT has no prompt and
    # `default y`, yet choosing HV_GRANULE_64K turns it off, so a driver that needs it off
    # is built for arm64 too.
    arch, linter = granule_choice(tree, 'config HV_GRANULE_64K\n\tbool "64K granule"\n\n' + DEFAULT_MEMBER)
    assert arch is None
    assert linter.builds.note("drivers/hv/hv_large.c") is None


def test_a_choice_of_one_keeps_its_default_member_on(tree) -> None:
    # A one-member choice cannot pick another member: `default y` holds it on.
    arch, _linter = granule_choice(tree, DEFAULT_MEMBER)
    assert arch == "x86"


# -- comparisons with y, m and n --------------------------------------------------------------

# (depends on EXPR, can it be on for x86, for arm64): X86 is y on x86 and n elsewhere, and a
# symbol that may be on can be y or m, so "= y" is open where it can be on.
COMPARISONS = [
    ("X86 = n", False, True),
    ("n = X86", False, True),
    ("X86 != n", True, False),
    ("n != X86", True, False),
    ("X86 = y", None, False),
    ("X86 = m", None, False),
    ("y = X86", None, False),
    ("m = X86", None, False),
    ("m != X86", None, True),
    ("X86 != y", None, True),
    ("X86 != m", None, True),
    ('X86 = "y"', None, None),
    ("X86 < 3", None, None),
    ("y < X86", None, None),
    ("ARM64 = n && X86", True, False),
    ("!(X86 = n)", True, False),
]


@pytest.mark.parametrize("expr, x86, arm64", COMPARISONS, ids=[c[0] for c in COMPARISONS])
def test_comparisons_with_tristate_constants(tree, expr, x86, arm64) -> None:
    files = append("drivers/hv/Kconfig", f'\nconfig HV_CMP\n\tbool "compare"\n\tdepends on {expr}\n')
    _arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert (kconfig.possible("HV_CMP", "x86"), kconfig.possible("HV_CMP", "arm64")) == (x86, arm64)


def test_off_halves_of_comparisons(tree) -> None:
    # A prompt without a default may always be said n, so the off half of each depends
    # shows in what a `depends on !HV_CMP_*` symbol can be.
    files = append("drivers/hv/Kconfig", (
        "\nconfig HV_X86_IS_Y\n\tdef_bool X86 = y\n"
        "\nconfig HV_X86_NOT_Y\n\tdef_bool X86 != y\n"
    ))
    _arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert kconfig.state("HV_X86_IS_Y", "arm64") == (False, True)
    assert kconfig.state("HV_X86_NOT_Y", "arm64") == (True, False)
    assert kconfig.state("HV_X86_IS_Y", "x86") == (None, None)


# -- how the Kconfig files are found ----------------------------------------------------------


def test_rsource_globs_and_sources_that_cannot_be_followed(tree) -> None:
    files = dict(BASE)
    # rsource from the top and from arch/x86, globs with * and ?, osource of a file that is
    # not there, a path leaving the tree, an unknown macro.
    files["Kconfig"] = BASE["Kconfig"].replace('source "mm/Kconfig"', 'rsource "mm/Kconfig"')
    files["arch/x86/Kconfig"] = BASE["arch/x86/Kconfig"] + '\n  rsource "Kconfig.hv"\n'
    files["arch/x86/Kconfig.hv"] = "config HV_X86_RSOURCED\n\tdef_bool y\n"
    files["drivers/Kconfig"] = BASE["drivers/Kconfig"].replace("endmenu\n", (
        'source "drivers/hv/ball*/Kconfig"\nsource "drivers/hv/vtl?/Kconfig"\n'
        'osource "drivers/hv/Kconfig.vendor"\nsource "../vendor/Kconfig"\n'
        'source "$(KCONFIG_EXT_PREFIX)Kconfig"\n\nendmenu\n'
    ))
    files["drivers/hv/balloon/Kconfig"] = "config HV_BALLOON_GLOBBED\n\tdef_bool HYPERV\n"
    files["drivers/hv/vtl2/Kconfig"] = "config HV_VTL_GLOBBED\n\tdef_bool HYPERV\n"
    _arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert kconfig.state("HV_X86_RSOURCED", "x86") == (True, False)
    assert kconfig.state("HV_X86_RSOURCED", "arm64") == (None, None)  # undecided sources
    assert kconfig.possible("TRANSPARENT_HUGEPAGE", "x86") is True
    assert kconfig.possible("HV_BALLOON_GLOBBED", "arm64") is True
    assert kconfig.possible("HV_VTL_GLOBBED", "arm64") is True
    assert kconfig.undecided("arm64") == [
        'drivers/Kconfig:10: osource "drivers/hv/Kconfig.vendor" (absent)',
        'drivers/Kconfig:11: source "../vendor/Kconfig"',
        'drivers/Kconfig:12: source "$(KCONFIG_EXT_PREFIX)Kconfig"',
    ]


def test_nothing_undecided_in_a_plain_tree(tree) -> None:
    _arch, linter = classes(tree, BASE)
    assert linter.builds.kconfig.undecided("x86") == []
    assert linter.builds.kconfig.undecided("arm64") == []


def test_uml_reads_the_header_arch_kconfig(tree) -> None:
    files = dict(BASE)
    files["arch/um/Kconfig"] = 'config UML\n\tdef_bool y\n\nsource "arch/$(HEADER_ARCH)/um/Kconfig"\n'
    files["arch/x86/um/Kconfig"] = "config UML_X86_HV\n\tdef_bool y\n\tdepends on UML\n"
    _arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert kconfig.possible("UML_X86_HV", "other") is True
    assert kconfig.possible("UML_X86_HV", "x86") is False
    assert kconfig.undecided("other") == []


def test_a_file_sourced_twice_is_read_once_and_the_rest_still_followed(tree) -> None:
    files = dict(BASE)
    files["mm/Kconfig"] = BASE["mm/Kconfig"] + '\nsource "drivers/hv/Kconfig.common"\n'
    files["drivers/Kconfig"] = BASE["drivers/Kconfig"].replace(
        "endmenu\n", 'source "drivers/hv/Kconfig.common"\n\nendmenu\n')
    files["drivers/hv/Kconfig.common"] = "config HV_COMMON\n\tdef_bool HYPERV\n"
    _arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert kconfig.possible("HV_COMMON", "arm64") is True
    assert kconfig.possible("EXPERT", "x86") is True  # init/Kconfig, queued before both
    assert kconfig.possible("HAVE_STATIC_CALL", "x86") is True


def test_a_kconfig_that_sources_itself_ends(tree) -> None:
    files = append("drivers/hv/Kconfig", '\nsource "drivers/hv/Kconfig"\n')
    arch, _linter = classes(tree, files)
    assert arch("drivers/clocksource/hyperv_timer.c") == "x86"


def test_a_blank_first_line_keeps_the_lines_of_sources(tree) -> None:
    # drivers/hv/Kconfig.arch is sourced inside `if ARM64` of a file that starts with a
    # blank line, and itself starts with a blank line before its one source: the
    # condition applies to the entries of drivers/hv/Kconfig.arm.
    files = dict(BASE)
    files["drivers/Kconfig"] = "\n" + BASE["drivers/Kconfig"].replace(
        "endmenu\n", 'if ARM64\n  source "drivers/hv/Kconfig.arch"\nendif\n\nendmenu\n')
    files["drivers/hv/Kconfig.arch"] = '\nsource "drivers/hv/Kconfig.arm"\n'
    files["drivers/hv/Kconfig.arm"] = "config HV_ARM_GLUE\n\tdef_bool HYPERV\n"
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HV_ARM_GLUE) += hv_arm_glue.o\n"
    arch, linter = classes(tree, files)
    assert arch("drivers/hv/hv_arm_glue.c") == "arm64"
    assert linter.builds.kconfig.possible("HV_ARM_GLUE", "x86") is False


def test_a_tree_without_a_top_kconfig_is_walked_but_not_its_tools(tree) -> None:
    # A partial tree: no top-level Kconfig, so every Kconfig* file is read, except under
    # tools/, scripts/, Documentation/ and .git/, whose redefinitions would make the timer
    # driver buildable for arm64.
    files = {k: v for k, v in BASE.items() if k != "Kconfig"}
    for skipped in ("tools/hv", "scripts/kconfig", "Documentation/hv", ".git/hooks"):
        files[f"{skipped}/Kconfig"] = "config HYPERV_TIMER\n\tdef_bool y\n"
    files["drivers/hv/Kconfig.extra"] = "config HV_EXTRA\n\tdef_bool HYPERV\n"
    files["drivers/hv/Makefile"] += "obj-$(CONFIG_HV_EXTRA) += hv_extra.o\n"
    files["arch/x86/Kconfig"] += "\nconfig HV_X86_WALKED\n\tdef_bool y\n"
    arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert arch("drivers/clocksource/hyperv_timer.c") == "x86"
    assert kconfig.possible("HV_EXTRA", "arm64") is True
    assert kconfig.state("HV_X86_WALKED", "x86") == (True, False)
    assert kconfig.possible("HV_X86_WALKED", "arm64") is False


def test_a_kconfig_that_is_not_utf8_is_still_read(tree) -> None:
    root = tree(BASE)
    path = root / "drivers/hv/Kconfig"
    path.write_bytes(BASE["drivers/hv/Kconfig"].replace("help does not say", "help d\xe9sn't say").encode("latin-1"))
    linter = Linter(Settings(), root)
    assert (linter.build_arch("drivers/clocksource/hyperv_timer.c") or (None,))[0] == "x86"
    assert linter.builds.kconfig.possible("HYPERV", "arm64") is True


def test_a_series_kconfig_replaces_or_deletes_the_disk_file(tree) -> None:
    arch, linter = classes(tree, BASE)
    builds = linter.builds
    assert arch("drivers/clocksource/hyperv_timer.c") == "x86"
    builds.set_overlay("drivers/hv/Kconfig", BASE["drivers/hv/Kconfig"].replace(
        "\tdef_bool HYPERV && X86\n", "\tdef_bool HYPERV\n"))
    assert builds.arch_of("drivers/clocksource/hyperv_timer.c") is None
    assert builds.kconfig.possible("HYPERV_TIMER", "arm64") is True
    builds.set_overlay("drivers/hv/Kconfig", None)
    assert builds.kconfig.possible("HYPERV_TIMER", "x86") is False
    assert builds.arch_of("drivers/clocksource/hyperv_timer.c") is None
    assert "no configuration of x86 or arm64 builds it" in builds.note("drivers/clocksource/hyperv_timer.c")


# -- reading one Kconfig file -----------------------------------------------------------------


def entries(text: str) -> dict:
    """name -> entry of each config in ``text`` (the last definition wins)."""
    return {e[0]: e for e in kconfig_parse.parse(text).entries}


def test_choice_members_through_nested_if_blocks() -> None:
    found = entries(
        'menu "Hyper-V"\n\n'
        'choice\n\tprompt "Hyper-V page size"\n\tdepends on HYPERV\n\n'
        'config HV_4K\n\tbool "4K"\n\n'
        'if ARM64\nconfig HV_64K\n\tbool "64K"\nendif\n\n'
        'config HV_16K\n\tbool "16K"\n\n'
        "endchoice\n\n"
        'config HV_AFTER\n\tbool "after the choice"\n\n'
        "endmenu\n\n"
        'config HV_OUTSIDE\n\tbool "outside the menu"\n'
    )
    assert [found[n][7] for n in ("HV_4K", "HV_64K", "HV_16K", "HV_AFTER", "HV_OUTSIDE")] == [3, 3, 3, 0, 0]
    assert found["HV_64K"][4] == ["HYPERV", "ARM64"]
    assert found["HV_16K"][4] == ["HYPERV"]
    assert found["HV_AFTER"][4] == []


def test_a_menu_visible_if_hides_the_prompts() -> None:
    found = entries(
        'menu "Hyper-V expert options"\n\tvisible if EXPERT\n\n'
        'config HV_TUNE\n\tbool "tune"\n\n'
        'config HV_QUIET\n\tbool "quiet" if !DEBUG\n\n'
        "config HV_NO_PROMPT\n\tbool\n\n"
        "endmenu\n"
    )
    assert found["HV_TUNE"][3] == ["(y) && (EXPERT)"]
    assert found["HV_QUIET"][3] == ["(!DEBUG) && (EXPERT)"]
    assert found["HV_NO_PROMPT"][3] == []
    assert found["HV_TUNE"][4] == []


def test_help_text_ends_where_its_indent_does() -> None:
    found = entries(
        'config HV_OLD\n\ttristate "old help keyword"\n\t---help---\n'
        "\t  select HV_NOT_SELECTED\n\n\t  depends on NOT_A_DEPENDENCY\n"
        "\tdepends on HYPERV\n\n"
        'config HV_TABS\n\tbool "help indented past the tab"\n\thelp\n'
        "         depends on ARM64 (nine spaces: still help text)\n"
        "\tdefault y\n"
    )
    assert found["HV_OLD"][4] == ["HYPERV"] and found["HV_OLD"][6] == []
    assert found["HV_TABS"][4] == [] and found["HV_TABS"][5] == [["y", "y"]]


def test_a_comment_after_a_prompt_keeps_the_prompt() -> None:
    found = entries('config HV_BALLOON\n\ttristate "Hyper-V Balloon driver" # the guest\'s memory\n\tdepends on HYPERV\n')
    assert found["HV_BALLOON"][3] == ["y"]
    assert found["HV_BALLOON"][2] == "tristate"


def test_a_definition_without_a_type_only_adds(tree) -> None:
    # arch/x86/Kconfig may add a default to a symbol defined elsewhere, without a type.
    assert entries("config HYPERV_TIMER\n\tdefault y\n")["HYPERV_TIMER"][2] == ""
    files = append("arch/x86/Kconfig", "\nconfig HYPERV_SOMETIMES\n\tdefault y if HYPERVISOR_GUEST\n")
    _arch, linter = classes(tree, files)
    assert linter.builds.kconfig.state("HYPERV_SOMETIMES", "x86") == (True, True)


def test_depends_lines_sharing_a_symbol_are_split_after_a_macro_line(tree) -> None:
    files = append("drivers/hv/Kconfig", (
        '\nconfig HV_SPLIT\n\ttristate "split"\n\tdepends on HYPERV\n\tdepends on X86 if HYPERV\n'
        '\nconfig HV_SPLIT_MACRO\n\ttristate "split after a macro"\n\tdepends on $(success,true)\n'
        "\tdepends on HYPERV\n\tdepends on X86 if HYPERV\n"
    ))
    _arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert (kconfig.possible("HV_SPLIT", "x86"), kconfig.possible("HV_SPLIT", "arm64")) == (True, False)
    assert kconfig.possible("HV_SPLIT_MACRO", "arm64") is False  # whatever the macro says


@pytest.mark.parametrize("expr, x86, arm64", [
    ("(X86", True, False),
    ("X86 &&", None, False),
    ("X86 =", None, None),
    ("X86 && (ARM64 || X86", True, False),
    ("X86 )", None, None),
], ids=["unclosed", "trailing-and", "trailing-equals", "unclosed-inner", "stray-paren"])
def test_truncated_expressions_are_judged_without_a_crash(tree, expr, x86, arm64) -> None:
    files = append("drivers/hv/Kconfig", f'\nconfig HV_CUT\n\tbool "cut"\n\tdepends on {expr}\n')
    _arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert (kconfig.possible("HV_CUT", "x86"), kconfig.possible("HV_CUT", "arm64")) == (x86, arm64)


@pytest.mark.parametrize("expr", [
    "$(cc-option,-mgeneral-regs-only) && X86",
    "$(success,$(CC) -Werror -mno-red-zone -x c /dev/null) && X86",
    "X86 && $(as-instr,(1))",
])
def test_a_macro_call_ends_at_its_own_parenthesis(tree, expr) -> None:
    files = append("drivers/hv/Kconfig", f'\nconfig HV_MACRO\n\tbool "macro"\n\tdepends on {expr}\n')
    _arch, linter = classes(tree, files)
    kconfig = linter.builds.kconfig
    assert (kconfig.possible("HV_MACRO", "x86"), kconfig.possible("HV_MACRO", "arm64")) == (None, False)
