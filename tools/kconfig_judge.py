#!/usr/bin/env python3
"""The kernel judges hvlint's Kconfig reasoning.

For a kernel tree, every Kconfig symbol that gates a C file hvlint reads (the files its tree
walk lints outside arch/, and the obj- rules of the Makefiles that build them: composite
objects, parent folders, ifdef blocks) is put to the kernel's own ``scripts/kconfig/conf``:
can it be enabled on x86_64, and on arm64 (COMPILE_TEST off, since a compile test is no
build for the arch)? A symbol counts as possible on an arch when some configuration conf
writes has it set (y or m). The runs, stopping at the first that sets it: allmodconfig;
allmodconfig and allyesconfig with a ``KCONFIG_ALLCONFIG`` fragment requesting every open
symbol at once; then, per symbol, allmodconfig and allyesconfig with a fragment requesting
only it and with one that also requests what its ``depends on`` lines plainly need (read by
hvlint, only hints: conf still decides), alldefconfig and allnoconfig with the hints (for
the symbols that gate Hyper-V files), and randconfig runs with either fragment
(``KCONFIG_SEED`` fixed, so a run can be repeated). When no run sets it, the kernel's answer
is "not possible": a search, so one more run could still find a configuration.

Beside each answer stands hvlint's, from its own Kconfig module, and every difference is a
disagreement. The script builds conf once per tree and arch with
``make O=WORK/o-TREE-ARCH ARCH=... [CROSS_COMPILE=aarch64-linux-gnu-] allmodconfig
syncconfig`` (the tree is never written), then runs conf directly with the environment
Kconfig recorded in ``include/config/auto.conf.cmd``. The kernel's answers are kept in
``WORK/answers-TREE.json``; ``--fresh`` asks again.

    tools/kconfig_judge.py [--tree LINUX] [--work DIR] [--randconfigs N]

``--tree`` defaults to ``$HVLINT_KERNEL_TREE``; one of the two must name a kernel source tree.

Prints a table and ``N symbols, M disagreements``; exit 0 when they all agree, 1 when some
disagree, 2 on a usage or build error. Not part of the test suite: CI has no kernel tree.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

from hvlint.config import Settings
from hvlint.c.tristate import Tri
from hvlint.engine import Linter
from hvlint.tree.kconfig import Kconfig

KERNEL_ARCHES = {"x86": ("x86_64", ""), "arm64": ("arm64", "aarch64-linux-gnu-")}
_SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CMD_ENV = re.compile(r'^ifneq "\$\(([A-Za-z0-9_]+)\)" "(.*)"$')
_CONFIG_LINE = re.compile(r"^(?:CONFIG_([A-Za-z0-9_]+)=(.*)|# CONFIG_([A-Za-z0-9_]+) is not set)$")
_HINT_DEPTH = 6


class JudgeError(Exception):
    """A build or usage problem: one line for stderr, exit 2."""


# -- what hvlint says ----------------------------------------------------------------------


def hvlint_answer(kconfig: Kconfig, symbol: str) -> Dict[str, Tri]:
    """What hvlint's Kconfig module says: can ``symbol`` be enabled on x86, on arm64?"""
    return {arch: kconfig.possible(symbol, arch) for arch in KERNEL_ARCHES}


def gating_symbols(linter: Linter) -> Dict[str, List[str]]:
    """Every Kconfig symbol in the build conditions of the C files hvlint's tree walk reads
    outside arch/, with the files each one gates."""
    if linter.root is None or linter.builds is None:
        raise JudgeError("not a kernel tree (no Kconfig and arch/ at its top)")
    found: Dict[str, List[str]] = {}
    for path in linter.candidate_files(linter.root):
        rel = linter.relpath(path)
        if not rel.endswith(".c") or rel.startswith("arch/") or linter.path_class(rel) == "exclude":
            continue
        for alternative in linter.builds.kbuild.file_alternatives(rel):
            for expr, _where in alternative:
                for name in _SYMBOL.findall(expr):
                    if name not in ("y", "m", "n") and rel not in found.setdefault(name, []):
                        found[name].append(rel)
    return found


def gates_hyperv(linter: Linter, files: Sequence[str]) -> bool:
    """Whether one of ``files`` is arch-neutral Hyper-V code (the neutral class of rules/paths.toml),
    the files whose Kconfig class HV102/HV104 use."""
    return any(linter.path_class(rel) == "neutral" for rel in files)


