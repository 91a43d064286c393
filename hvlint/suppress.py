"""Inline suppressions: ``/* hvlint-ignore: TYPE[, TYPE] */`` on a line or the line before."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Set, Tuple

from hvlint.findings import Finding
from hvlint.ruledata import RuleData
from hvlint.c.scanner import ScannedFile

_MARK = re.compile(r"hvlint-ignore\s*:?\s*([A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)")


@dataclass
class Suppression:
    """One suppression comment and what it silences."""

    line: int  # the line it applies to
    offset: int  # where the rule names start, for the unused report
    text: str
    names: Set[str]  # codes and TYPEs it silences
    unknown: List[str]
    used: bool = field(default=False)


def find_suppressions(sf: ScannedFile, data: RuleData) -> List[Suppression]:
    """Every suppression comment in a file."""
    out = []
    for start, end in sf.comments:
        comment = sf.text[start:end]
        m = _MARK.search(comment)
        if not m:
            continue
        names: Set[str] = set()
        unknown = []
        for raw in m.group(1).split(","):
            try:
                rule = data.rule(raw.strip())
                names.update((rule.code, rule.type))
            except KeyError:
                unknown.append(raw.strip())
        line, _ = sf.position(start)
        target = line
        own_line_start = sf.line_starts[line - 1]
        if not sf.code[own_line_start:start].strip() and not sf.code[end : _line_end(sf, line)].strip():
            target = _next_code_line(sf, line)
        out.append(Suppression(target, start + m.start(1), m.group(1), names, unknown))
    return out


def _line_end(sf: ScannedFile, line: int) -> int:
    return sf.line_starts[line] - 1 if line < len(sf.line_starts) else len(sf.text)


def _next_code_line(sf: ScannedFile, line: int) -> int:
    for nxt in range(line + 1, len(sf.line_starts) + 1):
        start = sf.line_starts[nxt - 1]
        if sf.code[start:_line_end(sf, nxt)].strip():
            return nxt
    return line


def apply(findings: List[Finding], sups: List[Suppression]) -> Tuple[List[Finding], List[Suppression]]:
    """Drop suppressed findings; return the rest and the suppressions that silenced nothing."""
    by_line: dict = {}
    for s in sups:
        by_line.setdefault(s.line, []).append(s)
    kept = []
    for f in findings:
        hit = next((s for s in by_line.get(f.line, ()) if f.code in s.names), None)
        if hit is None:
            kept.append(f)
        else:
            hit.used = True
    return kept, [s for s in sups if not s.used]
