"""Which Hyper-V objects a kernel tree and its configuration build (for compile_check), and building them.

An object spec is a directory (``drivers/hv/``: every object its Makefile builds under the
configuration) or an object (``drivers/iommu/hyperv-iommu.o``, a ``*`` matching source files).
``arch/*/`` means the arch being built; another arch's directory does not belong to this one.
Whether the configuration builds a spec is read from the ``obj-...`` line that names it in the
Makefile (or Kbuild) of its directory or, for a directory, of its parent: it is built when the
line is ``obj-y``/``obj-m`` or a CONFIG_ symbol on it is ``y`` or ``m``.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set

OBJ_LINE = re.compile(r"^\s*obj-([^=]+?)\s*[:+]?=\s*(.*)$")
CONFIG = re.compile(r"\bCONFIG_\w+")
FAILED = re.compile(r"\[[^\]]*?:\d+: ([^\]\s]+\.o)\] Error \d+")
SOURCE_LINE = re.compile(r"^source_\S+ := ")


@dataclass(frozen=True)
class Arch:
    """How to build and disassemble for one arch (from tools/compile_check.toml)."""

    name: str
    make_arch: str
    srcarch: str
    cross_compile: str
    objdump: str

    def make_vars(self) -> List[str]:
        """``ARCH=...`` and, when cross-compiling, ``CROSS_COMPILE=...``."""
        found = [f"ARCH={self.make_arch}"]
        return found + ([f"CROSS_COMPILE={self.cross_compile}"] if self.cross_compile else [])


@dataclass(frozen=True)
class Unit:
    """One spec resolved for an arch: a make target, or the reason it is skipped."""

    target: str  # "drivers/hv/" or "drivers/iommu/hyperv-iommu.o"
    skipped: Optional[str] = None

    @property
    def is_dir(self) -> bool:
        """A directory target (every object its Makefile builds)."""
        return self.target.endswith("/")


def read_config(path: Path) -> Dict[str, str]:
    """A .config as {CONFIG_X: value}; unset symbols are absent."""
    values = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        name, sep, value = line.partition("=")
        if sep and name.startswith("CONFIG_"):
            values[name] = value
    return values


def _logical_lines(text: str) -> Iterable[str]:
    """Makefile lines with ``\\`` continuations joined and comments dropped."""
    pending = ""
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield pending + line
        pending = ""


def kbuild_file(directory: Path) -> Optional[Path]:
    """The file kbuild reads in ``directory``: Kbuild when present, else Makefile."""
    for name in ("Kbuild", "Makefile"):
        if (directory / name).is_file():
            return directory / name
    return None


def selector(makefile: Path, entry: str) -> Optional[str]:
    """The ``obj-<selector>`` naming ``entry`` (``foo.o`` or ``foo/``) in ``makefile``."""
    text = makefile.read_text(encoding="utf-8", errors="replace")
    for line in _logical_lines(text):
        match = OBJ_LINE.match(line)
        if match and entry in match.group(2).split():
            return match.group(1)
    return None


def config_builds(tree: Path, target: str, config: Dict[str, str]) -> Optional[str]:
    """None when ``config`` builds ``target``; else why not, in a few words."""
    path = target.rstrip("/")
    parent, _, name = path.rpartition("/")
    entry = name + "/" if target.endswith("/") else name
    makefile = kbuild_file(tree / parent)
    if makefile is None:
        return f"no Makefile in {parent}/"
    found = selector(makefile, entry)
    if found is None:
        return f"{entry} is not in {makefile.relative_to(tree)}"
    if found in ("y", "m"):
        return None
    symbols = CONFIG.findall(found)
    if any(config.get(symbol) in ("y", "m") for symbol in symbols):
        return None
    if not symbols:
        return f"obj-{found} in {makefile.relative_to(tree)}"
    return " and ".join(symbols) + " not set"


def _expand(tree: Path, spec: str, arch: Arch) -> List[str]:
    """``spec`` with ``arch/*/`` made this arch's and ``*`` in an object name globbed over its
    sources; [] when it names another arch's code."""
    if spec.startswith("arch/*/"):
        spec = f"arch/{arch.srcarch}/" + spec[len("arch/*/"):]
    elif spec.startswith("arch/") and not spec.startswith(f"arch/{arch.srcarch}/"):
        return []
    if spec.endswith("/") or "*" not in spec:
        return [spec]
    directory, _, pattern = spec.rpartition("/")
    stem = pattern[: -len(".o")] if pattern.endswith(".o") else pattern
    found = set()
    for suffix in (".c", ".S"):
        found.update(p.name[: -len(suffix)] + ".o" for p in (tree / directory).glob(stem + suffix))
    return [f"{directory}/{name}" for name in sorted(found)]


def resolve(tree: Path, specs: Sequence[str], arch: Arch, config: Dict[str, str]) -> List[Unit]:
    """The units ``specs`` name for ``arch`` under ``config``, each a target or a skip."""
    units: List[Unit] = []
    for spec in specs:
        for target in _expand(tree, spec, arch):
            source = tree / target.rstrip("/")
            exists = source.is_dir() if target.endswith("/") else any(
                source.with_suffix(s).is_file() for s in (".c", ".S")
            )
            if not exists:
                units.append(Unit(target, "not in this tree"))
                continue
            units.append(Unit(target, config_builds(tree, target, config)))
    return units


def compiled_objects(build: Path, unit: Unit) -> List[str]:
    """The objects of ``unit`` compiled from one source file in the build dir ``build``
    (linked composites such as hv_vmbus.o are left out: their parts are compared)."""
    if not unit.is_dir:
        return [unit.target] if (build / unit.target).is_file() else []
    found = []
    for cmd in sorted((build / unit.target).rglob(".*.o.cmd")):
        name = cmd.name[1: -len(".cmd")]
        if name.endswith(".mod.o") or not (cmd.parent / name).is_file():
            continue
        with cmd.open(encoding="utf-8", errors="replace") as handle:
            if any(SOURCE_LINE.match(line) for line in handle):
                found.append(str((cmd.parent / name).relative_to(build)))
    return found


def failed_objects(log: str) -> Set[str]:
    """Objects make reported an error for (``[scripts/Makefile.build:250: x.o] Error 1``)."""
    return set(FAILED.findall(log))


def make(
    source: Path, build: Path, arch: Arch, targets: Sequence[str], log: Path, jobs: int,
    sync: bool = False,
) -> int:
    """``nice make -C source O=build <targets>``, output appended to ``log``; its exit code.
    ``sync`` keeps each target's output together (``--output-sync=target``), so the compiler's
    messages about one file are not interleaved with another's."""
    command = ["nice", "-n", "10", "make", "-C", str(source), f"O={build}", *arch.make_vars()]
    command += [f"-j{jobs}", "-k", *(["--output-sync=target"] if sync else []), *targets]
    env = dict(os.environ, LC_ALL="C")
    with log.open("a", encoding="utf-8") as out:
        out.write("$ " + " ".join(command) + "\n")
        out.flush()
        return subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env).returncode


def unbuilt_sources(tree: Path, build: Path, unit: Unit, arch: str) -> List[str]:
    """Notes for the C files of a directory unit that the configuration left without an object."""
    notes = []
    for source in sorted((tree / unit.target).rglob("*.c")):
        rel = source.relative_to(tree).with_suffix(".o")
        if not (build / rel).is_file():
            notes.append(f"{arch}: not built by this configuration: {rel.with_suffix('.c')}")
    return notes
