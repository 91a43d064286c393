"""Proven by the compiler: a patch to a kernel tree leaves the Hyper-V objects' machine code as
it was (issue 13).

    python tools/compile_check.py --tree /path/to/linux --patch rename.patch \\
        [--arch x86_64,arm64] [--work DIR] [--objects SPEC,...]

The tree itself is never written: a copy of it in the work dir is built pristine for each arch
(``allmodconfig``, ``make O=<work>/<tree>/before-<arch>``), then patched and built again
(``O=<work>/<tree>/after-<arch>``), and each object's code sections are compared with
``objdump -drtwz`` as tools/objcode.py normalises it (addresses and symbol names set aside;
data, debug and line information never looked at). The copy and the build dirs stay in
``--work``: a run with another patch on the same tree builds nothing before and rebuilds after
only what the last patch or the new one touches.

Exit status: 0 every object built before builds after with identical code; 1 an object differs
or no longer builds; 2 usage error; 3 the tree or work dir is unusable; 4 the patch cannot be
read or does not apply; 5 a tool (make, patch, compiler, objdump) is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import hvobjects  # noqa: E402
import objcode  # noqa: E402
import patchinfo  # noqa: E402
from hvlint import tomlcompat  # noqa: E402

DATA = Path(__file__).resolve().parent / "compile_check.toml"
STAMP = ".compile-check.json"


class Failure(Exception):
    """A one-line error and the exit code it ends the run with."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Row:
    """One object of one arch: whether it built, and how its code compares."""

    arch: str
    target: str
    before: str = "-"
    after: str = "-"
    instructions: Optional[int] = None
    result: str = ""
    details: List[str] = field(default_factory=list)
    ok: bool = True


def load_data() -> dict:
    """tools/compile_check.toml."""
    return tomlcompat.loads(DATA.read_text(encoding="utf-8"))


def note(message: str) -> None:
    """Progress on stderr."""
    print(f"compile_check: {message}", file=sys.stderr, flush=True)


def check_tools(arches: Sequence[hvobjects.Arch]) -> None:
    """Every program the run needs is on PATH, else Failure(5)."""
    needed = ["make", "patch", "cp", "nice"]
    for arch in arches:
        needed += [arch.cross_compile + "gcc", arch.objdump]
    for program in needed:
        if shutil.which(program) is None:
            raise Failure(5, f"{program} not found on PATH")


def prepare_work(tree: Path, work: Path) -> Path:
    """The work folder for ``tree`` (``<work>/<tree name>``), made and checked to belong to it."""
    if not (tree / "Makefile").is_file() or not (tree / "arch").is_dir():
        raise Failure(3, f"{tree} is not a kernel tree (no Makefile and arch/)")
    if (tree / ".config").exists() or (tree / "include" / "config").exists():
        raise Failure(3, f"{tree} has been configured in place; O= builds need a clean tree")
    place = work / tree.name
    owner = place / "tree.txt"
    if owner.is_file() and owner.read_text(encoding="utf-8").strip() != str(tree):
        raise Failure(3, f"{place} belongs to {owner.read_text(encoding='utf-8').strip()}")
    place.mkdir(parents=True, exist_ok=True)
    owner.write_text(f"{tree}\n", encoding="utf-8")
    return place


def _first_failure(done: subprocess.CompletedProcess) -> str:
    """``file: Hunk #2 FAILED at 71.`` from ``patch --verbose`` output, or its last line."""
    current = ""
    lines = (done.stdout + done.stderr).splitlines()
    for line in lines:
        if line.startswith("checking file "):
            current = line[len("checking file "):]
        elif "FAILED" in line or "can't find file" in line:
            return f"{current}: {line.strip()}" if current else line.strip()
    return lines[-1].strip() if lines else "patch failed"


