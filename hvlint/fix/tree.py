"""The tree as --fix sees it: exact file snapshots, the arches of every line, and which files
use a name.

A snapshot keeps the bytes a fix is computed from (the writer compares them again before
replacing the file) and says why a file must not be changed, when it must not: a symbolic
link, not UTF-8, or a file the scanner could not follow (unterminated comment or ``#if``).
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from hvlint.checks.context import FileContext
from hvlint.engine import Linter
from hvlint.fix.data import FIX_ARCHES
from hvlint.c.scanner import ScannedFile
from hvlint.tree.walk import MAX_FILE_BYTES, decode, list_files, prefilter, probes, read_capped
from hvlint.c.wordfind import Patterns, find_words, word_patterns

# A name ends where no identifier character follows (``$`` included: GCC allows it in names).
_NAME_END = r"(?![\w$])"


@dataclass
class Snapshot:
    """One file as read for this run."""

    relpath: str
    data: bytes
    text: str
    sf: ScannedFile
    problem: Optional[str]  # why the file cannot be changed; None when it can


def name_patterns(names: Iterable[str]) -> Patterns:
    """Patterns (see hvlint.c.wordfind) for ``names`` as whole identifiers; use with find_names.

    Each starts with a literal, so ``re`` finds candidates with a fast substring search (a
    leading lookbehind would try every offset: 40-70x slower on a large file).
    """
    return word_patterns(tuple(sorted(set(names))), _NAME_END)


def find_names(text: str, patterns: Patterns) -> List[Tuple[str, int]]:
    """(name, offset) of each whole-identifier match of ``patterns`` in ``text``, in text order.

    wordfind's "starts a word" test knows letters, digits and ``_``; a ``$`` before the name
    (part of the identifier for GCC) also rules the match out, as it does after the name.
    """
    return [
        (m.group(1), m.start())
        for m in find_words(text, patterns)
        if m.start() == 0 or text[m.start() - 1] != "$"
    ]


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
        problem: Optional[str] = None
        try:
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                if not stat.S_ISREG(os.stat(path).st_mode):
                    return None  # a link to a directory, a FIFO, ...: nothing to read
                problem = "is a symbolic link (hvlint does not write through links)"
            elif not stat.S_ISREG(st.st_mode):
                return None
            data = read_capped(path)
        except OSError:
            return None
        if len(data) > MAX_FILE_BYTES:
            return None  # the engine does not check it either
        source = decode(data)
        if source.text is None:
            return None  # binary
        text = source.text
        if source.problem is not None:  # not UTF-8: decoded as Latin-1
            problem = problem or "is not UTF-8 (hvlint only rewrites UTF-8 files)"
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
        return self.context(relpath).line_arches(line).intersection(FIX_ARCHES)

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
                    list_files(self.root, "", self.linter.data.suffixes, self.linter.foreign.matches)
                )
            rel_of = dict(self._listing)
            hits = prefilter([Path(p) for p, _ in self._listing], sorted(key))
            self._users[key] = sorted(rel_of[str(p)] for p in hits)
        return self._users[key]

    def _word_index(self, needles: Tuple[str, ...]) -> Dict[str, set]:
        """Identifiers with a prefilter prefix -> the files that hold them (one read per file)."""
        if self._words is None:
            words: Dict[str, set] = {}
            # walk's literal-first probes, extended to the whole word: a pattern that starts
            # with a lookbehind would be tried at every offset of every candidate file.
            regexes = [re.compile(p.pattern + rb"\w*") for p in probes([n.encode() for n in needles])]
            if self._candidates is None:
                self._candidates = self.linter.candidate_files(self.root)
            for path in self._candidates:
                rel = self.linter.relpath(path)
                if self.linter.foreign.matches(rel):
                    continue
                try:
                    data = Path(path).read_bytes()
                except OSError:
                    continue
                for word in _words_in(data, regexes):
                    words.setdefault(word.decode("latin-1"), set()).add(rel)
            self._words = words
        return self._words


def _words_in(data: bytes, regexes: Sequence["re.Pattern[bytes]"]) -> set:
    """The words ``regexes`` find in ``data``, less those right after a ``$`` (part of the
    identifier for GCC; walk's probes only look for letters, digits and ``_`` before)."""
    if b"$" not in data:
        return {w for regex in regexes for w in regex.findall(data)}
    return {
        m.group()
        for regex in regexes
        for m in regex.finditer(data)
        if m.start() == 0 or data[m.start() - 1] != 0x24  # "$"
    }


def make_context(linter: Linter, sf: ScannedFile) -> FileContext:
    """A rule context for ``sf`` as the engine builds it, with the Kconfig arch for any file
    not under an arch (a use in such a file sees the definitions of the arch it is built for)."""
    return linter.file_context(sf, kconfig_for_any=True)


def code_occurrences(sf: ScannedFile, patterns: Patterns) -> List[Tuple[str, int]]:
    """(name, offset) of each whole-identifier match of ``patterns`` (from name_patterns) in
    code (comments and literals excluded)."""
    return find_names(sf.code, patterns)


def comment_occurrences(sf: ScannedFile, patterns: Patterns) -> List[Tuple[str, int]]:
    """(name, offset) of each whole-identifier match of ``patterns`` (from name_patterns)
    inside a comment.

    The whole text is searched once and the matches kept that lie in a comment: a comment
    ends with ``*/``, a newline or the end of the text, so no name runs across its end.
    """
    starts = [s for s, _e in sf.comments]
    out = []
    for name, off in find_names(sf.text, patterns):
        i = bisect.bisect_right(starts, off) - 1
        if i >= 0 and off + len(name) <= sf.comments[i][1]:
            out.append((name, off))
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
