"""``--format checkpatch``: each of checkpatch.pl's output shapes, against golden files."""

from __future__ import annotations

import pytest
from reporter_cases import FINDINGS, SECTIONS, check_golden, meta

from hvlint.reporters import checkpatch

WITHOUT_CHECK = [f for f in FINDINGS if f.severity != "check"]

CASES = {
    "default": ({}, WITHOUT_CHECK),
    "strict-show-types": ({"strict": True, "show_types": True}, FINDINGS),
    "emacs": ({"emacs": True}, WITHOUT_CHECK),
    "showfile": ({"showfile": True}, WITHOUT_CHECK),
    "terse": ({"terse": True, "quiet": 1}, WITHOUT_CHECK),
    "b4": ({"terse": True, "quiet": 2, "summary": False, "showfile": True}, WITHOUT_CHECK),
    "quiet-no-summary-file": ({"quiet": 1, "summary_file": True}, WITHOUT_CHECK),
    "color": ({"color": True, "show_types": True, "terse": True, "quiet": 1}, WITHOUT_CHECK),
    "ignored-note": ({"ignored": ["ARCH_IFDEF_IN_GENERIC"]}, WITHOUT_CHECK),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name):
    flags, findings = CASES[name]
    check_golden(f"checkpatch-{name}.txt", checkpatch.render(findings, meta(flags)))


def test_block_shape():
    out = checkpatch.render(WITHOUT_CHECK[:1], meta({}, SECTIONS[:1]))
    assert out == (
        "ERROR: HV_REGISTER_TIME_REF_COUNT is x86 synthetic MSR 0x40000020: "
        "rename it HV_X64_MSR_TIME_REF_COUNT\n"
        "#23: FILE: arch/x86/include/asm/hyperv-tlfs.h:25:\n"
        "+#define HV_REGISTER_TIME_REF_COUNT\t\tHV_X64_MSR_TIME_REF_COUNT\n"
        "\n"
        "total: 1 errors, 0 warnings, 7 lines checked\n"
        "\n"
        'Commit 111111111111 ("x86/hyperv: Name the reference counter MSR") '
        "has style problems, please review.\n"
    )


def test_clean_patch_summary_and_quiet():
    clean = checkpatch.render([], meta({}, SECTIONS[:1]))
    assert clean.startswith("total: 0 errors, 0 warnings, 7 lines checked\n")
    assert clean.endswith("has no obvious style problems and is ready for submission.\n")
    assert checkpatch.render([], meta({"quiet": 1}, SECTIONS[:1])) == ""
    # checkpatch prints the summary of a clean patch again at -q -q (quiet 2)
    assert (
        checkpatch.render([], meta({"quiet": 2}, SECTIONS[:1]))
        == "total: 0 errors, 0 warnings, 7 lines checked\n"
    )


def test_without_gate_sections_each_file_is_a_section():
    out = checkpatch.render(WITHOUT_CHECK, meta({"quiet": 1}, sections=None))
    assert out.count("total: ") == 2
    assert "#28: FILE: drivers/hv/hv.c:28:" not in out and "#24: FILE: drivers/hv/hv.c:28:" in out