class Source:
    """The work copy of the tree (``<place>/src``), pristine or with one patch applied.

    Both builds compile this one copy, so file names the compiler writes into the objects
    (sanitizer and warning locations) are the same before and after. ``applied.patch`` says
    which patch is on; taking it off copies the files it touched back from the tree with a new
    time, so make rebuilds what depends on them."""

    def __init__(self, tree: Path, place: Path) -> None:
        self.tree = tree
        self.path = place / "src"
        self.applied = place / "applied.patch"
        if not self.path.is_dir():
            note(f"copying {tree} to {self.path}")
            partial = place / "src.partial"
            shutil.rmtree(partial, ignore_errors=True)
            place.mkdir(parents=True, exist_ok=True)
            copy = ["cp", "-a", "--reflink=auto", str(tree), str(partial)]
            done = subprocess.run(copy, capture_output=True, text=True)
            if done.returncode != 0:
                raise Failure(3, f"copying {tree} failed: {done.stderr.strip().splitlines()[0]}")
            partial.rename(self.path)

    def pristine(self) -> None:
        """Take the applied patch off, if there is one."""
        if not self.applied.is_file():
            return
        old = patchinfo.parse(self.applied.read_text(encoding="utf-8", errors="replace"))
        for rel in old.paths():
            original, copy = self.tree / rel, self.path / rel
            if original.is_file():
                shutil.copyfile(original, copy)
            elif copy.exists():
                copy.unlink()
        self.applied.unlink()

    def patch(self, patch: Path) -> None:
        """Make the copy the tree with ``patch`` applied, else Failure(4)."""
        if self.applied.is_file() and self.applied.read_bytes() == patch.read_bytes():
            return
        self.pristine()
        trial = self._run(patch, "--dry-run", "--verbose")
        if trial.returncode != 0:
            raise Failure(4, f"{patch} does not apply to {self.tree}: {_first_failure(trial)}")
        self._run(patch)
        shutil.copyfile(patch, self.applied)

    def _run(self, patch: Path, *extra: str) -> subprocess.CompletedProcess:
        """``patch -p1`` in the copy: exact (no fuzz), never interactive, no backup files."""
        command = ["patch", "-p1", "--batch", "--forward", "--fuzz=0", "--no-backup-if-mismatch", "-s"]
        command += extra
        return subprocess.run(
            [*command, "-d", str(self.path), "-i", str(patch)], capture_output=True, text=True
        )