def describe(answer: Dict[str, Tri]) -> str:
    """x86 only, arm64 only, both, neither; "x86 ?, arm64 no" when some half is unknown."""
    if any(v is None for v in answer.values()):
        return ", ".join(f"{a} {'?' if v is None else 'yes' if v else 'no'}" for a, v in answer.items())
    on = [a for a, v in answer.items() if v]
    return {0: "neither", 1: f"{on[0]} only" if on else ""}.get(len(on), "both")


# -- what the kernel says ------------------------------------------------------------------


class KernelConf:
    """The kernel's own conf for one tree and arch, built once under ``work``."""

    def __init__(self, tree: Path, arch: str, work: Path) -> None:
        self.tree = tree
        self.arch = arch
        self.make_arch, self.cross = KERNEL_ARCHES[arch]
        self.out = work / f"o-{tree.name}-{self.make_arch}"
        self.env: Dict[str, str] = {}

    def prepare(self) -> None:
        """Build conf and learn the environment Kconfig reads (once per output folder)."""
        record = self.out / "include/config/auto.conf.cmd"
        if not (self.out / "scripts/kconfig/conf").is_file() or not record.is_file():
            make = ["nice", "-n", "10", "make", "-s", f"O={self.out}", f"ARCH={self.make_arch}"]
            if self.cross:
                make.append(f"CROSS_COMPILE={self.cross}")
            for target in ("allmodconfig", "syncconfig"):
                done = subprocess.run([*make, target], cwd=self.tree, capture_output=True, text=True)
                if done.returncode != 0:
                    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
                    raise JudgeError(f"make {target} for {self.make_arch} failed: {last}")
        env = {}
        for line in record.read_text(encoding="utf-8", errors="replace").splitlines():
            m = _CMD_ENV.match(line)
            if m:
                env[m.group(1)] = m.group(2)
        self.env = {**os.environ, **env, "srctree": str(self.tree)}

    def run(self, mode: str, fragment: Dict[str, str], seed: int = 0) -> Dict[str, str]:
        """The symbols one conf run sets (name -> y/m/value), with ``fragment`` as
        ``KCONFIG_ALLCONFIG``."""
        with tempfile.TemporaryDirectory(dir=self.out) as tmp:
            frag = Path(tmp) / "fragment"
            frag.write_text("".join(_config_line(k, v) for k, v in fragment.items()), encoding="utf-8")
            env = {**self.env, "KCONFIG_CONFIG": f"{tmp}/.config", "KCONFIG_ALLCONFIG": str(frag)}
            if mode == "randconfig":
                env["KCONFIG_SEED"] = hex(seed)
            subprocess.run(
                ["nice", "-n", "10", str(self.out / "scripts/kconfig/conf"), "-s", f"--{mode}", "Kconfig"],
                cwd=self.out, env=env, capture_output=True, text=True,
            )
            config = Path(tmp) / ".config"
            if not config.is_file():
                raise JudgeError(f"conf --{mode} for {self.make_arch} wrote no .config")
            values = {}
            for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
                m = _CONFIG_LINE.match(line)
                if m and m.group(1):
                    values[m.group(1)] = m.group(2)
            return values


def _config_line(name: str, value: str) -> str:
    return f"# CONFIG_{name} is not set\n" if value == "n" else f"CONFIG_{name}={value}\n"


def _conjuncts(expr: str) -> List[str]:
    """The top-level ``&&`` parts of ``expr``, outer parentheses removed."""
    expr = expr.strip()
    while expr.startswith("(") and _closing(expr, 0) == len(expr) - 1:
        expr = expr[1:-1].strip()
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(expr):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and expr.startswith("&&", i):
            parts.append(expr[start:i].strip())
            start = i + 2
    parts.append(expr[start:].strip())
    return [p for p in parts if p]


def _closing(expr: str, at: int) -> int:
    depth = 0
    for i in range(at, len(expr)):
        depth += {"(": 1, ")": -1}.get(expr[i], 0)
        if depth == 0:
            return i
    return -1


