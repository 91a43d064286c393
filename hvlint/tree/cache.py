"""A cache, kept between runs, of what hvlint learns from a tree that seldom changes.

What it holds per tree: per-file products (the byte prefilter's verdict of every C file, each
scanned file's definitions and scheme evidence, a file's findings) and whole-tree sections
(the Kconfig map). It lives in the user's cache folder (``$HVLINT_CACHE_DIR``, else
``$XDG_CACHE_HOME/hvlint``, else ``~/.cache/hvlint``), never in the tree, one file per tree.

Every per-file entry carries its file's stat signature (size, mtime, ctime, inode) and is used
only while the file still has it; files changed in the last two seconds are not stored, since
a second change in the same clock tick would not show. The whole file is keyed by the tree,
hvlint's own code and rules/, and the settings that shape what it holds, so a change to any of
them starts afresh. A cache that cannot be read or written is ignored: it only saves time.

The file is one header line (the key, and per section its offset, length and digest) and the
sections' JSON one after the other, so a run decodes only the sections it asks for. A save
takes the cache folder's lock, reads what another run may have written since this one loaded,
and merges: per-file entries of both, this run's winning for the files it looked at; then it
writes a temporary file and renames it over the old one. Past the size cap
(``$HVLINT_CACHE_MAX_MB``, else ``cache-max-mb`` of .hvlint.toml, else DEFAULT_MAX_MB) the
least recently used trees' files are deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from hvlint.tree.index import Definition

try:
    import fcntl
except ImportError:  # not POSIX: saves are still atomic, only not merged under a lock
    fcntl = None  # type: ignore[assignment]

FORMAT = 3  # 3: lazily decoded sections, per-file tables; signatures as strings
# A file modified this recently may change again within the same timestamp tick.
_SETTLE_NS = 2_000_000_000
DISABLE_ENV = "HVLINT_NO_CACHE"
DIR_ENV = "HVLINT_CACHE_DIR"
MAX_ENV = "HVLINT_CACHE_MAX_MB"
DEFAULT_MAX_MB = 200.0
TABLE_PREFIX = "files:"
LOCK_NAME = ".lock"
_STALE_TMP_S = 3600  # a temporary file this old belongs to no running save

Signature = str


class CapError(ValueError):
    """A cache size cap that is not a positive number."""


def cache_dir() -> Path:
    """Where caches live: $HVLINT_CACHE_DIR, $XDG_CACHE_HOME/hvlint or ~/.cache/hvlint."""
    given = os.environ.get(DIR_ENV)
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "hvlint"


def parse_cap(text: object, what: str) -> float:
    """A size cap in MB from ``text`` (a number > 0); ``what`` names it in the error."""
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise CapError(f"{what}: the cache size cap must be a number of MB, not {text!r}") from None
    if not value > 0:
        raise CapError(f"{what}: the cache size cap must be more than 0 MB, not {text!r}")
    return value


def cap_mb(setting: Optional[float]) -> float:
    """The size cap in force: $HVLINT_CACHE_MAX_MB, else ``setting``, else DEFAULT_MAX_MB."""
    given = os.environ.get(MAX_ENV, "")
    if given:
        return parse_cap(given, MAX_ENV)
    return setting if setting is not None else DEFAULT_MAX_MB


def stat_signature(st: os.stat_result) -> Optional[Signature]:
    """The signature of a stat result, or None when the file is too fresh to trust."""
    if st.st_mtime_ns > time.time_ns() - _SETTLE_NS:
        return None
    return f"{st.st_size}.{st.st_mtime_ns}.{st.st_ctime_ns}.{st.st_ino}"


def stat_all(files: Iterable[Tuple[str, str]]) -> Iterator[Tuple[str, str, Optional[Signature]]]:
    """(path, relpath, signature) of each (path, relpath): ``signature`` for a whole walk,
    in one loop with one clock reading (thousands of files, no call per file)."""
    stat = os.stat
    settled = time.time_ns() - _SETTLE_NS
    for path, rel in files:
        try:
            st = stat(path)
        except OSError:
            yield path, rel, None
            continue
        if st.st_mtime_ns > settled:
            yield path, rel, None
        else:
            yield path, rel, f"{st.st_size}.{st.st_mtime_ns}.{st.st_ctime_ns}.{st.st_ino}"


def signature(path: str) -> Optional[Signature]:
    """The stat signature of a file, or None when it is missing or too fresh to trust."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stat_signature(st)


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


