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


Probe = Tuple[bytes, List[Tuple[bytes, "re.Pattern[bytes]"]]]


def probes(needles: Sequence[bytes]) -> List[Probe]:
    """The needles grouped by their first two bytes, each group under its common prefix.

    A file without a Hyper-V name (nearly all of a kernel tree) costs one substring search
    per group, not one per needle: ``HV_``, ``HVCALL_`` and ``HVMSG_`` share the probe
    ``HV``. Each needle's regex finds it at the start of a word with the literal first and
    the "no word byte before it" test after it, as a lookbehind, so the regex engine scans
    for the literal at C speed (the kernel's generated register headers hold hundreds of
    MB full of ``..._HV_...``).
    """
    groups: dict = {}
    for needle in needles:
        groups.setdefault(needle[:2], []).append(needle)
    out = []
    for group in groups.values():
        probe = bytes(os.path.commonprefix(group))
        patterns = [(n, re.compile(re.escape(n) + rb"(?<![A-Za-z0-9_]" + re.escape(n) + rb")")) for n in group]
        out.append((probe, patterns))
    return out


def mentions(data: bytes, groups: Sequence[Probe]) -> bool:
    """True when a needle starts a word somewhere in ``data`` (``HV_`` yes, ``DCHV_`` no)."""
    for probe, patterns in groups:
        if probe not in data:
            continue
        for needle, pattern in patterns:
            if needle in data and (data.startswith(needle) or pattern.search(data)):
                return True
    return False


def _prefilter_chunk(args: Tuple[List[str], Tuple[bytes, ...]]) -> List[str]:
    paths, needles = args
    groups = probes(needles)
    hits = []
    for p in paths:
        try:
            with open(p, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except OSError:
            hits.append(p)  # let the reader report it
            continue
        if mentions(data, groups):
            hits.append(p)
    return hits


def prefilter(paths: Sequence[Union[str, Path]], needles: Sequence[str], jobs: int = 0) -> List[Path]:
    """The subset of ``paths`` whose bytes contain one of ``needles`` (unreadable ones kept)."""
    pattern = tuple(n.encode() for n in needles)
    names = [str(p) for p in paths]
    jobs = jobs or os.cpu_count() or 1
    if jobs < 2 or len(names) < _PARALLEL_MIN_FILES:
        return [Path(p) for p in _prefilter_chunk((names, pattern))]
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
    return [Path(p) for p in hits]


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
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        return Source(None, "permission denied")
    except FileNotFoundError:
        return Source(None, "no such file")
    except OSError as exc:
        return Source(None, f"cannot read: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return Source(None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, not checked")
    return decode(data)
