"""Post-images: the text of a file after a patch, and where the patch's added lines sit in it.

A patch is judged by scanning the whole file it produces, then keeping the findings on
added lines. Three ways to get that file, best first:

1. apply the hunks to a known pre-image (the tree's file, or an earlier patch's result),
   like ``patch`` does: context must match, hunks may have moved (offset search);
2. if the tree already holds the patch (a checkout at the series' head), use the tree's
   file as it is, locating each hunk's new side in it;
3. otherwise rebuild what the hunks show: each hunk's new side at its line numbers, blank
   lines between (a "sparse" image: the patch itself is all hvlint knows of the file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from hvlint.gate.patches import AddedLine, Hunk


@dataclass
class Image:
    """A file's lines and whether they are the real file (False: rebuilt from hunks)."""

    lines: List[str]
    exact: bool = True
    missing_newline: bool = False

    def text(self) -> str:
        """The file's text."""
        if not self.lines:
            return ""
        return "\n".join(self.lines) + ("" if self.missing_newline else "\n")


@dataclass
class PostImage:
    """A file after a patch, and which of its lines the patch added."""

    image: Image
    # 1-based line of the post-image -> the added line of the patch that put it there
    added: Dict[int, AddedLine] = field(default_factory=dict)
    how: str = "applied"  # applied, in-tree, sparse, given
    # What the symbol index should see for this file, when not ``image`` itself.
    index_image: Optional[Image] = None

    @property
    def overlay(self) -> Image:
        """The image later patches build on and the index reads."""
        return self.index_image or self.image


def split_lines(text: str) -> Image:
    """An exact Image of ``text`` (split on ``\\n`` only, as line numbers count)."""
    if text == "":
        return Image([], True)
    missing = not text.endswith("\n")
    lines = text.split("\n")
    if not missing:
        lines.pop()
    return Image(lines, True, missing)


def _find(haystack: List[str], needle: List[str], want: int, lowest: int) -> Optional[int]:
    """The start index nearest ``want`` (and >= ``lowest``) where ``needle`` occurs."""
    n = len(needle)
    top = len(haystack) - n
    if top < lowest:
        return None
    want = min(max(want, lowest), top)
    if not needle:
        return want
    first = needle[0]
    for delta in range(max(want - lowest, top - want) + 1):
        for pos in (want - delta, want + delta) if delta else (want,):
            if (
                lowest <= pos <= top
                and haystack[pos] == first
                and haystack[pos : pos + n] == needle
            ):
                return pos
    return None


def locate(haystack: List[str], needle: List[str], near: int) -> Optional[int]:
    """The 0-based index nearest ``near`` where the lines ``needle`` occur in ``haystack``."""
    return _find(haystack, needle, near, 0)


def _start(count: int, start: int) -> int:
    """0-based index where a hunk side begins (``-5,0`` inserts after line 5)."""
    return start - 1 if count else start


def apply(pre: Image, hunks: Sequence[Hunk]) -> Optional[PostImage]:
    """Apply ``hunks`` to an exact pre-image, in place; None (``pre`` untouched) when a
    hunk's context is not found.

    Every hunk is located first and the file is changed only when all are, so a series of
    many patches on one file costs a splice per hunk, not a copy of the file per patch.
    """
    places: List[int] = []
    pos = 0
    offset = 0
    for hunk in hunks:
        old = hunk.old_lines()
        at = _find(pre.lines, old, _start(hunk.old_count, hunk.old_start) + offset, pos)
        if at is None:
            return None
        offset = at - _start(hunk.old_count, hunk.old_start)
        places.append(at)
        pos = at + len(old)
    return _splice(pre, hunks, places, "applied")


def _splice(image: Image, hunks: Sequence[Hunk], places: Sequence[int], how: str) -> PostImage:
    """Replace each hunk's old side, at its place in ``image``, by its new side (in place)."""
    lines = image.lines
    added: Dict[int, AddedLine] = {}
    delta = 0
    for hunk, at in zip(hunks, places):
        at += delta
        old_len = len(hunk.old_lines())
        if len(lines) < at + old_len:  # a rebuilt image does not know the lines past its end
            lines.extend([""] * (at + old_len - len(lines)))
        new = hunk.new_lines()
        lines[at : at + old_len] = new
        _mark_added(hunk, at, added)
        if at + len(new) >= len(lines):
            image.missing_newline = hunk.new_missing_newline
        delta += len(new) - old_len
    return PostImage(image, added, how)


def _mark_added(hunk: Hunk, at: int, added: Dict[int, AddedLine]) -> None:
    """Record the post-image line (1-based) of each added line of a hunk placed at ``at``."""
    line = at
    adds = iter(hunk.added)
    for tag, _text in hunk.lines:
        if tag == "-":
            continue
        line += 1
        if tag == "+":
            added[line] = next(adds)


def in_tree(tree: Image, hunks: Sequence[Hunk]) -> Optional[PostImage]:
    """Locate each hunk's new side in a tree file that already holds the patch."""
    added: Dict[int, AddedLine] = {}
    pos = 0
    offset = 0
    for hunk in hunks:
        if not hunk.added:
            continue
        new = hunk.new_lines()
        at = _find(tree.lines, new, _start(hunk.new_count, hunk.new_start) + offset, pos)
        if at is None:
            return None
        offset = at - _start(hunk.new_count, hunk.new_start)
        _mark_added(hunk, at, added)
        pos = at + len(new)
    return PostImage(tree, added, "in-tree")


def sparse(pre: Image, hunks: Sequence[Hunk]) -> PostImage:
    """Trust the line numbers: replace each hunk's old range in ``pre`` by its new side.

    ``pre`` (changed in place, and no longer exact) is usually an earlier rebuilt image or
    an empty one; lines it does not know are blank.
    """
    pre.exact = False
    places = [_start(hunk.old_count, hunk.old_start) for hunk in hunks]
    return _splice(pre, hunks, places, "sparse")


def build(pre: Optional[Image], hunks: Sequence[Hunk]) -> PostImage:
    """The post-image of ``hunks`` over ``pre`` (None: the file is not known), best way first.

    When an exact pre-image does not fit the hunks (the tree is another version), the
    patch is judged on what its hunks show alone, and the rest of the file stays known to
    the index through ``index_image``, the hunks laid over the pre-image by line number.
    """
    if pre is not None and pre.exact:
        result = apply(pre, hunks) or in_tree(pre, hunks)
        if result is not None:
            return result
        result = sparse(Image([], False), hunks)
        result.index_image = sparse(pre, hunks).image
        return result
    return sparse(pre if pre is not None else Image([], False), hunks)


def given(text: str, hunks: Sequence[Hunk]) -> PostImage:
    """A post-image read from elsewhere (a git blob): the hunks' numbers are exact in it."""
    added = {a.line: a for h in hunks for a in h.added}
    return PostImage(split_lines(text), added, "given")