def hints(kconfig: Kconfig, symbol: str, arch: str) -> Dict[str, str]:
    """A fragment requesting ``symbol`` and what its dependencies plainly need
    (``depends on A && !B``: A=y, B=n; a prompt ``if EXPERT``: EXPERT=y), as read by hvlint.
    Only a hint: conf ignores what the kernel's Kconfig does not allow."""
    fragment: Dict[str, str] = {}
    fixed = {name for names in kconfig.arch_symbols.values() for name in names}

    def want(name: str, value: str, depth: int) -> None:
        if name in fragment or name in fixed or name in ("y", "m", "n") or depth > _HINT_DEPTH or not _SYMBOL.fullmatch(name):
            return
        fragment[name] = value
        for entry in kconfig.entries(name, arch):
            prompts, deps = entry[3], entry[4]
            needs = [c for p in prompts[:1] for c in _conjuncts(p)]
            if value == "y":
                needs += [c for d in deps for c in _conjuncts(d)]
            for need in needs:
                negated = need.startswith("!")
                target = need[1:].strip() if negated else need
                want(target, "n" if negated else "y", depth + 1)

    want(symbol, "y", 0)
    fragment["COMPILE_TEST"] = "n"
    return fragment


def kernel_answer(conf: KernelConf, symbol: str, hinted: Dict[str, str], randconfigs: int, thorough: bool) -> Tuple[bool, str]:
    """(possible, the run that showed it) for ``symbol`` on ``conf``'s arch, trying
    ``hinted`` (see :func:`hints`) and a fragment that only requests the symbol; a
    ``thorough`` search also tries alldefconfig and allnoconfig with the hints."""
    plain = {symbol: "y", "COMPILE_TEST": "n"}
    tries: List[Tuple[str, Dict[str, str], int]] = [
        ("allmodconfig", plain, 0), ("allyesconfig", plain, 0),
        ("allmodconfig", hinted, 0), ("allyesconfig", hinted, 0),
    ]
    if thorough:
        tries += [("alldefconfig", hinted, 0), ("allnoconfig", hinted, 0)]
    tries += [("randconfig", hinted if i % 2 == 0 else plain, 0x1000 + i) for i in range(randconfigs)]
    for mode, frag, seed in tries:
        if conf.run(mode, frag, seed).get(symbol, "n") != "n":
            label = mode + (" with hints" if frag is hinted else " requesting it")
            return True, label + (f" (KCONFIG_SEED={hex(seed)})" if mode == "randconfig" else "")
    return False, f"never set in {len(tries) + 3} runs"


# -- the table -----------------------------------------------------------------------------


def ask_kernel(tree: Path, work: Path, kconfig: Kconfig, wanted: Dict[str, int], hyperv: Set[str],
               answers: Dict[str, Dict[str, list]], store: Path, jobs: int) -> None:
    """Fill ``answers`` (symbol -> arch -> [possible, how]) for the symbols of ``wanted``
    (symbol -> randconfig runs) the kernel was not asked about yet, saving as it goes.

    One allmodconfig and one allyesconfig requesting every open symbol at once settle most
    of the possible ones; each symbol left is then asked about on its own."""
    for arch in KERNEL_ARCHES:
        todo = sorted(s for s in wanted if arch not in answers.get(s, {}))
        if not todo:
            continue
        conf = KernelConf(tree, arch, work)
        conf.prepare()
        everything = {**{s: "y" for s in todo}, "COMPILE_TEST": "n"}
        for mode, frag in (("allmodconfig", {"COMPILE_TEST": "n"}), ("allmodconfig", everything), ("allyesconfig", everything)):
            values = conf.run(mode, frag)
            label = mode if len(frag) == 1 else f"{mode} requesting all open symbols"
            for symbol in todo:
                if arch not in answers.get(symbol, {}) and values.get(symbol, "n") != "n":
                    answers.setdefault(symbol, {})[arch] = [True, label]
        rest = [(s, hints(kconfig, s, arch)) for s in todo if arch not in answers.get(s, {})]  # hvlint is not thread-safe
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(kernel_answer, conf, s, h, wanted[s], s in hyperv): s for s, h in rest}
            for future in as_completed(futures):
                answers.setdefault(futures[future], {})[arch] = list(future.result())
                store.write_text(json.dumps(answers, indent=1, sort_keys=True), encoding="utf-8")
        store.write_text(json.dumps(answers, indent=1, sort_keys=True), encoding="utf-8")


