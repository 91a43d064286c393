"""Write fixed files safely: all of them or none, atomically, only inside the root.

Every file is first written to a temporary file in its own directory (same file system, the
original's permission bits). Then, right before each ``os.replace``, the file on disk is
read again and compared with the bytes the fix was computed from: a file changed since it
was read is never overwritten, and files already replaced in this run are put back, because
a rename spread over several files must not land half-way.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple


class WriteError(Exception):
    """Nothing was written (or everything written was put back); the message says why."""


@dataclass(frozen=True)
class FileChange:
    """New contents for one file, and the exact bytes they were computed from."""

    relpath: str
    old: bytes
    new: bytes


def target_path(root: Path, relpath: str) -> Path:
    """The file ``relpath`` under ``root``; refuses anything that leaves the root or is not a
    plain file (symlinks included: replacing one would cut the link)."""
    if (
        not relpath
        or relpath.startswith("/")
        or "\\" in relpath
        or any(p in ("", ".", "..") for p in relpath.split("/"))
    ):
        raise WriteError(f"{relpath}: not a path inside the tree")
    path = root / relpath
    real_parent = path.parent.resolve()
    try:
        real_parent.relative_to(root.resolve())
    except ValueError:
        raise WriteError(f"{relpath}: outside the tree {root}") from None
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise WriteError(f"{relpath}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(st.st_mode):
        raise WriteError(f"{relpath}: is a symbolic link, not changed")
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(f"{relpath}: not a regular file")
    return path


def _read(path: Path) -> Optional[bytes]:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _temp_copy(path: Path, data: bytes, mode: int) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".hvlint-tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(mode))
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_changes(root: Path, changes: Sequence[FileChange]) -> None:
    """Replace every file of ``changes`` atomically, or raise ``WriteError``, nothing changed."""
    staged: List[Tuple[FileChange, Path, str, int]] = []
    try:
        for change in sorted(changes, key=lambda c: c.relpath):
            path = target_path(root, change.relpath)
            mode = os.stat(path).st_mode
            staged.append((change, path, _temp_copy(path, change.new, mode), mode))
    except WriteError:
        for _c, _p, tmp, _m in staged:
            _unlink(tmp)
        raise
    except OSError as exc:
        for _c, _p, tmp, _m in staged:
            _unlink(tmp)
        raise WriteError(f"cannot write a temporary file: {exc.strerror or exc}") from None
    done: List[Tuple[FileChange, Path, int]] = []
    for i, (change, path, tmp, mode) in enumerate(staged):
        current = _read(path)
        error = None
        if current != change.old:
            error = f"{change.relpath}: changed on disk since hvlint read it"
        else:
            try:
                os.replace(tmp, path)
                done.append((change, path, mode))
                continue
            except OSError as exc:
                error = f"{change.relpath}: cannot replace: {exc.strerror or exc}"
        for _c, _p, rest, _m in staged[i:]:
            _unlink(rest)
        _put_back(done)
        raise WriteError(
            error + ("; nothing written" if not done else "; files already written were put back")
        )


def _put_back(done: List[Tuple[FileChange, Path, int]]) -> None:
    for change, path, mode in reversed(done):
        try:
            os.replace(_temp_copy(path, change.old, mode), path)
        except OSError:
            pass
