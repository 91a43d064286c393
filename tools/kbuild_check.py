#!/usr/bin/env python3
"""Prove ``make C=2 CHECK=hvlint drivers/hv/`` (or other targets) on a real kernel tree.

For each arch (x86_64, arm64 with ``CROSS_COMPILE=aarch64-linux-gnu-``) the script configures
``allmodconfig`` and runs ``prepare`` in ``WORK/o-ARCH`` (an ``O=`` build: the tree is never
written), then ``make -k C=2 CHECK="HVLINT" TARGETS`` (default ``drivers/hv/``); and the same in-tree in
``COPIES/intree-ARCH`` (a ``cp -al`` copy, made once: kbuild writes only new files into it). Every
gcc-style line hvlint printed in a build log is compared with ``HVLINT --format json
SOURCES`` run from the tree top (the targets' folders and C files, hvlint's options alike). A finding only one side has is explained with the
``#if`` lines around it and this build's value of each CONFIG_ symbol in them, or as in a file
kbuild never runs the checker on (not built in this configuration, or #included by another).

    tools/kbuild_check.py [--tree DIR] [--arch x86_64,arm64] [--work DIR] [--hvlint CMD] [--targets T,...] [--allconfig FILE] [--copies DIR] [--no-intree]

The tree defaults to ``$HVLINT_KERNEL_TREE``. Prints per build: files checked, findings,
agreement with the plain run, time. Exit 0 when every build agrees with the plain run (or
every difference is explained by this build's configuration), 1 otherwise, 2 on a usage or
build error. Not part of the test suite: CI has no kernel tree.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Mapping, Optional, Set, Tuple

from hvlint.c.scanner import scan
from hvlint.kbuild.buildconf import config_macros
from hvlint.kbuild.data import load as kbuild_data

ARCHES = {"x86_64": "", "arm64": "aarch64-linux-gnu-"}
TARGETS = "drivers/hv/"
_DIAG = re.compile(r"^(?P<path>[^:\s]+\.c):(?P<line>\d+):(?P<col>\d+): (?:warning|error|note): .*\[(?P<code>HV\d+) ", re.M)
_CHECKED = re.compile(r"^\s+CHECK\s+(\S+)", re.M)
_CONFIG = re.compile(r"\bCONFIG_\w+")

Finding = Tuple[str, int, int, str]  # (tree-relative path, line, column, code)


class BuildError(Exception):
    """A make run that failed before hvlint could be judged."""


def make(args: List[str], cwd: Path, log: Path) -> float:
    """Run ``nice make`` with ``args`` in ``cwd``, output to ``log``; the seconds it took."""
    start = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        code = subprocess.run(["nice", "make", *args], cwd=cwd, stdout=out, stderr=subprocess.STDOUT, check=False).returncode
    if code != 0 and "C=2" not in args:
        raise BuildError(f"make {' '.join(args)} failed in {cwd} (exit {code}); see {log}")
    return time.monotonic() - start


def relative(path: str, cwd: Path, tree: Path) -> str:
    full = (cwd / path).resolve()
    try:
        return full.relative_to(tree.resolve()).as_posix()
    except ValueError:
        return path


def build_findings(log_text: str, cwd: Path, tree: Path) -> Set[Finding]:
    return {
        (relative(m.group("path"), cwd, tree), int(m.group("line")), int(m.group("col")), m.group("code"))
        for m in _DIAG.finditer(log_text)
    }


def sources(targets: List[str]) -> List[str]:
    """What a plain run is given for make targets: a folder for ``dir/``, the C file of ``x.o``."""
    return [t.rstrip("/") if t.endswith("/") else t[: -len(".o")] + ".c" for t in targets]


def in_targets(relpath: str, targets: List[str]) -> bool:
    return any(relpath.startswith(s + "/") or relpath == s for s in sources(targets))


def plain_findings(hvlint: List[str], tree: Path, targets: List[str]) -> Set[Finding]:
    """``hvlint --format json TARGETS`` from the tree top (the same hvlint options)."""
    run = subprocess.run([*hvlint, "--format", "json", *sources(targets)], cwd=tree, capture_output=True, text=True, check=False)
    if run.returncode not in (0, 1):
        raise BuildError(f"hvlint {' '.join(sources(targets))} failed: {run.stderr.strip()}")
    return {(f["path"], f["line"], f["column"], f["code"]) for f in json.loads(run.stdout)["findings"]}


def config_value(name: str, macros: Mapping[str, str]) -> str:
    """A CONFIG_ symbol as this build has it: its value, m, or not set."""
    if name in macros:
        return macros[name]
    return "m" if name + "_MODULE" in macros else "not set"


def explain(finding: Finding, tree: Path, objtree: Path) -> Optional[str]:
    """Why this build decides differently: the #if lines around the finding and this
    build's value of their CONFIG_ symbols; None when no #if of the build's config is there."""
    path, line, _col, _code = finding
    text = (tree / path).read_text(encoding="utf-8", errors="replace")
    macros = config_macros(objtree, kbuild_data())
    parts = []
    for state in scan(path, text, _NoEval()).guard_chain(line):
        names = sorted(set(_CONFIG.findall(state.condition)))
        if names:
            values = ", ".join(f"{n}={config_value(n, macros)}" for n in names)
            parts.append(f"line {state.line}: #{state.directive} {state.condition} ({values})")
    return "; ".join(parts) or None


class _NoEval:
    """Scanning only for the #if stack: every condition unknown."""

    def evaluate(self, kind: str, text: str) -> tuple:
        return (None, None, None)


