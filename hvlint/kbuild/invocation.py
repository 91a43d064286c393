"""Read kbuild's checker command line: ``hvlint [OWN] $(CHECKFLAGS) $(c_flags) FILE.c``.

The compiler's part starts at the first argument shaped like one of its options (rules/
kbuild.toml) and ends with the file, always the last argument. Of it hvlint takes the ``-I``
folders, the forced includes, ``-D``/``-U`` in order and sparse's ``--arch=``; every other
option is accepted and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from hvlint.kbuild.data import KbuildData


@dataclass(frozen=True)
class Invocation:
    """One checker run as kbuild starts it."""

    own: Tuple[str, ...]  # hvlint's options, before the compiler's (CHECK="hvlint --opt")
    source: str  # the C file, as given
    cwd: Path  # where make ran it: the object tree
    include_dirs: Tuple[Path, ...]  # -I, -isystem, -iquote, -idirafter, resolved against cwd
    forced_includes: Tuple[Path, ...]  # -include
    defines: Tuple[Tuple[str, Optional[str]], ...]  # (name, text) for -D, (name, None) for -U
    arch: Optional[str]  # sparse's --arch= value (kbuild's ARCH)


def compiler_start(argv: Sequence[str], data: KbuildData) -> Optional[int]:
    """Index of the first compiler argument when ``argv`` is a checker command line (a
    compiler's options, then a file), else None."""
    if len(argv) < 2 or argv[-1].startswith("-"):
        return None
    for n, arg in enumerate(argv[:-1]):
        if arg.startswith(data.starts):
            return n
    return None


def _define(text: str) -> Tuple[str, str]:
    """``NAME=VALUE`` or ``NAME`` (defined as 1) of a -D option."""
    name, eq, value = text.partition("=")
    return name.strip(), value if eq else "1"


def parse(argv: Sequence[str], data: KbuildData, cwd: Path) -> Invocation:
    """The checker command line ``argv`` (hvlint's arguments, without the program name)."""
    start = compiler_start(argv, data)
    if start is None:
        raise ValueError("not a compiler command line")
    args = list(argv[start:-1])
    dirs: List[Path] = []
    forced: List[Path] = []
    defines: List[Tuple[str, Optional[str]]] = []
    arch: Optional[str] = None
    n = 0
    while n < len(args):
        arg = args[n]
        option, value = arg, None
        if arg in data.with_value:
            value = args[n + 1] if n + 1 < len(args) else ""
            n += 1
        else:
            for joined in ("-I", "-D", "-U", "-isystem", "-iquote", "-idirafter"):
                if arg.startswith(joined) and len(arg) > len(joined):
                    option, value = joined, arg[len(joined):]
                    break
        n += 1
        if value is None:
            if arg.startswith("--arch="):
                arch = arg.split("=", 1)[1]
            continue
        if option in ("-I", "-isystem", "-iquote", "-idirafter"):
            dirs.append(cwd / value)
        elif option == "-include":
            forced.append(cwd / value)
        elif option == "-D":
            defines.append(_define(value))
        elif option == "-U":
            defines.append((value.strip(), None))
    return Invocation(
        own=tuple(argv[:start]), source=argv[-1], cwd=cwd, include_dirs=tuple(dirs),
        forced_includes=tuple(forced), defines=tuple(defines), arch=arch,
    )


def source_tree(inv: Invocation, data: KbuildData) -> Optional[Path]:
    """The kernel source tree: where the forced include/linux/kconfig.h, or an ``-I .../include``
    holding it, lives."""
    tail = Path(data.kconfig_header)
    for header in inv.forced_includes:
        if header.as_posix().endswith("/" + tail.as_posix()) and header.is_file():
            return header.parents[len(tail.parts) - 1].resolve()
    for folder in inv.include_dirs:
        if folder.name == tail.parts[0] and (folder.parent / tail).is_file():
            return folder.parent.resolve()
    return None


def object_tree(inv: Invocation, data: KbuildData) -> Optional[Path]:
    """The object tree: the folder make ran the checker in, or the one above an ``-I`` folder,
    that holds this build's configuration."""
    for folder in (inv.cwd, *(d.parent for d in inv.include_dirs)):
        if (folder / data.autoconf).is_file() or (folder / data.auto_conf).is_file():
            return folder.resolve()
    return None
