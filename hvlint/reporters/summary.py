"""The last line of a text run, on stderr, in the manner of ruff:
``40 findings: 39 errors, 1 warning; 38 fixable with `hvlint --fix```."""

from __future__ import annotations

from collections import Counter
from typing import Optional, Sequence

from hvlint.findings import Finding

# Severity -> the word the summary counts it with (CHECK-level findings are "checks").
_WORDS = (("error", "error"), ("warning", "warning"), ("check", "check"))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(findings: Sequence[Finding], fixable: Optional[int]) -> str:
    """The summary of a run's findings; ``fixable`` is how many of them ``hvlint --fix``
    would settle (None: --fix cannot run here, so nothing is said about it). Errors and
    warnings are always counted, checks only when there are any."""
    by = Counter(f.severity for f in findings)
    parts = [_count(by[s], w) for s, w in _WORDS if by[s] or s != "check"]
    line = f"{_count(len(findings), 'finding')}: {', '.join(parts)}"
    if fixable:
        line += f"; {fixable} fixable with `hvlint --fix`"
    return line + "\n"
