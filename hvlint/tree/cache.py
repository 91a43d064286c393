"""A cache, kept between runs, of what hvlint learns from a tree that seldom changes.

Building the symbol index (the Hyper-V headers) and finding the tree's Kconfig files cost
more than judging a 30-patch series. Both are stored per tree in the user's cache folder
(``$HVLINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/hvlint``, else ``~/.cache/hvlint``) and
never in the tree. Every entry carries its file's stat signature (size, mtime, ctime,
inode) and is used only while the file still has it; files changed in the last two
seconds are not stored, since a second change in the same clock tick would not show.
The whole cache is keyed by the tree, hvlint's own code and rules/, and the settings that
shape the index, so a change to any of them starts afresh. A cache that cannot be read or
written is ignored: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from hvlint.tree.index import Definition

FORMAT = 2  # 2: Kconfig entries with prompts, defaults, selects; files per arch
# A file modified this recently may change again within the same timestamp tick.
_SETTLE_NS = 2_000_000_000
DISABLE_ENV = "HVLINT_NO_CACHE"
DIR_ENV = "HVLINT_CACHE_DIR"

Signature = List[int]


def cache_dir() -> Path:
    """Where caches live: $HVLINT_CACHE_DIR, $XDG_CACHE_HOME/hvlint or ~/.cache/hvlint."""
    given = os.environ.get(DIR_ENV)
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "hvlint"


def signature(path: str) -> Optional[Signature]:
    """The stat signature of a file, or None when it is missing or too fresh to trust."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if time.time_ns() - st.st_mtime_ns < _SETTLE_NS:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _code_stamp(package: Path) -> List[list]:
    """Names and stat signatures of hvlint's own modules (an edit makes a new cache)."""
    stamp = []
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                st = os.stat(os.path.join(dirpath, name))
                stamp.append([os.path.join(dirpath, name), st.st_size, st.st_mtime_ns])
    return stamp


def index_entry(sig: Signature, hit: bool, defs: Sequence[Definition], evidence: Counter) -> list:
    """The cache entry of one indexed file: [signature, named Hyper-V things, definitions,
    scheme evidence]."""
    return [
        sig,
        hit,
        [[d.name, d.line, d.column, d.kind, d.value, sorted(d.arches)] for d in defs],
        [[scheme, what, count] for (scheme, what), count in evidence.items()],
    ]


def read_index_entry(relpath: str, entry: object, sig: Signature) -> Optional[Tuple[bool, List[Definition], Counter]]:
    """(named Hyper-V things, definitions, scheme evidence) from a cache entry, or None when
    the entry is missing, of another shape, or for a file that no longer has ``sig``."""
    if not (isinstance(entry, list) and len(entry) == 4 and entry[0] == sig):
        return None
    _sig, hit, defs, evidence = entry
    try:
        restored = [Definition(n, relpath, line, col, kind, value, frozenset(arches)) for n, line, col, kind, value, arches in defs]
        counts = Counter({(scheme, what): count for scheme, what, count in evidence})
    except (TypeError, ValueError):
        return None
    return bool(hit), restored, counts


def _digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


class TreeCache:
    """One tree's cache file: named sections of JSON data, saved atomically when changed.

    The file is a header line (the key and a digest of the rest) and the sections as JSON;
    a file whose digest does not match is not used.
    """

    def __init__(self, file: Path, key: str) -> None:
        self.file = file
        self.key = key
        self._sections: Dict[str, dict] = {}
        self._dirty = False
        self.loaded = False  # whether a stored cache matched (for -v)
        self.written = False
        self._read()

    def _read(self) -> None:
        """Load the sections when the header line names this key and the body's digest."""
        try:
            with open(self.file, "rb") as fh:
                header, _, body = fh.read().partition(b"\n")
            stored = json.loads(header)
            if not (isinstance(stored, dict) and stored.get("key") == self.key):
                return
            if stored.get("digest") != _digest(body):
                return  # cut short or changed by something else: start afresh
            sections = json.loads(body)
        except (OSError, ValueError):
            return
        if isinstance(sections, dict):
            self._sections = sections
            self.loaded = True

    def describe(self) -> str:
        """Where the cache is and what this run did with it, for -v."""
        done = ("read" if self.loaded else "nothing usable stored") + (", updated" if self.written else "")
        return f"{self.file} ({done})"

    def section(self, name: str) -> dict:
        """The stored data of one user of the cache (an empty dict when there is none)."""
        found = self._sections.get(name)
        return found if isinstance(found, dict) else {}

    def store(self, name: str, data: dict) -> None:
        """Replace a section; written out by :meth:`save`."""
        self._sections[name] = data
        self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed (atomically; failures are ignored)."""
        if not self._dirty:
            return
        self._dirty = False
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".tmp-", suffix=".json")
            try:
                # dumps, not dump: only the one-shot encoder is the fast C one
                body = json.dumps(self._sections, separators=(",", ":")).encode("utf-8")
                header = json.dumps({"key": self.key, "digest": _digest(body)}).encode("utf-8")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(header + b"\n" + body)
                os.replace(tmp, self.file)
                self.written = True
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass


def open_for(root: Path, shaping: object) -> Optional[TreeCache]:
    """The cache of the tree at ``root`` (None when caching is off or would land in the tree).

    ``shaping`` is anything whose ``repr`` changes when what the cache holds would: the
    rules data and the settings that decide what the index holds.
    """
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return None
    root = root.resolve()
    try:
        resolved = cache_dir().resolve()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    if resolved == root or root in resolved.parents:
        return None  # hvlint never writes into the tree it checks
    code = _code_stamp(Path(__file__).resolve().parent.parent)  # all of hvlint, not just tree/
    key = hashlib.blake2b(
        json.dumps([FORMAT, str(root), code, repr(shaping)]).encode("utf-8", "surrogateescape"),
        digest_size=16,
    ).hexdigest()
    name = hashlib.blake2b(str(root).encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
    return TreeCache(resolved / f"tree-{name}.json", key)
