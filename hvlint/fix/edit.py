"""Text edits on one file: replacements at offsets, whole-line removals, and the tidy-up a
maintainer would do by hand (a comment left heading nothing goes with the lines it headed)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Set, Tuple

from hvlint.c.scanner import ScannedFile


TAB = 8
_SPACE = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``new``; ``item`` is the fix it belongs to."""

    start: int
    end: int
    new: str
    item: str


class OverlapError(Exception):
    """Two edits touch the same text (a planning error: the later item is dropped)."""

    def __init__(self, first: Edit, second: Edit) -> None:
        super().__init__(f"edits of {first.item} and {second.item} overlap")
        self.first = first
        self.second = second


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with every edit applied (offsets are into the original text)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end, e.new))
    out: List[str] = []
    pos = 0
    prev: Optional[Edit] = None
    for e in ordered:
        if prev is not None and e.start < prev.end:
            raise OverlapError(prev, e)
        out.append(text[pos : e.start])
        out.append(e.new)
        pos = e.end
        prev = e
    out.append(text[pos:])
    return "".join(out)


def new_offset(offset: int, edits: Sequence[Edit]) -> int:
    """Where ``offset`` of the original text lands after ``edits`` (which do not cover it)."""
    shift = 0
    for e in edits:
        if e.end <= offset:
            shift += len(e.new) - (e.end - e.start)
    return offset + shift


def line_span(sf: ScannedFile, first: int, last: int) -> Tuple[int, int]:
    """Offsets covering 1-based lines ``first``..``last`` with the final newline."""
    start = sf.line_starts[first - 1]
    end = sf.line_starts[last] if last < len(sf.line_starts) else len(sf.text)
    return start, end


def removable(sf: ScannedFile, start: int, end: int) -> bool:
    """True when no comment crosses the edges of ``[start, end)`` (removing it keeps C valid)."""
    for cs, ce in sf.comments:
        if cs < start < ce or cs < end < ce:
            return False
    return True


def _blank(sf: ScannedFile, line: int) -> bool:
    return not sf.line_text(line).strip()


def _comment_only(sf: ScannedFile, line: int) -> bool:
    start, end = line_span(sf, line, line)
    return bool(sf.text[start:end].strip()) and not sf.code[start:end].strip()


def orphan_lines(sf: ScannedFile, removed: Set[int]) -> Set[int]:
    """Lines to remove besides ``removed`` so that no paragraph is left as a bare heading.

    A paragraph (lines between blank lines) whose every line is either removed or part of a
    comment at its top loses that comment too, and one blank line next to it, so the file
    keeps single blank lines between paragraphs.
    """
    extra: Set[int] = set()
    nlines = sf.line_count
    line = 1
    while line <= nlines:
        if _blank(sf, line):
            line += 1
            continue
        first = line
        while line <= nlines and not _blank(sf, line):
            line += 1
        last = line - 1
        gone = [n for n in range(first, last + 1) if n in removed]
        if not gone:
            continue
        kept = [n for n in range(first, last + 1) if n not in removed]
        if kept and not (all(_comment_only(sf, n) for n in kept) and max(kept) < min(gone)):
            continue
        start, end = line_span(sf, first, last)
        if not removable(sf, start, end):
            continue
        extra.update(kept)
        if last + 1 <= nlines and _blank(sf, last + 1):
            extra.add(last + 1)
        elif first > 1 and _blank(sf, first - 1):
            extra.add(first - 1)
    return extra


def lines_of(sf: ScannedFile, start: int, end: int) -> range:
    """1-based lines fully covered by ``[start, end)`` (a whole-line span)."""
    first = bisect.bisect_right(sf.line_starts, start)
    last = bisect.bisect_right(sf.line_starts, max(start, end - 1))
    return range(first, last + 1)


def visual_width(text: str) -> int:
    """Display width of ``text`` with tabs every 8 columns."""
    col = 0
    for ch in text:
        col = (col // TAB + 1) * TAB if ch == "\t" else col + 1
    return col


def pad_to(width: int, column: int) -> str:
    """Tabs from ``width`` to ``column`` (at least one tab)."""
    out = "\t"
    width = (width // TAB + 1) * TAB
    while width < column:
        out += "\t"
        width = (width // TAB + 1) * TAB
    return out


def rename_aligned(sf: ScannedFile, off: int, old: str, new: str, item: str) -> Edit:
    """Rename the token at ``off``; when tabs align what follows it (a #define's value, an
    enum's ``=``), keep that column."""
    end = off + len(old)
    m = _SPACE.match(sf.text, end)
    if not m or "\t" not in m.group() or sf.text[m.end() : m.end() + 1] in ("", "\n", "\r"):
        return Edit(off, end, new, item)
    line_start = sf.line_starts[bisect.bisect_right(sf.line_starts, off) - 1]
    column = visual_width(sf.text[line_start : m.end()])
    width = visual_width(sf.text[line_start:off] + new)
    return Edit(off, m.end(), new + pad_to(width, column), item)
