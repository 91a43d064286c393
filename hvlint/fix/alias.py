"""Write new synthetic alias definitions into an arch header, the way the header is written.

Next to existing aliases, a new one copies their layout (``#define`` separator, value column,
parentheses) and goes in register-table order. A header with no alias yet gets a block of
its own after the run of ``#define`` lines that defines the registers the aliases name,
under a one-line comment (rules/fix.toml), values aligned on the next tab stop.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from hvlint.fix.edit import TAB, Edit, line_span, pad_to, visual_width
from hvlint.c.scanner import Define, ScannedFile

_DEFINE_LINE = re.compile(r"^([ \t]*#[ \t]*define)([ \t]+)([A-Za-z_]\w*)([ \t]+)(\S.*?)\s*$")


@dataclass(frozen=True)
class NewAlias:
    """``#define name value`` to add; ``order`` is the register's place in rules/registers.toml."""

    name: str
    target: str
    order: int
    item: str


@dataclass(frozen=True)
class Layout:
    """How a header writes a ``#define``."""

    keyword: str  # "#define"
    sep: str  # between the keyword and the name
    column: int  # visual column (0-based) where values start
    value: str  # template with {target}
    newline: str


def _line_layout(sf: ScannedFile, line: int) -> Optional[Layout]:
    raw = sf.line_text(line)
    m = _DEFINE_LINE.match(raw)
    if not m:
        return None
    column = visual_width(raw[: m.start(5)])
    value = m.group(5).split("/*")[0].strip()
    parens = value.startswith("(") and value.endswith(")")
    return Layout(
        m.group(1), m.group(2), column, "({target})" if parens else "{target}", _newline(sf, line)
    )


def _newline(sf: ScannedFile, line: int) -> str:
    end = sf.line_starts[line] - 1 if line < len(sf.line_starts) else len(sf.text)
    return "\r\n" if end > 0 and sf.text[end - 1 : end] == "\r" else "\n"


def format_line(alias: NewAlias, layout: Layout) -> str:
    """One ``#define`` line in ``layout``."""
    head = f"{layout.keyword}{layout.sep}{alias.name}"
    return (
        head
        + pad_to(visual_width(head), layout.column)
        + layout.value.format(target=alias.target)
        + layout.newline
    )


def _block_layout(sf: ScannedFile, aliases: Sequence[NewAlias], value_template: str) -> Layout:
    """Layout of a new block: the file's usual separator, values on the tab stop after the
    longest name."""
    seps: Counter = Counter()
    newline = "\r\n" if sf.text.count("\r\n") * 2 > sf.text.count("\n") else "\n"
    for d in sf.defines:
        lay = _line_layout(sf, d.line)
        if lay is not None:
            seps[lay.sep] += 1
    sep = seps.most_common(1)[0][0] if seps else " "
    widest = max(visual_width(f"#define{sep}{a.name}") for a in aliases)
    return Layout("#define", sep, ((widest // TAB) + 1) * TAB, value_template, newline)


def _run_end(
    sf: ScannedFile, line: int, removed: Set[int], is_define: Callable[[int], bool]
) -> int:
    """Last line of the run of #define lines (and their continuations) containing ``line``."""
    end = line
    while end < sf.line_count:
        nxt = end + 1
        if sf.line_text(end).rstrip().endswith("\\") or nxt in removed or is_define(nxt):
            end = nxt
            continue
        break
    while end in removed and end > line:
        end -= 1
    return end


def merge_edits(
    sf: ScannedFile,
    aliases: Sequence[NewAlias],
    existing: Sequence[Tuple[Define, int]],
    value_template: str,
) -> List[Edit]:
    """Insert ``aliases`` among ``existing`` (define, table order) aliases, in table order."""
    by_anchor: Dict[int, List[NewAlias]] = {}
    layouts: Dict[int, Layout] = {}
    first = min(existing, key=lambda e: e[0].line)[0]
    for alias in sorted(aliases, key=lambda a: (a.order, a.name)):
        before = [e for e in existing if e[1] < alias.order]
        if before:
            anchor = max(before, key=lambda e: (e[1], e[0].line))[0]
            pos = line_span(sf, anchor.line, _logical_end(sf, anchor))[1]
        else:
            anchor = first
            pos = sf.line_starts[first.line - 1]
        by_anchor.setdefault(pos, []).append(alias)
        layouts[pos] = _line_layout(sf, anchor.line) or _block_layout(sf, aliases, value_template)
    edits = []
    for pos, group in sorted(by_anchor.items()):
        text = "".join(format_line(a, layouts[pos]) for a in group)
        edits.append(Edit(pos, pos, text, group[0].item))
    return edits


def _logical_end(sf: ScannedFile, d: Define) -> int:
    return sf.position(max(d.body_start, d.body_end - 1))[0]


def block_edit(
    sf: ScannedFile,
    aliases: Sequence[NewAlias],
    anchor_lines: Sequence[int],
    removed: Set[int],
    comment: str,
    value_template: str,
    item: str,
) -> Edit:
    """One new block of ``aliases`` after the run of defines holding the last anchor line."""
    define_lines = {d.line for d in sf.defines}
    layout = _block_layout(sf, aliases, value_template)
    nl = layout.newline
    lines = [format_line(a, layout) for a in sorted(aliases, key=lambda a: (a.order, a.name))]
    body = comment + nl + "".join(lines)
    if anchor_lines:
        end = _run_end(sf, max(anchor_lines), removed, lambda n: n in define_lines)
        pos = line_span(sf, end, end)[1]
        if not sf.text[:pos].endswith("\n"):
            return Edit(pos, pos, nl + nl + body, item)
        after_blank = end + 1 > sf.line_count or not sf.line_text(end + 1).strip()
        return Edit(pos, pos, nl + body + ("" if after_blank else nl), item)
    guard_end = _include_guard_end(sf)
    if guard_end:
        pos = sf.line_starts[guard_end - 1]
        before_blank = guard_end > 1 and not sf.line_text(guard_end - 1).strip()
        return Edit(pos, pos, ("" if before_blank else nl) + body + nl, item)
    pos = len(sf.text)
    lead = "" if sf.text.endswith("\n") else nl
    return Edit(pos, pos, lead + nl + body, item)


def _include_guard_end(sf: ScannedFile) -> int:
    """Line of the file's final ``#endif`` when nothing but blank lines follows it."""
    if not sf.directives or sf.directives[-1].kind != "endif":
        return 0
    last = sf.directives[-1]
    rest = sf.line_starts[last.end_line] if last.end_line < len(sf.line_starts) else len(sf.text)
    return last.line if not sf.code[rest:].strip() else 0
