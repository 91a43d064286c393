"""The shipped example trees: a pre-v6.9 layout reports every misnamed define and call, and
nothing in arm64 headers or comments; the renamed (syn-reg) and upstream (v6.9+) layouts
report nothing, each judged by the scheme its own aliases show."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, lint_tree
from hvlint.config import Settings

PRE = REPO / "examples" / "pre-rename"
RENAMED = REPO / "examples" / "renamed"
UPSTREAM = REPO / "examples" / "upstream"
DEFINE = re.compile(r"^#define\s+(HV_REGISTER_\w+)\s+(0x4000\w+|\(HV_REGISTER_\w+ \+ 1\))", re.M)
CALL = re.compile(r"hv_[gs]et_register\((HV_REGISTER_\w+)")


def test_pre_rename_reports_every_msr_define_and_every_generic_call():
    _l, result = lint_tree(PRE)
    header = (PRE / "arch/x86/include/asm/hyperv-tlfs.h").read_text()
    defines = {m.group(1) for m in DEFINE.finditer(header)}
    assert len(defines) == 13
    hv101 = {f.name for f in result.findings if f.code == "HV101" and f.path.endswith("hyperv-tlfs.h")}
    assert hv101 == defines
    calls = []
    for path in ("drivers/hv/hv.c", "drivers/hv/hv_common.c", "drivers/clocksource/hyperv_timer.c",
                 "include/asm-generic/mshyperv.h"):
        code = re.sub(r"/\*.*?\*/", "", (PRE / path).read_text(), flags=re.S)
        calls += [(path, m.group(1)) for m in CALL.finditer(code)]
    hv103 = sorted((f.path, f.name) for f in result.findings if f.code == "HV103")
    assert hv103 == sorted(calls)
    # The tree defines no HV_SYN_REG_* alias yet: none is suggested, each message names the
    # alias to create, and the note (one text for all) says how.
    for f in (f for f in result.findings if f.code == "HV103"):
        alias = "HV_SYN_REG_" + f.name[len("HV_REGISTER_"):]
        assert f.suggestion is None and f.message.endswith(f"rename it {alias} (not defined yet)")
        assert len(f.notes) == 1 and "hvlint --fix" in f.notes[0]
    assert len({f.notes for f in result.findings if f.code == "HV103"}) == 1


def test_pre_rename_is_quiet_on_arm64_and_comments_and_strings():
    _l, result = lint_tree(PRE)
    assert not [f for f in result.findings if f.path.startswith("arch/arm64/")]
    for f in result.findings:
        line = (PRE / f.path).read_text().splitlines()[f.line - 1]
        before = line[: f.column - 1]
        assert "/*" not in before and "//" not in before and before.count('"') % 2 == 0, (f.path, f.line)


def test_renamed_tree_is_clean_even_with_strict():
    _l, result = lint_tree(RENAMED, Settings(strict=True))
    assert result.findings == [] and result.problems == []


@pytest.mark.parametrize("tree, scheme", [(RENAMED, "syn-reg"), (UPSTREAM, "upstream")], ids=["renamed", "upstream"])
def test_each_renamed_tree_is_judged_by_its_own_aliases_and_clean(tree, scheme):
    linter, result = lint_tree(tree, Settings(strict=True))
    assert linter.scheme.name == scheme
    assert "defines 13 distinct" in linter.scheme.reason
    assert result.findings == [] and result.problems == []


@pytest.mark.parametrize("tree, other", [(RENAMED, "upstream"), (UPSTREAM, "syn-reg")], ids=["renamed", "upstream"])
def test_the_other_scheme_forced_on_an_example_reports_every_alias_as_hv105(tree, other):
    """HV_MSR_*_AVAILABLE feature bits in the upstream example are not aliases: never HV105."""
    _l, result = lint_tree(tree, Settings(scheme=other, scheme_source="the test"))
    assert {f.code for f in result.findings} == {"HV105"}
    names = {f.name for f in result.findings}
    assert len(names) == 13 and not any(n.endswith("_AVAILABLE") for n in names)
