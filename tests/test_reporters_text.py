"""``--format text``: gcc-style lines, each note once per run, and the summary line."""

from __future__ import annotations

from dataclasses import replace

from reporter_cases import FINDINGS, NOTE, check_golden, meta

from hvlint.reporters import text
from hvlint.reporters.summary import summary_line


def test_golden():
    check_golden("text.txt", text.render(FINDINGS, meta()))


def test_a_shared_note_follows_the_first_finding_that_carries_it_only():
    lines = text.render(FINDINGS, meta()).splitlines()
    notes = [i for i, line in enumerate(lines) if ": note: this tree" in line]
    assert len(notes) == 1
    assert lines[notes[0] - 1].startswith("drivers/hv/hv.c:37:18: warning: hv_set_register()")
    assert lines[notes[0]] == f"drivers/hv/hv.c:37:18: note: {NOTE}"
    assert lines[-1].startswith("drivers/hv/hv.c:38:18: warning:")  # its twin: no note again


def test_different_notes_are_each_shown():
    other = replace(FINDINGS[-1], notes=("another fact about the tree",))
    out = text.render([FINDINGS[-2], other], meta())
    assert out.count(": note: ") == 2 and "38:18: note: another fact" in out


def test_summary_counts_severities_and_what_fix_would_settle():
    assert summary_line(FINDINGS, 3) == (
        "6 findings: 2 errors, 3 warnings, 1 check; 3 fixable with `hvlint --fix`\n"
    )
    one = [FINDINGS[2]]
    assert summary_line(one, 0) == "1 finding: 0 errors, 1 warning\n"  # nothing fixable: not said
    assert summary_line(one, None) == "1 finding: 0 errors, 1 warning\n"  # --fix cannot run here
