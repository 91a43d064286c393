"""Find the files that can matter, at byte speed, and read them safely.

A kernel tree has ~55,000 C files; only a few hundred mention Hyper-V names. Files are
listed without following symlinked directories (no loops), filtered by suffix and class,
and only those whose bytes contain a prefilter string are decoded and scanned. The byte
check runs on every core.
"""

from __future__ import annotations

import os
import re
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Sequence, Tuple, Union

# Below this many files a process pool costs more than it saves.
_PARALLEL_MIN_FILES = 2000
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """A decoded source file, or why it could not be read."""

    text: Optional[str]
    problem: Optional[str] = None


def list_files(
    top: Path, rel_top: str, suffixes: Sequence[str], skip: Callable[[str], bool]
) -> Iterator[Tuple[str, str]]:
    """(path, root-relative path) of every file under ``top`` with one of ``suffixes``.

    ``rel_top`` is ``top`` relative to the root ("" for the root itself); ``skip`` gets
    root-relative paths of directories (with a trailing slash) and files. Symlinked
    directories are not entered, so a symlink loop cannot trap the walk.
    """
    ends = tuple(suffixes)
    stack = [(str(top), rel_top)]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not skip(child_rel + "/"):
                        stack.append((entry.path, child_rel))
                # A symlinked file is part of the tree and is read (--fix needs to see its uses);
                # read_source() refuses anything that is not a regular file.
                elif entry.name.endswith(ends) and entry.is_file() and not skip(child_rel):
                    yield entry.path, child_rel
            except OSError:
                continue


def probes(needles: Sequence[bytes]) -> List["re.Pattern[bytes]"]:
    """Patterns that find a needle at the start of a word, one per group of needles that
    share their first two bytes (``HV_``, ``HVCALL_`` and ``HVMSG_`` are one group).

    Each pattern starts with its group's common literal prefix, so the regex engine looks
    for it with a fast substring search (a pattern that starts with a lookbehind or a
    character class is tried at every offset, 10x slower); the "no word byte before it"
    test comes after, as a lookbehind. A file without a Hyper-V name (nearly all of a
    kernel tree) costs one such search per group, and the kernel's generated register
    headers, hundreds of MB with ``..._HV_...`` in mid-word, one more at most.
    """
    groups: dict = {}
    for needle in needles:
        groups.setdefault(needle[:2], []).append(needle)
    patterns = []
    for group in groups.values():
        common = bytes(os.path.commonprefix(group))
        rests = b"|".join(re.escape(n[len(common) :]) for n in sorted(group, key=len, reverse=True))
        lead = re.escape(common)
        patterns.append(re.compile(lead + rb"(?<![A-Za-z0-9_]" + lead + rb")(?:" + rests + rb")"))
    return patterns


def mentions(data: bytes, patterns: Sequence["re.Pattern[bytes]"]) -> bool:
    """True when a needle starts a word somewhere in ``data`` (``HV_`` yes, ``DCHV_`` no)."""
    return any(p.search(data) for p in patterns)


def read_capped(path: Union[str, Path]) -> bytes:
    """A file's bytes, at most MAX_FILE_BYTES + 1 of them (so "too large" can be told).

    The buffer is sized from the file's length: ``read(MAX_FILE_BYTES + 1)`` would have
    the kernel map, and Python release, 64 MB for every one of a tree's 55,000 files (3 s of
    system time on the 6.1 tree). Plain descriptors, no file object: this runs per file.
    """
    limit = MAX_FILE_BYTES + 1
    # O_NONBLOCK: opening a FIFO that slipped in must not wait for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        chunks: List[bytes] = []
        if stat.S_ISREG(st.st_mode) and st.st_size < limit:
            first = os.read(fd, st.st_size + 1)  # one byte more: growth since fstat shows
            if len(first) == st.st_size:
                return first  # the whole file, as nearly always
            chunks.append(first)  # grew, shrank, or a short read: go on to the end
        total = sum(map(len, chunks))
        while total < limit:
            chunk = os.read(fd, min(1 << 20, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _prefilter_chunk(args: Tuple[List[str], Tuple[bytes, ...]]) -> List[str]:
    paths, needles = args
    groups = probes(needles)
    hits = []
    for p in paths:
        try:
            data = read_capped(p)
        except OSError:
            hits.append(p)  # let the reader report it
            continue
        if mentions(data, groups):
            hits.append(p)
    return hits


def prefilter(
    paths: Sequence[Union[str, Path]],
    needles: Sequence[str],
    jobs: int = 0,
    keep: Optional[Callable[[str], bool]] = None,
) -> List[Path]:
    """The subset of ``paths`` whose bytes contain one of ``needles`` (unreadable ones kept),
    in their order. Paths for which ``keep`` is true are kept unread: files a rule judges
    whatever names they hold (arch-neutral code, where HV106 looks at `#if` lines of files
    that only name ``mshv_*`` things)."""
    names = [str(p) for p in paths]
    if keep is None:
        return [Path(p) for p in _prefilter_names(names, needles, jobs)]
    kept = {p for p in names if keep(p)}
    found = set(_prefilter_names([p for p in names if p not in kept], needles, jobs))
    return [Path(p) for p in names if p in kept or p in found]


def _prefilter_names(names: List[str], needles: Sequence[str], jobs: int) -> List[str]:
    """``prefilter`` on path strings, spread over the cores for a whole tree."""
    pattern = tuple(n.encode() for n in needles)
    jobs = jobs or os.cpu_count() or 1
    if jobs < 2 or len(names) < _PARALLEL_MIN_FILES:
        return _prefilter_chunk((names, pattern))
    import multiprocessing as mp  # only a whole-tree walk needs a pool: keep start-up cheap
    from concurrent.futures import ProcessPoolExecutor

    size = max(256, len(names) // (jobs * 8))
    chunks = [(names[i : i + size], pattern) for i in range(0, len(names), size)]
    # fork is the cheapest start, but forking a process that runs threads (the language
    # server) can deadlock the children: there, start them fresh.
    method = "fork" if threading.active_count() == 1 and "fork" in mp.get_all_start_methods() else "spawn"
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context(method)) as pool:
            hits = [p for chunk in pool.map(_prefilter_chunk, chunks) for p in chunk]
    except (OSError, RuntimeError):  # no process support here: do it in this process
        hits = _prefilter_chunk((names, pattern))
    return hits


def decode(data: bytes) -> Source:
    """Decode C source bytes: UTF-8, else Latin-1 with a note; NUL bytes mean binary."""
    if b"\0" in data:
        return Source(None, "binary file (contains NUL bytes), not checked")
    try:
        return Source(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Source(
            data.decode("latin-1"),
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); checked as Latin-1",
        )


def read_source(path: Path) -> Source:
    """Read and decode one file; every failure is a one-line reason."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            return Source(None, "is a directory, not a C source")
        if not stat.S_ISREG(mode):
            return Source(None, "not a regular file, not read")
        data = read_capped(path)
    except PermissionError:
        return Source(None, "permission denied")
    except FileNotFoundError:
        return Source(None, "no such file")
    except OSError as exc:
        return Source(None, f"cannot read: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return Source(None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, not checked")
    return decode(data)
