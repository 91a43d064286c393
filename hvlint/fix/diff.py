"""Unified diffs that ``git apply`` and ``patch -p1`` accept, byte-for-byte stable."""

from __future__ import annotations

import difflib
import re
from typing import Iterable, List, Tuple

CONTEXT = 3
# git's default hunk heading: the nearest line above the hunk that starts with a letter,
# ``_`` or ``$`` (a function or declaration in C), cut to 80 characters.
_HEADING = re.compile(r"[A-Za-z_$]")
HEADING_WIDTH = 80


def split_lines(text: str) -> List[str]:
    """Lines with their endings; only ``\\n`` ends a line (form feeds and ``\\r`` stay inside)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def _emit(line: str, mark: str, out: List[str]) -> None:
    if line.endswith("\n"):
        out.append(mark + line)
    else:
        out.append(mark + line + "\n\\ No newline at end of file\n")


def _range(start: int, stop: int) -> str:
    """GNU range: ``first,count``; an empty range names the line before it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if length == 0 else start + 1},{length}"


def _heading(lines: List[str], first: int) -> str:
    for line in reversed(lines[:first]):
        if _HEADING.match(line):
            return " " + line.rstrip("\r\n")[:HEADING_WIDTH].rstrip()
    return ""


def file_diff(relpath: str, old: str, new: str) -> str:
    """The ``diff --git`` section for one file (empty when nothing changed)."""
    if old == new:
        return ""
    a, b = split_lines(old), split_lines(new)
    out = [f"diff --git a/{relpath} b/{relpath}\n", f"--- a/{relpath}\n", f"+++ b/{relpath}\n"]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        a_range = _range(group[0][1], group[-1][2])
        b_range = _range(group[0][3], group[-1][4])
        out.append(f"@@ -{a_range} +{b_range} @@{_heading(a, group[0][1])}\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in a[i1:i2]:
                    _emit(line, " ", out)
                continue
            for line in a[i1:i2]:
                _emit(line, "-", out)
            for line in b[j1:j2]:
                _emit(line, "+", out)
    return "".join(out)


def tree_diff(changes: Iterable[Tuple[str, str, str]]) -> str:
    """One patch for (relpath, old, new) triples, files in path order."""
    return "".join(file_diff(rel, old, new) for rel, old, new in sorted(changes))