def judge(tree: Path, work: Path, randconfigs: Tuple[int, int], fresh: bool, jobs: int,
          also: Sequence[str] = (), out=sys.stdout) -> int:
    """Print the table and the summary; the number of disagreements. ``also``: more symbols
    to judge (those the gating ones depend on, say), listed as gating no file."""
    linter = Linter(Settings(use_cache=False), tree)
    if linter.builds is None:
        raise JudgeError(f"{tree}: not a kernel tree")
    kconfig = linter.builds.kconfig
    symbols = gating_symbols(linter)
    for name in also:
        symbols.setdefault(name, [])
    hyperv = {s for s, files in symbols.items() if gates_hyperv(linter, files)}
    work.mkdir(parents=True, exist_ok=True)
    store = work / f"answers-{tree.name}.json"
    answers: Dict[str, Dict[str, list]] = {}
    if store.is_file() and not fresh:
        answers = json.loads(store.read_text(encoding="utf-8"))
    wanted = {s: randconfigs[0] if s in hyperv else randconfigs[1] for s in symbols}
    ask_kernel(tree, work, kconfig, wanted, hyperv, answers, store, jobs)
    disagreements = []
    width = max((len(s) for s in symbols), default=6)
    print(f"{'symbol':<{width}}  {'kernel':<12}  {'hvlint':<22}  files (* arch-neutral Hyper-V code)", file=out)
    for symbol in sorted(symbols):
        kernel = {arch: bool(answers[symbol][arch][0]) for arch in KERNEL_ARCHES}
        ours = hvlint_answer(kconfig, symbol)
        mark = "" if ours == kernel else "  <-- disagree"
        if mark:
            disagreements.append((symbol, kernel, ours))
        files = symbols[symbol]
        shown = ", ".join(files[:2]) + (f" (+{len(files) - 2})" if len(files) > 2 else "")
        star = "*" if symbol in hyperv else " "
        print(f"{symbol:<{width}}  {describe(kernel):<12}  {describe(ours):<22}  {star} {shown}{mark}", file=out)
    for symbol, kernel, ours in disagreements:
        how = "; ".join(f"{a}: {answers[symbol][a][1]}" for a in KERNEL_ARCHES)
        print(f"disagreement: CONFIG_{symbol} ({kconfig.where(symbol)}): kernel {describe(kernel)} ({how}), "
              f"hvlint {describe(ours)}", file=out)
    on_hyperv = sum(1 for s, _k, _o in disagreements if s in hyperv)
    print(f"{len(hyperv)} of them gate Hyper-V files, {on_hyperv} disagreements there", file=out)
    print(f"{len(symbols)} symbols, {len(disagreements)} disagreements", file=out)
    return len(disagreements)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The command line: exit 0 when hvlint and the kernel agree, 1 when not, 2 on errors."""
    parser = argparse.ArgumentParser(description="Judge hvlint's Kconfig answers with the kernel's own conf.")
    env_tree = os.environ.get("HVLINT_KERNEL_TREE")
    parser.add_argument("--tree", type=Path, default=Path(env_tree) if env_tree else None,
                        help="a kernel source tree, only read (default: $HVLINT_KERNEL_TREE)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "hvlint-kconfig-judge",
                        help="where conf is built and answers are kept (default: %(default)s)")
    parser.add_argument("--randconfigs", type=int, default=24,
                        help="randconfig runs per arch for a symbol that gates Hyper-V files (default: 24)")
    parser.add_argument("--other-randconfigs", type=int, default=2,
                        help="randconfig runs per arch for any other symbol (default: 2)")
    parser.add_argument("--jobs", type=int, default=2, help="conf runs at once (default: 2)")
    parser.add_argument("--also", default="", metavar="SYM,...",
                        help="more symbols to judge, without CONFIG_ (for example what the gating ones depend on)")
    parser.add_argument("--fresh", action="store_true", help="ask the kernel again instead of reusing kept answers")
    args = parser.parse_args(argv)
    if args.tree is None:
        parser.error("no kernel tree: give --tree or set HVLINT_KERNEL_TREE")
    tree = args.tree.resolve()
    if not ((tree / "Kconfig").is_file() and (tree / "arch").is_dir()):
        print(f"kconfig_judge: error: {tree}: not a kernel tree (no Kconfig and arch/ at its top)", file=sys.stderr)
        return 2
    try:
        also = [name.strip().removeprefix("CONFIG_") for name in args.also.split(",") if name.strip()]
        found = judge(tree, args.work.resolve(), (args.randconfigs, args.other_randconfigs), args.fresh, args.jobs, also)
        return 1 if found else 0
    except (JudgeError, OSError, ValueError) as exc:
        print(f"kconfig_judge: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
