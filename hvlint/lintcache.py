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

import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from hvlint.findings import Finding, InputProblem
from hvlint.tree.cache import stat_signature

# The per-file products the engine keeps (TreeCache.files): the byte prefilter's verdict,
# what a file gives the symbol index, and its findings.
PRODUCTS = ("prefilter", "index", "lint")
ABSENT = "-"

Deps = List[List[str]]


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


def dep_signature(path: str) -> Optional[str]:
    """A build dependency's signature: the file's, ABSENT when there is none, None when it is
    too fresh to trust."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return ABSENT
    except OSError:
        return None
    return stat_signature(st)


def deps_hold(deps: object) -> bool:
    """Whether every [path, signature] of ``deps`` still has that signature."""
    if not isinstance(deps, list):
        return False
    for dep in deps:
        if not (isinstance(dep, list) and len(dep) == 2 and isinstance(dep[0], str)):
            return False
        if dep_signature(dep[0]) != dep[1]:
            return False
    return True


def build_deps(root: str, relpath: str, names: Sequence[str]) -> Optional[Deps]:
    """[path, signature] of the build files (``names``: Makefile, Kbuild) in every folder
    above ``relpath`` (None when one is too fresh to trust)."""
    deps: Deps = []
    parts = relpath.split("/")[:-1]
    for cut in range(len(parts), 0, -1):
        folder = os.path.join(root, *parts[:cut])
        for name in names:
            path = os.path.join(folder, name)
            sig = dep_signature(path)
            if sig is None:
                return None
            deps.append([path, sig])
    return deps
