"""``--format b4-review``: the JSON that ``b4 review`` reads from a per-patch check command.

b4 0.16 runs each ``b4.review-perpatch-check-cmd`` with one patch mail on stdin and reads
its stdout as JSON: a list of results, each ``{"tool", "status" (pass|warn|fail),
"summary", "details"}`` (b4/review/checks.py ``_run_external_cmd``). Text such as
checkpatch's is not accepted there ("invalid JSON output"). hvlint gives one result: ``fail``
when an ERROR-level rule fired, ``warn`` for warnings and checks only, ``pass`` (with
b4's own words for it, "passed all checks") when nothing did. ``details`` is a JSON list
of ``{"status", "description"}`` entries, one per finding, which is the form b4's review
screen shows for its built-in checkpatch; each description is checkpatch's one-line
report with the file's position and the TYPE::

    drivers/hv/hv.c:24: ERROR:X86_NAME_IN_GENERIC: HV_DEPRECATING_AEOI_RECOMMENDED is ...

One run is one result: the format is meant for one patch at a time, as b4 calls it.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Sequence

from hvlint.findings import Finding
from hvlint.reporters import ReportMeta
from hvlint.reporters.checkpatch import LEVELS

STATUS = {"error": "fail", "warning": "warn", "check": "warn"}
SEVERITIES = ("error", "warning", "check")


def description(f: Finding) -> str:
    """checkpatch's ``--terse --showfile --show-types`` line for ``f``."""
    return f"{f.path}:{f.line}: {LEVELS[f.severity]}:{f.type}: {f.message}"


def summary(findings: Sequence[Finding]) -> str:
    """``1 error, 2 warnings`` (b4's wording for its checkpatch results), or b4's pass text."""
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in SEVERITIES if counts[s]]
    return ", ".join(parts) if parts else "passed all checks"


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    """One b4 review result for the run, as a JSON list."""
    statuses = {STATUS[f.severity] for f in findings}
    result = {
        "tool": "hvlint",
        "status": "fail" if "fail" in statuses else ("warn" if statuses else "pass"),
        "summary": summary(findings),
    }
    if findings:
        details = [{"status": STATUS[f.severity], "description": description(f)} for f in findings]
        result["details"] = json.dumps(details)
    return json.dumps([result], indent=2) + "\n"
