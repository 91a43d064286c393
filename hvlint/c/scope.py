"""Whether a word of a scanned file is a use of a file-scope name, or something that only
looks like one: a struct/union member (after ``.``/``->``, a designated initializer, a field
declaration), a parameter or local variable of the function around it, a macro parameter, a
label. The questions are asked only for the few words that could be findings, so the file's
structure (function bodies, struct bodies) is worked out on first use.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import FrozenSet, List, Optional, Tuple

from hvlint.c.scanner import ScannedFile

_AGGREGATE_HEAD = re.compile(r"\b(?:struct|union)\b[\s\w()]*\Z")
_FIELD_TAIL = re.compile(r"\s*(?:[;,\[:]|\)\s*\()")
_LABEL_TAIL = re.compile(r"\s*:(?!:)")
_BEFORE = re.compile(r"\s*(>-|[.;{}?]|\w+)")  # matched on the reversed text before a word ("->" reversed)
_POINTER = re.compile(r"\s*\*")
# Words that start a statement but never a declaration's type.
_NOT_TYPES = frozenset(
    "return goto case default else do if while for switch sizeof typeof __typeof__ break continue".split()
)


class Scope:
    """The structure of one file, for telling uses of global names from look-alikes."""

    def __init__(self, sf: ScannedFile) -> None:
        self.sf = sf
        self.body = sf.body

    @functools.cached_property
    def _functions(self) -> List[Tuple[int, int, int, int]]:
        """(params open, params close, body open, body close) of every function definition."""
        pairs = self.sf.bracket_pairs
        opener = {c: o for o, c in pairs.items()}
        out = []
        end = -1
        for open_at in sorted(o for o in pairs if self.body[o] == "{"):
            if open_at < end:
                continue  # nested in the block before
            close = pairs[open_at]
            end = close
            head = self.body[max(0, open_at - 400):open_at].rstrip()
            if not head.endswith(")"):
                continue
            close_paren = open_at - (len(self.body[max(0, open_at - 400):open_at]) - len(head)) - 1
            params_open = opener.get(close_paren, -1)
            if params_open >= 0:
                out.append((params_open, close_paren, open_at, close))
        return out

    @functools.cached_property
    def _function_starts(self) -> List[int]:
        return [f[0] for f in self._functions]

    @functools.cached_property
    def _aggregates(self) -> List[Tuple[int, int]]:
        """(open, close) of every struct or union body."""
        pairs = self.sf.bracket_pairs
        return sorted(
            (o, c)
            for o, c in pairs.items()
            if self.body[o] == "{" and _AGGREGATE_HEAD.search(self.body[max(0, o - 120):o])
        )

    @functools.cached_property
    def _define_spans(self) -> List[Tuple[int, int, Tuple[str, ...]]]:
        return [(d.body_start, d.body_end, d.params or ()) for d in self.sf.defines]

    def in_define(self, offset: int) -> Optional[Tuple[str, ...]]:
        """The parameters of the #define whose body holds ``offset`` (None: not in one)."""
        spans = self._define_spans
        i = bisect.bisect_right(spans, (offset, len(self.body) + 1, ())) - 1
        if i >= 0 and spans[i][0] <= offset < spans[i][1]:
            return spans[i][2]
        return None

    def _function_at(self, offset: int) -> Optional[Tuple[int, int, int, int]]:
        i = bisect.bisect_right(self._function_starts, offset) - 1
        if i >= 0:
            f = self._functions[i]
            if f[0] <= offset <= f[3]:
                return f
        return None

    def previous_token(self, offset: int) -> str:
        """The token just before ``offset`` ("" at the start)."""
        before = self.body[max(0, offset - 80):offset][::-1]
        m = _BEFORE.match(before)
        return m.group(1)[::-1] if m else ""

    def is_tag_pointer(self, end: int) -> bool:
        """Whether ``struct x`` ending at ``end`` is followed by ``*`` (a pointer needs no body)."""
        return bool(_POINTER.match(self.body, end))

    def is_global_use(self, name: str, offset: int, own: FrozenSet[str]) -> bool:
        """Whether the word ``name`` at ``offset`` refers to a file-scope name declared
        elsewhere (not a member, local, parameter, label, or a name of ``own``, the names
        this file declares itself)."""
        if name in own:
            return False
        prev = self.previous_token(offset)
        if prev in (".", "->", "goto", "struct", "union", "enum"):
            return False
        end = offset + len(name)
        if prev in (";", "{", "}") and _LABEL_TAIL.match(self.body, end):
            return False
        for o, c in self._aggregates:
            if o > offset:
                break
            if offset < c and _FIELD_TAIL.match(self.body, end):
                return False
        fn = self._function_at(offset)
        if fn is not None and _declared_in(self.body, name, fn):
            return False
        return True


def _declared_in(body: str, name: str, fn: Tuple[int, int, int, int]) -> bool:
    """Whether ``name`` is a parameter or a local variable of the function ``fn``."""
    params_open, params_close, body_open, body_close = fn
    word = re.escape(name)
    if re.search(rf"[\w*\s]\b{word}\s*(?:\[[^\]]*\]\s*)*(?:[,)]|\Z)", body[params_open + 1:params_close] + ")"):
        if re.search(rf"\w[\s*]+{word}\b|\(\s*\*\s*{word}\b", body[params_open + 1:params_close]):
            return True
    pattern = re.compile(
        rf"(?:^|[;{{}}(])\s*(?:(?:const|static|volatile|register|struct|union|enum|unsigned|signed)\s+)*"
        rf"([A-Za-z_]\w*)(?:\s*\*+\s*|\s+)(?:const\s+)?{word}\s*(?:[=;,\[)]|\Z)",
        re.M,
    )
    for m in pattern.finditer(body, body_open, body_close):
        if m.group(1) not in _NOT_TYPES:
            return True
    return False
