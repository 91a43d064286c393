"""One file's findings kept in the tree cache, to be given again while nothing they rest on
has changed.

A file's findings rest on its own bytes (its stat signature, checked by the cache's per-file
table), on the rest of the run (the settings, the scheme chosen and the whole symbol index:
the *context*, one digest) and, for an arch-neutral .c file, on the Makefiles and Kbuild
files of its folders and the tree's Kconfig files (its *build dependencies*). The entry
keeps everything the run reports from the file: the read problem, the lines counted, the
findings, the input problems, the notes, and the source lines the findings point at (the
checkpatch and SARIF formats quote them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from hvlint.findings import Finding, InputProblem
from hvlint.tree.buildcache import Deps, deps_hold

# The per-file products the engine keeps (TreeCache.files): the byte prefilter's verdict,
# what a file gives the symbol index, its findings, and which arch the tree builds it for.
PRODUCTS = ("prefilter", "index", "lint", "build")


@dataclass(frozen=True)
class Stored:
    """What a run reported from one file, as the tree cache gives it back."""

    read_problem: Optional[str]
    lines: int
    findings: List[Finding]
    problems: List[InputProblem]
    notes: List[str]
    source_lines: Dict[int, str]


def encode(
    context: str,
    read_problem: Optional[str],
    lines: int,
    findings: Sequence[Finding],
    problems: Sequence[InputProblem],
    notes: Sequence[str],
    source_lines: Dict[int, str],
    deps: Optional[Deps],
) -> list:
    """The "lint" product of one file (JSON data)."""
    return [
        context,
        read_problem,
        lines,
        [[f.line, f.column, f.end_line, f.end_column, f.code, f.type, f.severity, f.message, f.name,
          f.suggestion, list(f.notes)] for f in findings],
        [p.message for p in problems],
        list(notes),
        [[line, text] for line, text in sorted(source_lines.items())],
        deps,
    ]


def read_problem(value: object) -> Tuple[bool, Optional[str]]:
    """(whether ``value`` is a "lint" product, the read problem it records)."""
    if isinstance(value, list) and len(value) == 8 and (value[1] is None or isinstance(value[1], str)):
        return True, value[1]
    return False, None


def decode(path: str, value: object, context: str) -> Optional[Stored]:
    """The stored report of ``path`` when it was made in ``context`` and its build
    dependencies still hold (None: not usable, lint the file again)."""
    if not (read_problem(value)[0] and value[0] == context):  # type: ignore[index]
        return None
    _ctx, problem, lines, findings, problems, notes, source_lines, deps = value  # type: ignore[misc]
    if deps is not None and not deps_hold(deps):
        return None
    try:
        return Stored(
            problem,
            int(lines),
            [Finding(path, line, col, end_line, end_col, code, type_, sev, msg, name, sugg, None, tuple(fnotes))
             for line, col, end_line, end_col, code, type_, sev, msg, name, sugg, fnotes in findings],
            [InputProblem(path, str(m)) for m in problems],
            [str(n) for n in notes],
            {int(line): str(text) for line, text in source_lines},
        )
    except (TypeError, ValueError):
        return None