def index_value(defs: Sequence[Definition], evidence: Optional[Counter]) -> list:
    """The "index" product of one file: [definitions, scheme evidence or None]."""
    return [
        [[d.name, d.line, d.column, d.kind, d.value, sorted(d.arches)] for d in defs],
        None if evidence is None else [[scheme, what, count] for (scheme, what), count in evidence.items()],
    ]


def read_index_value(relpath: str, value: object) -> Optional[Tuple[List[Definition], Optional[Counter]]]:
    """(definitions, scheme evidence or None) from an "index" product, or None when it is
    not of that shape."""
    if not (isinstance(value, list) and len(value) == 2):
        return None
    defs, evidence = value
    try:
        restored = [Definition(n, relpath, line, col, kind, val, frozenset(arches)) for n, line, col, kind, val, arches in defs]
        counts = None if evidence is None else Counter({(scheme, what): count for scheme, what, count in evidence})
    except (TypeError, ValueError):
        return None
    return restored, counts


def _digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


class FileTable:
    """One per-file product of a tree: root-relative path -> value, each value valid only
    while its file has the signature it was stored with.

    A new product is one more table (``TreeCache.files("name")``): values are any JSON data,
    decoded only when the product is first asked for, merged per file when two runs save.
    """

    def __init__(self, stored: Dict[str, list]) -> None:
        self._stored = stored
        self.puts: Dict[str, list] = {}
        self.drops: Set[str] = set()

    def get(self, relpath: str, sig: Optional[Signature]) -> Optional[object]:
        """The value stored for ``relpath`` at signature ``sig`` (None: none, or stale)."""
        if sig is None:
            return None
        entry = self.puts.get(relpath) or self._stored.get(relpath)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == sig:
            return entry[1]
        return None

    def lookup(self, files: Iterable[Tuple[str, str]]) -> Iterator[Tuple[str, str, Optional[Signature], object]]:
        """(path, relpath, signature, value or None) for each (path, relpath) of ``files``,
        stat-ing each file once (the whole-tree walk: one loop, no call per file)."""
        stored, puts = self._stored, self.puts
        for path, rel, sig in stat_all(files):
            if sig is None:
                yield path, rel, None, None
                continue
            entry = puts.get(rel) or stored.get(rel)
            if entry.__class__ is list and len(entry) == 2 and entry[0] == sig:
                yield path, rel, sig, entry[1]
            else:
                yield path, rel, sig, None

    def drop_missing(self, rel_top: str, listed: Set[str]) -> None:
        """Drop the entries under ``rel_top`` ("": the whole tree) of files not in ``listed``."""
        head = rel_top + "/" if rel_top else ""
        for rel in self.paths() - listed:
            if rel.startswith(head):
                self.drop(rel)

    def put(self, relpath: str, sig: Optional[Signature], value: object) -> None:
        """Store ``value`` for ``relpath`` as it is at ``sig`` (not stored when ``sig`` is None)."""
        if sig is None:
            self.drop(relpath)
            return
        entry = [sig, value]
        if self._stored.get(relpath) != entry:
            self.puts[relpath] = entry
        self.drops.discard(relpath)

    def drop(self, relpath: str) -> None:
        """Forget ``relpath`` (deleted, or changed too recently to store)."""
        self.puts.pop(relpath, None)
        if relpath in self._stored:
            self.drops.add(relpath)

    def paths(self) -> Set[str]:
        """Paths with an entry (stored or put in this run)."""
        return (set(self._stored) - self.drops) | set(self.puts)

    @property
    def changed(self) -> bool:
        """Whether this run put or dropped something."""
        return bool(self.puts or self.drops)

    def settle(self) -> None:
        """Take this run's puts and drops as stored (after a save)."""
        for rel in self.drops:
            self._stored.pop(rel, None)
        self._stored.update(self.puts)
        self.puts.clear()
        self.drops.clear()

    def merged_into(self, base: Dict[str, list]) -> Dict[str, list]:
        """``base`` (what is on disk now) with this run's puts and drops applied."""
        out = dict(base)
        for rel in self.drops:
            out.pop(rel, None)
        out.update(self.puts)
        return out


