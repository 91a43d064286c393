"""``--format b4-review``: the JSON result b4 review reads from a per-patch check command."""

from __future__ import annotations

import json

from reporter_cases import FINDINGS, check_golden, meta

from hvlint.reporters import b4review


def _result(findings) -> dict:
    (result,) = json.loads(b4review.render(findings, meta()))
    return result


def test_golden():
    check_golden("b4-review.json", b4review.render(FINDINGS, meta()))


def test_an_error_fails_the_patch_and_every_finding_is_listed():
    result = _result(FINDINGS)
    assert (result["tool"], result["status"]) == ("hvlint", "fail")
    assert result["summary"] == "2 errors, 3 warnings, 1 check"
    details = json.loads(result["details"])
    assert [d["status"] for d in details] == ["fail", "fail", "warn", "warn", "warn", "warn"]
    assert details[1]["description"] == (
        "drivers/hv/hv.c:28: ERROR:X86_NAME_IN_GENERIC: rdmsrl is x86-only: use hv_get_register"
    )


def test_warnings_and_checks_only_warn():
    result = _result(FINDINGS[2:])
    assert (result["status"], result["summary"]) == ("warn", "3 warnings, 1 check")


def test_a_clean_patch_passes_in_b4s_words():
    assert _result([]) == {"tool": "hvlint", "status": "pass", "summary": "passed all checks"}