def last_build(out: Path, targets: List[str], key: str) -> Optional[dict]:
    """The stamp of the build ``out`` last did ({rc, failed}), when it built ``targets`` (or
    more) with ``key``."""
    try:
        stamp = json.loads((out / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not set(targets) <= set(stamp.get("targets", [])) or stamp.get("key") != key:
        return None
    return stamp


def build(
    source: Path, out: Path, arch: hvobjects.Arch, targets: List[str], key: str, jobs: int
) -> dict:
    """Build ``targets`` from ``source`` in ``out`` and stamp it with ``key``; the stamp:
    make's exit code and the objects it reported failing."""
    (out / STAMP).unlink(missing_ok=True)
    log = out.parent / f"{out.name}.log"
    start = time.monotonic()
    offset = log.stat().st_size if log.is_file() else 0  # the log keeps every run; read this one
    note(f"{out.name}: make {' '.join(targets)} (log {log})")
    rc = hvobjects.make(source, out, arch, targets, log, jobs)
    with log.open("rb") as handle:
        handle.seek(offset)
        this_run = handle.read().decode("utf-8", errors="replace")
    failed = sorted(hvobjects.failed_objects(this_run))
    note(f"{out.name}: make exit {rc}, {len(failed)} failed, {time.monotonic() - start:.0f} s")
    payload = {"targets": targets, "key": key, "failed": failed, "rc": rc}
    (out / STAMP).write_text(json.dumps(payload), encoding="utf-8")
    return payload


def configure(
    source: Path, out: Path, arch: hvobjects.Arch, target: str, seed: Optional[Path] = None
) -> None:
    """Make ``out/.config`` unless it is there: with ``target`` (allmodconfig) or, given
    ``seed``, as that .config refreshed for ``source`` (olddefconfig)."""
    out.mkdir(parents=True, exist_ok=True)
    if (out / ".config").is_file():
        return
    log = out.parent / f"{out.name}.log"
    if seed is not None:
        shutil.copyfile(seed, out / ".config")
    rc = hvobjects.make(source, out, arch, ["olddefconfig" if seed else target], log, 2)
    if rc != 0 or not (out / ".config").is_file():
        (out / ".config").unlink(missing_ok=True)
        raise Failure(3, f"{arch.name}: configuring {out} failed, see {log}")


def disassemble(arch: hvobjects.Arch, path: Path) -> objcode.Code:
    """``objdump -drtwz`` of one object, normalised."""
    done = subprocess.run([arch.objdump, "-drtwz", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        raise Failure(5, f"{arch.objdump} failed on {path}: {done.stderr.strip()}")
    return objcode.normalise(done.stdout)


WHY = {
    "line numbers": "only __LINE__ values the patch moved",
    "data offsets": "only offsets into data sections (relocation addends)",
    "code": "code",
}


def compare_object(
    arch: hvobjects.Arch, rel: str, old: objcode.Code, new: objcode.Code,
    info: patchinfo.PatchInfo, rules: objcode.RenameRules, show: int,
) -> Row:
    """The row of an object built on both sides, from its code before and after."""
    row = Row(arch.name, rel, "built", "built", instructions=old.instructions)
    pairs = objcode.renamed(old, new)
    strange = objcode.unexplained_renames(pairs, rules)
    difference = objcode.compare(old, new, info.line_moved, show)
    if difference is None and not strange:
        row.result = "identical"
        if pairs:
            row.result += f" ({len(pairs)} symbol(s) renamed by the patch)"
        row.details += [f"renamed: {a} -> {b}" for a, b in pairs]
        return row
    row.ok = False
    if difference is not None:
        row.result = f"differs: {difference.blocks} block(s), {WHY[difference.why]}"
        row.details += difference.first
    else:
        row.result = "differs: a symbol changed name that the patch does not rename"
    row.details += [f"no rename: {why}" for why in strange]
    return row


@dataclass
class Plan:
    """One arch's part of the run: its build dirs and what it builds."""

    arch: hvobjects.Arch
    before: Path
    after: Path
    units: List[hvobjects.Unit]
    targets: List[str]
    failed_before: List[str] = field(default_factory=list)


def plan_and_build_before(
    arch: hvobjects.Arch, source: Source, place: Path, specs: Sequence[str], data: dict, jobs: int
) -> Plan:
    """Configure ``arch``, resolve the specs, and build the pristine copy unless done."""
    before = place / f"before-{arch.name}"
    if not (before / ".config").is_file():
        source.pristine()
        configure(source.path, before, arch, data["config"])
    config = hvobjects.read_config(before / ".config")
    units = hvobjects.resolve(source.tree, specs, arch, config)
    plan = Plan(arch, before, place / f"after-{arch.name}", units, [u.target for u in units if not u.skipped])
    if plan.targets:
        stamp = last_build(before, plan.targets, "")
        if stamp is not None:
            note(f"{before.name}: up to date")
        else:
            source.pristine()
            stamp = build(source.path, before, arch, plan.targets, "", jobs)
        plan.failed_before = stamp["failed"]
    return plan


def build_after_and_compare(
    plan: Plan, source: Source, key: str, info: patchinfo.PatchInfo, args: argparse.Namespace
) -> Tuple[List[Row], List[str]]:
    """Build the patched copy (the patch is on) and compare; rows and notes."""
    arch = plan.arch
    notes = [f"{arch.name}: skipped {u.target}: {u.skipped}" for u in plan.units if u.skipped]
    if not plan.targets:
        return [], notes
    configure(source.path, plan.after, arch, "", plan.before / ".config")
    if hvobjects.read_config(plan.after / ".config") != hvobjects.read_config(plan.before / ".config"):
        notes.append(f"{arch.name}: the patched tree's configuration differs from the original's")
    stamp = last_build(plan.after, plan.targets, key)
    if stamp is not None:
        note(f"{plan.after.name}: up to date for this patch")
    else:
        stamp = build(source.path, plan.after, arch, plan.targets, key, args.jobs)
    failed_after = stamp["failed"]
    rows: List[Row] = []
    if stamp["rc"] != 0 and not failed_after:
        # make stopped before any object (prepare, a header it generates): what lies in the
        # build dir may be the last patch's, so nothing there proves anything
        log = plan.after.parent / f"{plan.after.name}.log"
        rows.append(Row(arch.name, "(make)", result=f"make exit {stamp['rc']}, see {log}", ok=False))
        return rows, notes
    pending: List[Tuple[int, str]] = []  # (row index, object) built on both sides
    seen = set()
    for unit in plan.units:
        if unit.skipped:
            continue
        old = [o for o in hvobjects.compiled_objects(plan.before, unit) if o not in plan.failed_before]
        new = [o for o in hvobjects.compiled_objects(plan.after, unit) if o not in failed_after]
        if not unit.is_dir and not old:
            rows.append(Row(arch.name, unit.target, "failed", "-", result="not built before"))
        for rel in old + [o for o in new if o not in old]:
            if rel in seen:
                continue
            seen.add(rel)
            if rel not in new:
                rows.append(Row(arch.name, rel, "built", "failed", result="no longer builds", ok=False))
            elif rel not in old:
                rows.append(Row(arch.name, rel, "-", "built", result="new after the patch"))
            else:
                pending.append((len(rows), rel))
                rows.append(Row(arch.name, rel))
        if unit.is_dir:
            notes += hvobjects.unbuilt_sources(source.tree, plan.before, unit, arch.name)
    codes = {rel: (disassemble(arch, plan.before / rel), disassemble(arch, plan.after / rel))
             for _, rel in pending}
    rules = objcode.RenameRules.of(info.removed, info.added, codes.values())
    for index, rel in pending:
        rows[index] = compare_object(arch, rel, *codes[rel], info, rules, args.show)
    return rows, notes


def print_report(rows: List[Row], notes: List[str], arches: Sequence[hvobjects.Arch]) -> None:
    """The per-object table, the differences, the notes and a summary per arch."""
    width = max([len(r.target) for r in rows] + [6])
    print(f"{'arch':<7} {'object':<{width}} {'before':<6} {'after':<6} {'insns':>7}  result")
    for r in rows:
        count = f"{r.instructions:,}" if r.instructions is not None else "-"
        print(f"{r.arch:<7} {r.target:<{width}} {r.before:<6} {r.after:<6} {count:>7}  {r.result}")
    for r in rows:
        if r.details:
            print(f"\n{r.arch} {r.target}: {r.result}")
            for line in r.details:
                print(f"    {line}")
    if notes:
        print()
        for line in notes:
            print(line)
    print()
    for arch in arches:
        mine = [r for r in rows if r.arch == arch.name]
        built = [r for r in mine if r.before == "built"]
        both = [r for r in built if r.after == "built"]
        same = [r for r in both if r.ok]
        insns = sum(r.instructions or 0 for r in same)
        stopped = "".join(f"; {r.result}" for r in mine if r.target == "(make)")
        print(
            f"{arch.name}: {len(built)} objects built before, {len(both)} of them after; "
            f"{len(same)} identical ({insns:,} instructions), {len(both) - len(same)} differ, "
            f"{len(built) - len(both)} no longer build{stopped}"
        )


def parse_args(argv: Optional[Sequence[str]], data: dict) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="compile_check.py",
        description="Build the Hyper-V objects before and after a patch and compare their code.",
    )
    parser.add_argument("--tree", type=Path, required=True, help="kernel tree (never written)")
    parser.add_argument("--patch", type=Path, required=True, help="patch for `patch -p1`")
    parser.add_argument("--arch", default=",".join(data["arch"]), help="comma-separated arches")
    parser.add_argument(
        "--work", type=Path, default=Path.home() / ".cache" / "hvlint-compile-check",
        help="keeps the build dirs and the patched copy between runs",
    )
    parser.add_argument("--objects", help="comma-separated specs instead of the issue's list")
    parser.add_argument("--jobs", type=int, default=2, help="make -j (default 2)")
    parser.add_argument("--show", type=int, default=6, help="differing lines shown per object")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the check; the exit status described in the module docstring."""
    data = load_data()
    args = parse_args(argv, data)
    try:
        unknown = [a for a in args.arch.split(",") if a not in data["arch"]]
        if unknown:
            raise Failure(2, f"unknown arch {unknown[0]} (known: {', '.join(data['arch'])})")
        arches = [hvobjects.Arch(name, **data["arch"][name]) for name in args.arch.split(",")]
        specs = args.objects.split(",") if args.objects else list(data["objects"])
        check_tools(arches)
        tree = args.tree.resolve()
        try:
            info = patchinfo.parse(args.patch.read_text(encoding="utf-8", errors="replace"))
        except OSError as error:
            raise Failure(4, f"cannot read {args.patch}: {error.strerror}") from None
        if not info.files:
            raise Failure(4, f"{args.patch} changes no file")
        place = prepare_work(tree, args.work.resolve())
        source = Source(tree, place)
        plans = [plan_and_build_before(a, source, place, specs, data, args.jobs) for a in arches]
        source.patch(args.patch.resolve())
        key = hashlib.sha256(args.patch.read_bytes()).hexdigest()
        rows: List[Row] = []
        notes: List[str] = []
        for plan in plans:
            more_rows, more_notes = build_after_and_compare(plan, source, key, info, args)
            rows += more_rows
            notes += more_notes
    except Failure as failure:
        print(f"compile_check: {failure}", file=sys.stderr)
        return failure.code
    print_report(rows, notes, arches)
    return 0 if rows and all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