class _Stored:
    """A cache file as read: its key and its sections, each decoded when first asked for."""

    def __init__(self, raw: bytes = b"", key: Optional[str] = None, spans: Optional[Dict[str, list]] = None) -> None:
        self.raw = raw
        self.key = key
        self.spans = spans or {}
        self._decoded: Dict[str, object] = {}

    @classmethod
    def read(cls, file: Path) -> "_Stored":
        """Parse ``file``'s header (an empty _Stored when there is no usable file)."""
        try:
            with open(file, "rb") as fh:
                raw = fh.read()
            header, sep, body = raw.partition(b"\n")
            stored = json.loads(header)
        except (OSError, ValueError):
            return cls()
        if not (sep and isinstance(stored, dict) and isinstance(stored.get("key"), str)):
            return cls()
        spans = stored.get("sections")
        if not (isinstance(spans, dict) and all(
            isinstance(s, list) and len(s) == 3 and isinstance(s[0], int) and isinstance(s[1], int) for s in spans.values()
        )):
            return cls()
        return cls(body, stored["key"], spans)

    def blob(self, name: str) -> Optional[bytes]:
        """The encoded section ``name`` when its digest matches (None: missing or damaged)."""
        span = self.spans.get(name)
        if span is None:
            return None
        start, length, digest = span
        blob = self.raw[start : start + length]
        return blob if len(blob) == length and _digest(blob) == digest else None

    def decoded(self, name: str) -> dict:
        """Section ``name`` as data (an empty dict when missing, damaged or not a dict)."""
        if name not in self._decoded:
            blob = self.blob(name)
            try:
                value = json.loads(blob) if blob is not None else {}
            except ValueError:
                value = {}
            self._decoded[name] = value if isinstance(value, dict) else {}
        return self._decoded[name]  # type: ignore[return-value]


