"""The tree as --fix sees it: exact file snapshots, the arches of every line, and which files
use a name.

A snapshot keeps the bytes a fix is computed from (the writer compares them again before
replacing the file) and says why a file must not be changed, when it must not: a symbolic
link, not UTF-8, or a file the scanner could not follow (unterminated comment or ``#if``).
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from hvlint.checks.context import FileContext
from hvlint.engine import Linter
from hvlint.paths import GlobSet
from hvlint.scanner import ScannedFile
from hvlint.walk import list_files, prefilter

PAIR = frozenset({"x86", "arm64"})


@dataclass
class Snapshot:
    """One file as read for this run."""

    relpath: str
    data: bytes
    text: str
    sf: ScannedFile
    problem: Optional[str]  # why the file cannot be changed; None when it can


def name_pattern(names: Iterable[str]) -> "re.Pattern[str]":
    """A regex matching any of ``names`` as a whole identifier."""
    alts = "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))
    return re.compile(r"(?<![\w$])(?:" + alts + r")(?![\w$])")


class TreeFiles:
    """Snapshots, line arches and name users of the tree under ``linter.root``."""

    def __init__(self, linter: Linter, candidates: Optional[Sequence[Path]] = None) -> None:
        """``candidates``: the root's candidate files when the caller already walked the tree."""
        assert linter.root is not None
        self._candidates = list(candidates) if candidates is not None else None
        self.linter = linter
        self.root: Path = linter.root
        self._snaps: Dict[str, Optional[Snapshot]] = {}
        self._contexts: Dict[str, FileContext] = {}
        self._listing: Optional[List[Tuple[str, str]]] = None
        self._users: Dict[FrozenSet[str], List[str]] = {}
        self._words: Optional[Dict[str, set]] = None
        self._skip = GlobSet(
            tuple(linter.classifier.sets["exclude"].patterns) + tuple(linter.data.index_exclude)
        )

    # -- files ------------------------------------------------------------------------

    def snapshot(self, relpath: str) -> Optional[Snapshot]:
        """The file ``relpath`` as read now (None when it does not exist or cannot be read)."""
        if relpath not in self._snaps:
            self._snaps[relpath] = self._read(relpath)
        return self._snaps[relpath]

    def _read(self, relpath: str) -> Optional[Snapshot]:
        path = self.root / relpath
        if Path(relpath).is_absolute() or ".." in relpath.split("/"):
            return None  # the engine names files outside the tree by their absolute path
        try:
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                data, problem = (
                    path.read_bytes(),
                    "is a symbolic link (hvlint does not write through links)",
                )
            elif not stat.S_ISREG(st.st_mode):
                return None
            else:
                data, problem = path.read_bytes(), None
        except OSError:
            return None
        if b"\0" in data:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text, problem = (
                data.decode("latin-1"),
                problem or "is not UTF-8 (hvlint only rewrites UTF-8 files)",
            )
        earlier = self.linter.scanned(relpath)
        if earlier is not None and earlier.text != text and problem is None:
            problem = "changed on disk while hvlint was reading the tree"
        sf = self.linter.scan_text(relpath, text)
        if sf.problems and problem is None:
            problem = f"cannot be followed safely ({sf.problems[0]})"
        return Snapshot(relpath, data, text, sf, problem)

    def context(self, relpath: str) -> FileContext:
        """What the rules know about the file: class, Kconfig arch, #if stack."""
        ctx = self._contexts.get(relpath)
        snap = self.snapshot(relpath)
        if ctx is None or (snap is not None and ctx.file is not snap.sf):
            ctx = make_context(self.linter, snap.sf if snap else self.linter.scanned(relpath))
            self._contexts[relpath] = ctx
        return ctx

    def arches(self, relpath: str, line: int) -> FrozenSet[str]:
        """x86 and/or arm64: the arches for which ``line`` of the file is compiled."""
        return self.context(relpath).line_arches(line) & PAIR

    # -- who uses a name ------------------------------------------------------------------

    def users(self, names: Iterable[str]) -> List[str]:
        """Root-relative paths of C files whose bytes mention one of ``names``.

        Excluded paths (rules/paths.toml) and the index's excluded trees (tools/, which
        carries its own copies of the headers) are not part of the kernel's namespace.
        Names with a prefilter prefix (HV_, hv_, ...: all that --fix asks about) are looked
        up in a word list read once; others cost a byte search of the tree.
        """
        key = frozenset(names)
        if not key:
            return []
        needles = tuple(self.linter.data.prefilter)
        if all(n.startswith(needles) for n in key):
            words = self._word_index(needles)
            return sorted(set().union(*(words.get(n, ()) for n in key)))
        if key not in self._users:
            if self._listing is None:
                self._listing = sorted(
                    list_files(self.root, "", self.linter.data.suffixes, self._skip.matches)
                )
            rel_of = dict(self._listing)
            hits = prefilter([Path(p) for p, _ in self._listing], sorted(key))
            self._users[key] = sorted(rel_of[str(p)] for p in hits)
        return self._users[key]

    def _word_index(self, needles: Tuple[str, ...]) -> Dict[str, set]:
        """Identifiers with a prefilter prefix -> the files that hold them (one read per file)."""
        if self._words is None:
            words: Dict[str, set] = {}
            alts = b"|".join(re.escape(n.encode()) for n in needles)
            regex = re.compile(rb"(?<![\w$])(?:" + alts + rb")\w*")
            if self._candidates is None:
                self._candidates = self.linter.candidate_files(self.root)
            for path in self._candidates:
                rel = self.linter.relpath(path)
                if self._skip.matches(rel):
                    continue
                try:
                    data = Path(path).read_bytes()
                except OSError:
                    continue
                for word in set(regex.findall(data)):
                    words.setdefault(word.decode("latin-1"), set()).add(rel)
            self._words = words
        return self._words


def make_context(linter: Linter, sf: ScannedFile) -> FileContext:
    """A rule context for ``sf`` as the engine builds it (Kconfig arch for any non-arch file)."""
    cls = linter.path_class(sf.path)
    build = linter.build_arch(sf.path) if cls not in ("x86", "arm64") else None
    return FileContext(
        file=sf,
        path_class=cls,
        build_arch=build,
        index=linter.index,
        resolver=linter.resolver,
        scheme=linter.data.schemes[linter.scheme.name],
        data=linter.data,
        strict=False,
        arch_symbols=linter.arch_symbols,
    )


def code_occurrences(sf: ScannedFile, pattern: "re.Pattern[str]") -> List[Tuple[str, int]]:
    """(name, offset) of each match in code (comments and literals excluded)."""
    return [(m.group(), m.start()) for m in pattern.finditer(sf.code)]


def comment_occurrences(sf: ScannedFile, pattern: "re.Pattern[str]") -> List[Tuple[str, int]]:
    """(name, offset) of each match inside a comment."""
    out = []
    for start, end in sf.comments:
        out += [(m.group(), m.start()) for m in pattern.finditer(sf.text, start, end)]
    return out


def msr_argument_spans(
    sf: ScannedFile, accessors: Sequence[str], arg_of: Dict[str, int]
) -> List[Tuple[int, int]]:
    """Offsets of the MSR-number argument of every x86 MSR accessor call."""
    spans = []
    for call in sf.calls(accessors):
        idx = arg_of.get(call.name, 0)
        if not call.declaration and idx < len(call.args):
            spans.append((call.args[idx].start, call.args[idx].end))
    return spans
