"""Blank comments and literal contents while keeping every offset, line and column.

The result has the same length as the input: comment characters become spaces (newlines
stay), string and char literals keep their quotes but lose their contents. Every scan after
this works on code only, so a name in a comment or a string never produces a finding.
Linear in the input, whatever it holds (unterminated comments and strings included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Tuple

_STRING = re.compile(r'"(?:[^"\\\n]|\\(?:.|\n))*"?')
_CHAR = re.compile(r"'(?:[^'\\\n]|\\(?:.|\n))*'?")
# A // comment runs to the end of the line, continued by a trailing backslash.
_LINE_COMMENT = re.compile(r"//(?:[^\n\\]|\\(?:.|\n)?)*")


def blank_keep_newlines(segment: str) -> str:
    """``segment`` with every character but newlines turned into a space."""
    if "\n" not in segment:
        return " " * len(segment)
    return "\n".join(" " * len(part) for part in segment.split("\n"))


@dataclass(frozen=True)
class Blanked:
    """Code with comments and literal contents blanked, plus where the comments were."""

    code: str
    comments: Tuple[Tuple[int, int], ...]  # (start, end) offsets
    unterminated_comment_at: int  # offset of an unterminated /* comment, or -1


def blank(text: str) -> Blanked:
    """Blank comments and literal contents of C source ``text``."""
    pieces: List[str] = []
    comments: List[Tuple[int, int]] = []
    unterminated = -1
    pos = 0
    n = len(text)
    find = text.find
    # The next "/", '"' and "'" at or after pos, each found by a C-speed substring search
    # (a regex for all three would test every character in Python's regex engine).
    slash, dquote, squote = find("/"), find('"'), find("'")
    while True:
        while slash >= 0 and (slash < pos or text[slash + 1 : slash + 2] not in ("/", "*")):
            slash = find("/", max(pos, slash + 1))  # division, or behind us: the next one
        if 0 <= dquote < pos:
            dquote = find('"', pos)
        if 0 <= squote < pos:
            squote = find("'", pos)
        start = min((at for at in (slash, dquote, squote) if at >= 0), default=-1)
        if start < 0:
            break
        pieces.append(text[pos:start])
        tok = text[start : start + 2] if start == slash else text[start]
        if tok == "/*":
            end = find("*/", start + 2)
            if end < 0:
                end = n
                unterminated = start
            else:
                end += 2
            pieces.append(blank_keep_newlines(text[start:end]))
            comments.append((start, end))
        elif tok == "//":
            end = _LINE_COMMENT.match(text, start).end()
            pieces.append(blank_keep_newlines(text[start:end]))
            comments.append((start, end))
        else:
            lit = (_STRING if tok == '"' else _CHAR).match(text, start)
            end = lit.end()
            body = text[start + 1 : end]
            closed = len(body) > 0 and body.endswith(tok) and end - start > 1
            if closed:
                pieces.append(tok + blank_keep_newlines(body[:-1]) + tok)
            else:
                pieces.append(tok + blank_keep_newlines(body))
        pos = end
    pieces.append(text[pos:])
    return Blanked(code="".join(pieces), comments=tuple(comments), unterminated_comment_at=unterminated)