class TreeCache:
    """One tree's cache file: named sections of JSON data and per-file tables, saved
    atomically (and merged with a concurrent run's) when changed."""

    def __init__(self, file: Path, key: str, cap_mb: float = DEFAULT_MAX_MB) -> None:
        self.file = file
        self.key = key
        self.cap_bytes = int(cap_mb * 1024 * 1024)
        self._sections: Dict[str, dict] = {}
        self._changed: Set[str] = set()
        self._tables: Dict[str, FileTable] = {}
        self.loaded = False  # whether a stored cache matched (for -v)
        self.written = False
        self._disk = _Stored.read(file)
        if self._disk.key != key:
            self._disk = _Stored()
        else:
            self.loaded = True

    def describe(self) -> str:
        """Where the cache is and what this run did with it, for -v."""
        done = ("read" if self.loaded else "nothing usable stored") + (", updated" if self.written else "")
        return f"{self.file} ({done})"

    def section(self, name: str) -> dict:
        """The stored data of one user of the cache (an empty dict when there is none)."""
        if name in self._sections:
            return self._sections[name]
        return self._disk.decoded(name)

    def store(self, name: str, data: dict) -> None:
        """Replace a section; written out by :meth:`save`."""
        self._sections[name] = data
        self._changed.add(name)

    def files(self, product: str) -> FileTable:
        """The per-file table of ``product`` ("prefilter", "index", "lint", ...)."""
        table = self._tables.get(product)
        if table is None:
            table = self._tables[product] = FileTable(self._disk.decoded(TABLE_PREFIX + product))
        return table

    def save(self) -> None:
        """Write the cache if it changed: merged with what is on disk now, atomically, then
        the least recently used trees evicted past the cap (failures are ignored)."""
        tables = {name: t for name, t in self._tables.items() if t.changed}
        if not (self._changed or tables):
            self.touch()
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with _locked(self.file.parent):
                self._write(tables)
                evict(self.file.parent, self.cap_bytes, keep=self.file)
        except OSError:
            return
        self.written = True
        self._changed.clear()
        for table in tables.values():
            table.settle()

    def _write(self, tables: Dict[str, FileTable]) -> None:
        """Merge with the file on disk (another run may have saved since this one read it)
        and replace it atomically."""
        now = _Stored.read(self.file)
        if now.key != self.key:
            now = self._disk if self._disk.key == self.key else _Stored()
        blobs: Dict[str, bytes] = {}
        for name in set(now.spans) | set(self._disk.spans):
            blob = now.blob(name) if name in now.spans else self._disk.blob(name)
            if blob is not None:
                blobs[name] = blob
        for name in self._changed:
            blobs[name] = _encode(self._sections[name])
        for product, table in tables.items():
            name = TABLE_PREFIX + product
            blobs[name] = _encode(table.merged_into(self._current(now, name)))
        spans: Dict[str, list] = {}
        offset = 0
        for name, blob in blobs.items():
            spans[name] = [offset, len(blob), _digest(blob)]
            offset += len(blob)
        header = json.dumps({"key": self.key, "sections": spans}, separators=(",", ":")).encode("utf-8")
        import tempfile  # here: a run that stores nothing need not import it

        fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(header + b"\n" + b"".join(blobs.values()))
            os.replace(tmp, self.file)
        except BaseException:
            os.unlink(tmp)
            raise

    def _current(self, now: _Stored, name: str) -> dict:
        """Section ``name`` as on disk now: the one this run decoded when no other run has
        changed it since (its digest says so), so a whole-tree table is not decoded twice."""
        if name not in now.spans:
            return self._disk.decoded(name)
        mine = self._disk.spans.get(name)
        if mine is not None and mine[2] == now.spans[name][2]:
            return self._disk.decoded(name)
        return now.decoded(name)

    def touch(self) -> None:
        """Mark this tree's cache as just used (eviction goes by last use)."""
        if self.loaded:
            try:
                os.utime(self.file)
            except OSError:
                pass


def _encode(data: object) -> bytes:
    # dumps, not dump: only the one-shot encoder is the fast C one
    return json.dumps(data, separators=(",", ":")).encode("utf-8", "surrogateescape")


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the cache folder's lock (one writer at a time, across processes)."""
    if fcntl is None:
        yield
        return
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def evict(folder: Path, cap_bytes: int, keep: Optional[Path] = None) -> List[Path]:
    """Delete the least recently used tree caches of ``folder`` until the rest fit in
    ``cap_bytes``, never ``keep`` (the one just written, however large); the deleted files."""
    found = []
    stale = time.time() - _STALE_TMP_S
    for path in folder.glob(".tmp-*.json"):  # left by a run that was killed while writing
        try:
            if path.stat().st_mtime < stale:
                path.unlink()
        except OSError:
            continue
    for path in folder.glob("tree-*.json"):
        try:
            st = path.stat()
        except OSError:
            continue
        found.append((st.st_mtime_ns, st.st_size, path))
    total = sum(size for _m, size, _p in found)
    gone = []
    for _mtime, size, path in sorted(found):
        if total <= cap_bytes:
            break
        if path == keep:
            continue
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        gone.append(path)
    return gone


def open_for(root: Path, shaping: object, cap: Optional[float] = None) -> Optional[TreeCache]:
    """The cache of the tree at ``root`` (None when caching is off or would land in the tree).

    ``shaping`` is anything whose ``repr`` changes when what the cache holds would: the
    rules data and the settings that decide what the index holds. ``cap``: the size cap of
    .hvlint.toml in MB (the environment's wins).
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
    return TreeCache(resolved / f"tree-{name}.json", key, cap_mb(cap))
