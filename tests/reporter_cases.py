"""Findings of a two-patch series, as the gate hands them to reporters, and golden files.

Messages are written here (not taken from rules/) so that the golden files test the
reporters' shapes, not the rules' wording. Set HVLINT_UPDATE_GOLDEN=1 to rewrite them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence

from conftest import updating_golden
from hvlint import ruledata
from hvlint.findings import Finding, PatchRef
from hvlint.reporters import ReportMeta

GOLDEN = Path(__file__).parent / "data" / "reporters"

P1 = PatchRef(1, 2, "x86/hyperv: Name the reference counter MSR", "1" * 40)
P2 = PatchRef(2, 2, "Drivers: hv: Enable the SynIC message page", "2" * 40)

NOTE = "this tree defines no HV_SYN_REG_* alias yet: hvlint --fix defines them"

FINDINGS: List[Finding] = [
    Finding(
        "arch/x86/include/asm/hyperv-tlfs.h",
        25,
        9,
        25,
        35,
        "HV101",
        "HV_REGISTER_MSR",
        "error",
        "HV_REGISTER_TIME_REF_COUNT is x86 synthetic MSR 0x40000020: "
        "rename it HV_X64_MSR_TIME_REF_COUNT",
        "HV_REGISTER_TIME_REF_COUNT",
        "HV_X64_MSR_TIME_REF_COUNT",
        P1,
    ),
    Finding(
        "drivers/hv/hv.c",
        28,
        2,
        28,
        8,
        "HV102",
        "X86_NAME_IN_GENERIC",
        "error",
        "rdmsrl is x86-only: use hv_get_register",
        "rdmsrl",
        "hv_get_register",
        P2,
    ),
    Finding(
        "drivers/hv/hv.c",
        31,
        20,
        31,
        40,
        "HV103",
        "GENERIC_REG_PREFIX",
        "warning",
        "hv_get_register() takes HV_SYN_REG_*, not HV_REGISTER_SCONTROL: use HV_SYN_REG_SCONTROL",
        "HV_REGISTER_SCONTROL",
        "HV_SYN_REG_SCONTROL",
        P2,
    ),
    Finding(
        "drivers/hv/hv.c",
        33,
        1,
        33,
        7,
        "HV106",
        "ARCH_IFDEF_IN_GENERIC",
        "check",
        "#ifdef CONFIG_X86 in arch-neutral code: use an arch hook",
        "ifdef",
        None,
        P2,
    ),
    # Two findings that share one explanation: the text format shows it once, after the first.
    *(
        Finding(
            "drivers/hv/hv.c",
            line,
            18,
            line,
            33,
            "HV103",
            "GENERIC_REG_PREFIX",
            "warning",
            f"hv_set_register() takes HV_SYN_REG_*, not HV_REGISTER_{reg}: rename it "
            f"HV_SYN_REG_{reg} (not defined yet)",
            f"HV_REGISTER_{reg}",
            None,
            P2,
            notes=(NOTE,),
        )
        for line, reg in ((37, "SIEFP"), (38, "SIMP"))
    ),
]

ADDED = {
    ("arch/x86/include/asm/hyperv-tlfs.h", 25): (
        23,
        "#define HV_REGISTER_TIME_REF_COUNT\t\tHV_X64_MSR_TIME_REF_COUNT",
    ),
    ("drivers/hv/hv.c", 28): (24, "\trdmsrl(HV_X64_MSR_SIMP, simp);"),
    ("drivers/hv/hv.c", 31): (27, "\tsctrl.as_uint64 = hv_get_register(HV_REGISTER_SCONTROL);"),
    ("drivers/hv/hv.c", 33): (29, "#ifdef CONFIG_X86"),
    ("drivers/hv/hv.c", 37): (33, "\thv_set_register(HV_REGISTER_SIEFP, 0);"),
    ("drivers/hv/hv.c", 38): (34, "\thv_set_register(HV_REGISTER_SIMP, 0);"),
}

SECTIONS = [
    {
        "key": P1,
        "vname": f'Commit {P1.commit[:12]} ("{P1.subject}")',
        "filename": P1.commit,
        "lines_checked": 7,
    },
    {
        "key": P2,
        "vname": f'Commit {P2.commit[:12]} ("{P2.subject}")',
        "filename": P2.commit,
        "lines_checked": 15,
    },
]


def meta(
    flags: Optional[Dict[str, object]] = None,
    sections: Optional[Sequence[dict]] = SECTIONS,
    root: Optional[str] = None,
) -> ReportMeta:
    """A ReportMeta like the gate's, with checkpatch ``flags``."""
    options: Dict[str, object] = {
        "checkpatch": dict(flags or {}),
        "input_line": lambda f: ADDED.get((f.path, f.line), (None, None))[0],
        "added_text": lambda f: ADDED.get((f.path, f.line), (None, None))[1],
    }
    if sections is not None:
        options["sections"] = list(sections)
    return ReportMeta(
        version="0.1.0",
        scheme="syn-reg",
        scheme_reason="the default",
        data=ruledata.load(),
        root=root,
        files_checked=2,
        lines_checked=22,
        options=options,
    )


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with tests/data/reporters/NAME (rewrite it with HVLINT_UPDATE_GOLDEN=1)."""
    path = GOLDEN / name
    if updating_golden():
        path.write_text(text)
    assert path.is_file(), f"missing golden file {path} (run with HVLINT_UPDATE_GOLDEN=1)"
    assert text == path.read_text()
