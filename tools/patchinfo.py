"""What a unified diff says about the tree it changes: its files, the identifiers it removes
and adds, and where each old line of a file lands after it (to tell a moved ``__LINE__``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
IDENT = re.compile(r"\b[A-Za-z_]\w*\b")


def _path(header: str) -> Optional[str]:
    """``a/drivers/hv/hv.c`` -> ``drivers/hv/hv.c``; None for ``/dev/null``."""
    name = header.split("\t", 1)[0].strip()
    if name == "/dev/null":
        return None
    return name.split("/", 1)[1] if "/" in name else name


@dataclass
class FilePatch:
    """One file's hunks: (old start, old count, new start, new count)."""

    old: Optional[str]
    new: Optional[str]
    hunks: List[Tuple[int, int, int, int]] = field(default_factory=list)
    context: Dict[int, int] = field(default_factory=dict)  # old line -> new line, in hunks

    def moved_line(self, line: int) -> Optional[int]:
        """Where old line ``line`` is after the patch; None when the patch removed it."""
        if line in self.context:
            return self.context[line]
        shift = 0
        for old_start, old_count, new_start, new_count in self.hunks:
            first = old_start if old_count else old_start + 1  # "-10,0": added after line 10
            if line < first:
                break
            if line < first + old_count:
                return None  # removed by this hunk
            shift = (new_start + new_count) - (first + old_count) + (0 if new_count else 1)
        return line + shift


@dataclass
class PatchInfo:
    """The parsed patch."""

    files: List[FilePatch] = field(default_factory=list)
    removed: Set[str] = field(default_factory=set)
    added: Set[str] = field(default_factory=set)

    def paths(self) -> List[str]:
        """Every path the patch touches, old or new name, once each."""
        seen: Dict[str, None] = {}
        for item in self.files:
            for name in (item.old, item.new):
                if name:
                    seen.setdefault(name, None)
        return list(seen)

    def line_moved(self, before: int, after: int) -> bool:
        """True when some patched file's line ``before`` is line ``after`` once patched."""
        return before != after and any(f.moved_line(before) == after for f in self.files)


def parse(text: str) -> PatchInfo:
    """Read a unified diff (``diff -u``, ``git diff``, ``hvlint --diff`` output)."""
    info = PatchInfo()
    current: Optional[FilePatch] = None
    old_line = new_line = 0
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("--- ") and number + 1 < len(lines) and lines[number + 1].startswith("+++ "):
            current = FilePatch(_path(line[4:]), _path(lines[number + 1][4:]))
            info.files.append(current)
            continue
        if line.startswith("+++ "):
            continue
        match = HUNK.match(line)
        if match and current is not None:
            old_start, old_count, new_start, new_count = match.groups()
            hunk = (int(old_start), int(old_count or 1), int(new_start), int(new_count or 1))
            current.hunks.append(hunk)
            old_line, new_line = hunk[0], hunk[2]
        elif line.startswith("-"):
            info.removed.update(IDENT.findall(line[1:]))
            old_line += 1
        elif line.startswith("+"):
            info.added.update(IDENT.findall(line[1:]))
            new_line += 1
        elif line.startswith(" ") and current is not None:
            current.context[old_line] = new_line
            old_line += 1
            new_line += 1
    return info