def run_build(
    name: str, arch: str, obj: Optional[Path], cwd: Path, hvlint: List[str], work: Path, targets: List[str],
    allconfig: Optional[Path] = None,
) -> Tuple[float, str]:
    """Configure, prepare and check the targets in one build; (seconds of the C=2 run, its log)."""
    common = [f"ARCH={arch}"] + ([f"CROSS_COMPILE={ARCHES[arch]}"] if ARCHES[arch] else [])
    if obj is not None:
        common.append(f"O={obj}")
    build_dir = obj or cwd
    if not (build_dir / ".config").is_file():
        fragment = [f"KCONFIG_ALLCONFIG={allconfig}"] if allconfig else []
        make(common + fragment + ["allmodconfig"], cwd, work / f"{name}.config.log")
    make(common + ["-j2", "prepare"], cwd, work / f"{name}.prepare.log")
    log = work / f"{name}.check.log"
    seconds = make(common + ["-k", "-j2", "C=2", f"CHECK={shlex.join(hvlint)}", *targets], cwd, log)
    return seconds, log.read_text(encoding="utf-8", errors="replace")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default=os.environ.get("HVLINT_KERNEL_TREE"), help="kernel source tree (default: $HVLINT_KERNEL_TREE)")
    parser.add_argument("--arch", default="x86_64,arm64", help="kbuild ARCHes, comma-separated (default: x86_64,arm64)")
    parser.add_argument("--work", help="where the object trees and logs go (default: a new temporary folder)")
    parser.add_argument("--hvlint", default=shutil.which("hvlint") or "", help="the checker command (default: hvlint on PATH)")
    parser.add_argument("--targets", default=TARGETS, help=f"make targets, comma-separated: folders (dir/) and objects (default: {TARGETS})")
    parser.add_argument("--allconfig", help="a KCONFIG_ALLCONFIG fragment for allmodconfig (e.g. CONFIG_HYPERV_VTL_MODE=n)")
    parser.add_argument("--copies", help="where the cp -al copies for the in-tree builds go (default: WORK)")
    parser.add_argument("--no-intree", action="store_true", help="skip the in-tree builds on a cp -al copy")
    args = parser.parse_args(argv)
    if not args.tree or not (Path(args.tree) / "Kconfig").is_file():
        sys.stderr.write("kbuild_check: error: give --tree DIR (or set HVLINT_KERNEL_TREE) to a kernel source tree\n")
        return 2
    if not args.hvlint:
        sys.stderr.write("kbuild_check: error: no hvlint on PATH; give --hvlint CMD\n")
        return 2
    arches = [a for a in args.arch.split(",") if a]
    unknown = [a for a in arches if a not in ARCHES]
    if unknown:
        sys.stderr.write(f"kbuild_check: error: --arch {unknown[0]}: one of {', '.join(ARCHES)}\n")
        return 2
    tree = Path(args.tree).resolve()
    work = Path(args.work).resolve() if args.work else Path(tempfile.mkdtemp(prefix="hvlint-kbuild-"))
    work.mkdir(parents=True, exist_ok=True)
    copies = Path(args.copies).resolve() if args.copies else work
    allconfig = Path(args.allconfig).resolve() if args.allconfig else None
    hvlint = shlex.split(args.hvlint)
    start = time.monotonic()
    targets = [t for t in args.targets.split(",") if t]
    plain = plain_findings(hvlint, tree, targets)
    plain_seconds = time.monotonic() - start
    print(f"plain: {' '.join(hvlint[1:] + sources(targets))} from {tree}: {len(plain)} findings in {len({f[0] for f in plain})} files, {plain_seconds:.1f} s")
    builds = []
    for arch in arches:
        builds.append((f"O-{arch}", arch, tree, work / f"o-{arch}", tree))
        if not args.no_intree:
            builds.append((f"intree-{arch}", arch, copies / f"intree-{arch}", None, copies / f"intree-{arch}"))
    unexplained = 0
    try:
        for name, arch, src, obj, cwd in builds:
            if obj is None and not src.exists():
                src.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(["cp", "-al", str(tree), str(src)], check=True)
            seconds, log = run_build(name, arch, obj, cwd, hvlint, work, targets, allconfig)
            found = build_findings(log, obj or cwd, src)
            checked = {relative(p, obj or cwd, src) for p in _CHECKED.findall(log)}
            checked = {p for p in checked if in_targets(p, targets)}
            same = found & plain
            print(
                f"{name}: {len(checked)} files of the targets checked, {len(found)} findings, {len(same)} as the plain run, "
                f"{len(found - plain)} only here, {len(plain - found)} only in the plain run; make C=2 {seconds:.0f} s"
            )
            for finding in sorted(found ^ plain):
                side = "build only" if finding in found else "plain only"
                if finding[0] not in checked:
                    print(f"  {side}: {finding[0]}:{finding[1]}:{finding[2]} {finding[3]}: no file of its own in this build (not built, or #included by another)")
                    continue
                why = explain(finding, src, obj or cwd)
                unexplained += why is None
                print(f"  {side}: {finding[0]}:{finding[1]}:{finding[2]} {finding[3]}: {why or 'NOT EXPLAINED'}")
    except (BuildError, subprocess.CalledProcessError) as exc:
        sys.stderr.write(f"kbuild_check: error: {exc}\n")
        return 2
    print(f"logs and object trees: {work}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
