"""``--format github``: workflow commands, escaped as the Actions runner reads them."""

from __future__ import annotations

from dataclasses import replace

from reporter_cases import FINDINGS, check_golden, meta

from hvlint.reporters import github


def test_golden():
    check_golden("github.txt", github.render(FINDINGS, meta()))


def test_levels():
    kinds = [line.split(" ", 1)[0] for line in github.render(FINDINGS, meta()).splitlines()]
    assert kinds == ["::error", "::error", "::warning", "::notice", "::warning", "::warning"]


def test_notes_are_further_lines_of_each_annotation():
    lines = github.render(FINDINGS, meta()).splitlines()
    assert [line.count("%0Anote: this tree defines no HV_SYN_REG_* alias yet") for line in lines] == [0, 0, 0, 0, 1, 1]


def test_escaping_of_properties_and_message():
    f = replace(
        FINDINGS[2],
        path="drivers/hv/odd,name:1.c",
        message="100% wrong\r\nsecond line: a, b",
        patch=None,
    )
    line = github.annotation(f)
    assert line.startswith(
        "::warning file=drivers/hv/odd%2Cname%3A1.c,line=31,col=20,endLine=31,endColumn=40,"
    )
    assert line.endswith("::100%25 wrong%0D%0Asecond line: a, b")
    assert "\n" not in line and line.count("::") == 2


def test_nothing_to_say():
    assert github.render([], meta()) == ""


def test_a_patch_without_subject_is_named_as_the_text_format_names_it():
    from hvlint.findings import PatchRef
    from hvlint.reporters import text

    f = replace(FINDINGS[2], patch=PatchRef(1, 1, ""))
    assert github.annotation(f).endswith(" (patch 1/1)")
    assert text.render([f], meta()).rstrip("\n").endswith(" (patch 1/1)")
