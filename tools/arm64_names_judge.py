#!/usr/bin/env python3
"""The arm64 compiler judges HV102's recall (issue 17, "The judge: the compiler").

    python tools/arm64_names_judge.py --tree /path/to/linux [--work DIR] [--build DIR] \\
        [--hvlint CMD] [--sample N] [--seed S]

The names come from the compiler, not from hvlint: a file including what real drivers/hv files
include is preprocessed for x86_64 and for arm64 (``gcc -E -dD`` through kbuild's ``%.i``
target, allmodconfig), and tools/cdecls.py reads what each side declares. A name is x86-only
when x86 declares it, in arch/x86 or in a shared header that arm64 reads too (an x86-only
branch), and arm64 does not; it is declared for both when both declare it with the same kind.
``asm/X.h`` headers are x86-only when x86 has one and arm64 has none (no arch header, uapi or
generated wrapper). ``--sample`` names are drawn (``--seed``), half of each group, spread over
the kinds.

Each name gets one line of use in a probe file in ``drivers/hv`` of a hard-linked copy of the
tree (``<work>/<tree>/src``; drivers/hv/Makefile is replaced there by a new file that also
builds the probes). Both arches build every probe object with ``make -k`` in
``<build>/<tree>/<arch>``: a probe line x86_64 cannot compile is ill-formed and set aside;
for the rest the judge compares, line by line, "arm64 fails" with "hvlint reports HV102".
hvlint runs on the probe files in the copy (``--hvlint``, default this Python's hvlint).

Prints the sample per kind, the agreement and every disagreement, and writes all of it to
``<work>/disagreements-<tree>.json``. Exit status: 0 full agreement, 1 a disagreement, 2 usage
error, 3 the tree, a build or a tool is unusable.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import cdecls  # noqa: E402
import compile_check  # noqa: E402
import hvobjects  # noqa: E402
from compile_check import Failure  # noqa: E402
from hvlint import tomlcompat  # noqa: E402

DATA = Path(__file__).resolve().parent / "arm64_names_judge.toml"
ARCHES = ("x86_64", "arm64")
HEADER = "asm-header"
KINDS = cdecls.KINDS + (HEADER,)
X86_ONLY, BOTH = "x86-only", "both"
UNIVERSE = "hvlint_universe"
PROBE = "hvlint_probe_{}"
STAMP = ".arm64-names-judge.json"
_INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]')
_PROBE_REF = re.compile(r"hvlint_probe_(\d+)\.c:(\d+)")
_IN_FUNCTION = re.compile(r"^(\S+): In function ['\u2018](\w+)['\u2019]:")
_INCLUDED = re.compile(r"^(?:In file included from|\s+from) (\S+?):(\d+)[:,]")
_DIAGNOSTIC = re.compile(r"^(\S+?):(\d+):(?:\d+:)? (fatal error|error|warning|note): (.*)$")
_LINE_FUNCTION = re.compile(r"^hvlint_line_(\d+)$")
_WORD = re.compile(r"[A-Za-z_]\w*")
_GENERIC_WRAPPER = re.compile(r"#include <asm-generic/([\w/.-]+)>")
_MACRO_CALL = re.compile(r"^\s*([A-Za-z_]\w*)\s*\(")


def load_data() -> dict:
    """tools/arm64_names_judge.toml."""
    return tomlcompat.loads(DATA.read_text(encoding="utf-8"))


def note(message: str) -> None:
    """Progress on stderr."""
    print(f"arm64_names_judge: {message}", file=sys.stderr, flush=True)


@dataclass
class Probe:
    """One sampled name, its use in a probe file, and what each side said about it."""

    name: str
    kind: str
    group: str  # x86-only or both
    x86_where: str
    arm64_where: str = ""
    use: str = ""
    object: int = -1
    line: int = 0
    x86: str = ""  # "builds", or the compiler's error
    arm64: str = ""
    hvlint: str = ""  # "", or the HV102 message
    note: str = ""  # why hvlint may not see the declaration (generated, token pasting)

    @property
    def arm64_fails(self) -> bool:
        """arm64 could not compile the probe line."""
        return self.arm64 != "builds"

    @property
    def judged(self) -> bool:
        """Well-formed (x86_64 compiles it) and arm64's answer is known."""
        return self.x86 == "builds" and self.arm64 not in ("", "unknown")

    @property
    def agrees(self) -> bool:
        """arm64 fails <=> hvlint reports HV102."""
        return self.arm64_fails == bool(self.hvlint)


# -- the names each arch declares ----------------------------------------------------------


def includes(tree: Path, data: dict) -> List[str]:
    """The ``#include`` lines of the files ``include_from`` names, each once, in order."""
    seen: List[str] = []
    for rel in data["include_from"]:
        path = tree / rel
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = _INCLUDE.match(line)
            if match is None:
                continue
            opener = match.group(1)
            text = f"#include {opener}{match.group(2)}{'>' if opener == '<' else opener}"
            if text not in seen:
                seen.append(text)
    return seen


def asm_headers(src: Path, build: Path, srcarch: str) -> Dict[str, str]:
    """Every ``asm/X.h`` an arch provides (its headers, uapi headers and the generated
    wrappers of its build dir), with the file that provides it."""
    found: Dict[str, str] = {}
    places = [
        (src / "arch" / srcarch / "include" / "asm", f"arch/{srcarch}/include/asm"),
        (src / "arch" / srcarch / "include" / "uapi" / "asm", f"arch/{srcarch}/include/uapi/asm"),
        (build / "arch" / srcarch / "include" / "generated" / "asm", f"arch/{srcarch}/include/generated/asm"),
        (build / "arch" / srcarch / "include" / "generated" / "uapi" / "asm",
         f"arch/{srcarch}/include/generated/uapi/asm"),
    ]
    for folder, shown in places:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.h")):
            rel = path.relative_to(folder).as_posix()
            found.setdefault(f"asm/{rel}", f"{shown}/{rel}")
    return found


def arch_words(src: Path, build: Path, folders: Sequence[str]) -> Set[str]:
    """Every identifier the arch's own headers spell (``folders`` of the tree, the generated
    ones of ``build``, and the asm-generic headers those generated wrappers include), reached
    from drivers/hv or not."""
    words: Set[str] = set()
    places = [src / f for f in folders] + [build / f / "generated" for f in folders if f.endswith("/include")]
    for folder in places:
        for path in folder.rglob("*.h") if folder.is_dir() else []:
            text = path.read_text(encoding="utf-8", errors="replace")
            words.update(_WORD.findall(text))
            for wrapped in _GENERIC_WRAPPER.findall(text):
                generic = src / "include" / "asm-generic" / wrapped
                if "generated" in path.parts and generic.is_file():
                    words.update(_WORD.findall(generic.read_text(encoding="utf-8", errors="replace")))
    return words


def spelling(probe: Probe, src: Path) -> str:
    """Why hvlint, which reads the source tree, may not see ``probe``'s declaration: it is in a
    generated header, made by token pasting (the name is not spelled in its file) or by a macro
    call on its line (``DECLARE_PER_CPU(u32, name)``); else ""."""
    if probe.kind == HEADER:
        return ""
    path = probe.x86_where.rsplit(":", 1)[0]
    if "/generated/" in f"/{path}":
        return f"declared in a generated header ({path}), not in the source tree"
    try:
        text = (src / path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    if not re.search(rf"\b{re.escape(probe.name)}\b", text):
        return f"made by token pasting: the name is not spelled in {path}"
    lines = text.splitlines()
    number = int(probe.x86_where.rsplit(":", 1)[1])
    call = _MACRO_CALL.match(lines[number - 1]) if 0 < number <= len(lines) else None
    if call and call.group(1) != probe.name and call.group(1) not in cdecls.KEYWORDS:
        return f"declared by a macro call: {call.group(1)}(...) at {probe.x86_where}"
    return ""


def _skipped(decl: cdecls.Decl, skip: dict) -> bool:
    """Never sampled: the compiler's and the configuration's macros, the probes, macros whose
    replacement cannot be an expression."""
    if decl.path.startswith(tuple(skip["paths"])) or decl.path.startswith("/"):
        return True
    if decl.name.startswith(tuple(skip["names"])):
        return True
    return decl.kind == cdecls.OBJECT_MACRO and not re.match(skip["macro_body_start"], decl.body)


def candidates(
    x86: cdecls.Universe, arm64: cdecls.Universe, headers: Dict[str, Dict[str, str]], skip: dict,
    arm64_words: Set[str],
) -> Dict[Tuple[str, str], List[Probe]]:
    """The names that can be sampled, by (group, kind), sorted by name. A name arm64's own
    headers spell is never x86-only, even where drivers/hv's includes do not reach it there."""
    pools: Dict[Tuple[str, str], List[Probe]] = {}
    for (space, name), decl in sorted(x86.names.items()):
        if _skipped(decl, skip):
            continue
        other = arm64.get(space, name)
        if other is not None:
            if other.kind == decl.kind:
                pools.setdefault((BOTH, decl.kind), []).append(
                    Probe(name, decl.kind, BOTH, decl.where, other.where)
                )
            continue
        if name in arm64_words:
            continue
        if decl.path.startswith("arch/x86/") or decl.path in arm64.files:
            pools.setdefault((X86_ONLY, decl.kind), []).append(Probe(name, decl.kind, X86_ONLY, decl.where))
    for name, where in sorted(headers["x86_64"].items()):
        if name.endswith(tuple(skip["header_endings"])):
            continue
        theirs = headers["arm64"].get(name)
        group = BOTH if theirs else X86_ONLY
        pools.setdefault((group, HEADER), []).append(Probe(name, HEADER, group, where, theirs or ""))
    return pools


def draw(
    pools: Dict[Tuple[str, str], List[Probe]], count: int, seed: int,
    weights: Optional[Dict[str, int]] = None,
) -> List[Probe]:
    """``count`` names, half from each group, taken in turn from each kind's shuffled pool,
    ``weights[kind]`` at a time (default 1); a kind with too few names leaves its share to
    the others."""
    rng = random.Random(seed)
    weights = weights or {}
    picked: List[Probe] = []
    for group, share in ((X86_ONLY, (count + 1) // 2), (BOTH, count // 2)):
        shuffled = {k: rng.sample(pools.get((group, k), []), len(pools.get((group, k), []))) for k in KINDS}
        taken = 0
        while taken < share and any(shuffled.values()):
            for kind in KINDS:
                for _ in range(weights.get(kind, 1)):
                    if shuffled[kind] and taken < share:
                        picked.append(shuffled[kind].pop())
                        taken += 1
    return picked


# -- the probe files ------------------------------------------------------------------------


def use_of(probe: Probe, data: dict, arity: int) -> str:
    """The line of C that uses ``probe``'s name."""
    return data["uses"][probe.kind].format(name=probe.name, args=", ".join(["0"] * arity))


def layout(probes: List[Probe], per_object: int) -> int:
    """Give each probe its object; one header per object (a missing header stops the compiler,
    so it comes last). The number of objects."""
    names = [p for p in probes if p.kind != HEADER]
    headers = [p for p in probes if p.kind == HEADER]
    count = max(-(-len(names) // per_object), len(headers), 1)
    for index, probe in enumerate(names):
        probe.object = index % count
    for index, probe in enumerate(headers):
        probe.object = index
    return count


def probe_text(number: int, probes: List[Probe], include_lines: List[str]) -> str:
    """Probe file ``number``: the includes, one function a name, the header (if any) last;
    sets each probe's line."""
    lines = [
        "// SPDX-License-Identifier: GPL-2.0",
        f"/* Written by tools/arm64_names_judge.py: probe {number}, one name a line. */",
        *include_lines,
        "",
    ]
    mine = [p for p in probes if p.object == number]
    for probe in sorted(mine, key=lambda p: p.kind == HEADER):
        probe.line = len(lines) + 1
        if probe.kind == HEADER:
            lines.append(probe.use)
        else:
            lines.append(f"static void __maybe_unused hvlint_line_{probe.line}(void) {{ {probe.use} }}")
    return "\n".join(lines) + "\n"


def replace(path: Path, text: str) -> None:
    """Write ``path`` as a new file (never through a hard link to the tree)."""
    if path.exists() or path.is_symlink():
        path.unlink()
    path.write_text(text, encoding="utf-8")


def makefile_text(original: str, objects: int, data: dict) -> str:
    """drivers/hv/Makefile with the probes (and the -dD universe) added."""
    lines = [original.rstrip("\n"), "", "# arm64 names judge (tools/arm64_names_judge.py)"]
    lines.append(f"CFLAGS_{UNIVERSE}.o += -dD")
    for number in range(objects):
        name = PROBE.format(number)
        lines.append(f"obj-$({data['probe_config']}) += {name}.o")
        lines.append(f"CFLAGS_{name}.o += {data['probe_cflags']}")
    return "\n".join(lines) + "\n"


def link_copy(tree: Path, place: Path) -> Path:
    """``<place>/src``: the tree hard-linked (``cp -al``), made once."""
    src = place / "src"
    if not src.is_dir():
        note(f"linking {tree} to {src}")
        partial = place / "src.partial"
        shutil.rmtree(partial, ignore_errors=True)
        done = subprocess.run(["cp", "-al", str(tree), str(partial)], capture_output=True, text=True)
        if done.returncode != 0:
            raise Failure(3, f"cp -al {tree} failed: {done.stderr.strip().splitlines()[0]}")
        partial.rename(src)
    return src


def write_probes(tree: Path, src: Path, probes: List[Probe], data: dict) -> List[Path]:
    """The probe files and the Makefile in the copy; stale probes removed. The probe files."""
    folder = src / data["probe_dir"]
    for old in folder.glob("hvlint_probe_*.c"):
        old.unlink()
    include_lines = includes(tree, data)
    replace(folder / f"{UNIVERSE}.c", "\n".join(include_lines) + "\n")
    objects = layout(probes, data["names_per_object"])
    files = []
    for number in range(objects):
        path = folder / f"{PROBE.format(number)}.c"
        replace(path, probe_text(number, probes, include_lines))
        files.append(path)
    original = (tree / data["probe_dir"] / "Makefile").read_text(encoding="utf-8")
    replace(folder / "Makefile", makefile_text(original, objects, data))
    return files


# -- the compiler's answer -------------------------------------------------------------------


def errors_by_line(log: str) -> Dict[Tuple[int, int], str]:
    """(probe object, line) -> the first error gcc gave for it, from a build log. An error is
    put on a probe line when it is there, when it comes from a header that line includes, when
    a note of it (``in expansion of macro``) is there, or when it is inside that line's
    function."""
    found: Dict[Tuple[int, int], str] = {}
    function: Optional[Tuple[int, int]] = None
    included: List[Tuple[int, int]] = []
    last_error: Optional[str] = None
    for text in log.splitlines():
        match = _IN_FUNCTION.match(text)
        if match:
            ref, name = _PROBE_REF.search(match.group(1) + ":0"), _LINE_FUNCTION.match(match.group(2))
            function = (int(ref.group(1)), int(name.group(1))) if ref and name else None
            continue
        if text.endswith(": At top level:"):
            function = None
            continue
        match = _INCLUDED.match(text)
        if match:
            ref = _PROBE_REF.search(f"{match.group(1)}:{match.group(2)}")
            if ref:
                included.append((int(ref.group(1)), int(ref.group(2))))
            continue
        match = _DIAGNOSTIC.match(text)
        if not match:
            continue
        ref = _PROBE_REF.search(f"{match.group(1)}:{match.group(2)}")
        here = (int(ref.group(1)), int(ref.group(2))) if ref else None
        severity, message = match.group(3), match.group(4).strip()
        if severity in ("error", "fatal error"):
            last_error = message
            # the line itself, else the probe function it is in, else the probe line that
            # includes the header it is in
            targets = [here] if here else [function] if function else included
            for target in targets:
                found.setdefault(target, message)
        elif severity == "note" and here is not None and last_error is not None:
            found.setdefault(here, last_error)
        elif severity == "warning":
            last_error = None
        included = []
    return found


def build_arch(
    src: Path, out: Path, arch: hvobjects.Arch, targets: List[str], jobs: int
) -> str:
    """``make -k`` of ``targets`` in ``out`` (configured first); this run's log."""
    compile_check.configure(src, out, arch, "allmodconfig")
    log = out.parent / f"{out.name}.log"
    offset = log.stat().st_size if log.is_file() else 0
    start = time.monotonic()
    rc = hvobjects.make(src, out, arch, targets, log, jobs, sync=True)
    with log.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode("utf-8", errors="replace")
    note(f"{arch.name}: make {len(targets)} target(s), exit {rc}, {time.monotonic() - start:.0f} s")
    return text


def universe(src: Path, out: Path, arch: hvobjects.Arch, data: dict, jobs: int) -> cdecls.Universe:
    """What a drivers/hv file sees on ``arch``, from the preprocessed universe file."""
    target = f"{data['probe_dir']}/{UNIVERSE}.i"
    log = build_arch(src, out, arch, [target], jobs)
    path = out / target
    if not path.is_file():
        last = [line for line in log.splitlines() if line.strip()][-1:] or ["no output"]
        raise Failure(3, f"{arch.name}: preprocessing {target} failed: {last[0]}")
    return cdecls.read(path.read_text(encoding="utf-8", errors="replace"), [str(src), str(out)])


def compile_probes(
    src: Path, out: Path, arch: hvobjects.Arch, probes: List[Probe], files: List[Path], data: dict,
    jobs: int,
) -> None:
    """Build every probe object for ``arch`` (unless the last run built these very probe files,
    whose answers its stamp keeps); set each probe's answer for it."""
    targets = [f"{data['probe_dir']}/{path.stem}.o" for path in files]
    key = hashlib.sha256(b"".join(p.read_bytes() for p in [*files, files[0].parent / "Makefile"])).hexdigest()
    stamp = out / STAMP
    try:
        kept = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    if kept.get("key") == key:
        note(f"{arch.name}: probes unchanged since the last build, its answers reused")
        answers = kept["answers"]
    else:
        stamp.unlink(missing_ok=True)
        for target in targets:
            (out / target).unlink(missing_ok=True)
        answers = _answers(build_arch(src, out, arch, targets, jobs), out, targets, probes)
        stamp.write_text(json.dumps({"key": key, "answers": answers}), encoding="utf-8")
    for probe in probes:
        setattr(probe, "x86" if arch.name == "x86_64" else "arm64", answers[f"{probe.object}:{probe.line}"])


def _answers(log: str, out: Path, targets: List[str], probes: List[Probe]) -> Dict[str, str]:
    """``object:line`` -> "builds", the compiler's error, or "unknown" (the object failed and
    no error says where), from one build's log."""
    errors = errors_by_line(log)
    failed = hvobjects.failed_objects(log)
    attributed = {number for number, _ in errors}
    answers = {}
    for probe in probes:
        target = targets[probe.object]
        if (probe.object, probe.line) in errors:
            answer = errors[(probe.object, probe.line)]
        elif (out / target).is_file() and target not in failed:
            answer = "builds"
        elif probe.object in attributed:
            answer = "builds"  # the object failed on other lines only
        else:
            answer = "unknown"
        answers[f"{probe.object}:{probe.line}"] = answer
    return answers


# -- hvlint's answer -------------------------------------------------------------------------


def hvlint_findings(command: Sequence[str], src: Path, files: List[Path]) -> Dict[Tuple[str, int], str]:
    """(probe file name, line) -> the HV102 message hvlint gives there."""
    run = [*command, "--root", str(src), "--format", "json", "--no-cache", *map(str, files)]
    try:
        done = subprocess.run(run, capture_output=True, text=True)
    except OSError as error:
        raise Failure(3, f"cannot run {command[0]}: {error.strerror}") from None
    if done.returncode not in (0, 1):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise Failure(3, f"hvlint exited {done.returncode}: {last}")
    try:
        report = json.loads(done.stdout)
    except ValueError:
        raise Failure(3, "hvlint --format json printed no JSON") from None
    return {
        (Path(f["path"]).name, f["line"]): f["message"]
        for f in report["findings"]
        if f["code"] == "HV102"
    }


# -- the report ------------------------------------------------------------------------------


def summary(probes: List[Probe]) -> dict:
    """Counts per kind and group, the agreement and the confusion matrix."""
    judged = [p for p in probes if p.judged]
    per_kind = {}
    for kind in KINDS:
        mine = [p for p in probes if p.kind == kind]
        per_kind[kind] = {
            X86_ONLY: sum(1 for p in judged if p.kind == kind and p.group == X86_ONLY),
            BOTH: sum(1 for p in judged if p.kind == kind and p.group == BOTH),
            "set aside": sum(1 for p in mine if not p.judged),
        }
    matrix = Counter(
        ("arm64 fails" if p.arm64_fails else "arm64 builds") + ", " + ("HV102" if p.hvlint else "silent")
        for p in judged
    )
    agree = sum(1 for p in judged if p.agrees)
    unseen = sum(1 for p in judged if not p.agrees and p.note)
    return {
        "sampled": len(probes),
        "judged": len(judged),
        "agree": agree,
        "agreement": round(100.0 * agree / len(judged), 2) if judged else 0.0,
        "per_kind": per_kind,
        "matrix": dict(sorted(matrix.items())),
        "disagreements_unseen": unseen,
    }


def describe(probe: Probe) -> str:
    """One disagreement in a line."""
    where = f"x86: {probe.x86_where}" + (f", arm64: {probe.arm64_where}" if probe.arm64_where else "")
    arm64 = "arm64 builds it" if not probe.arm64_fails else f"arm64 fails ({probe.arm64})"
    said = f"hvlint: HV102 ({probe.hvlint})" if probe.hvlint else "hvlint: no HV102"
    note = f" [{probe.note}]" if probe.note else ""
    return f"{probe.name} [{probe.kind}, {probe.group}] ({where}): {arm64}; {said}{note}"


def print_report(tree: Path, probes: List[Probe], facts: dict) -> None:
    """The table per kind, the matrix, the agreement and every disagreement."""
    print(f"arm64 names judge: {tree.name}, seed {facts['seed']}, hvlint: {facts['hvlint']}")
    print(f"{'kind':<16} {X86_ONLY:>9} {BOTH:>6} {'set aside':>10}")
    for kind, row in facts["summary"]["per_kind"].items():
        print(f"{kind:<16} {row[X86_ONLY]:>9} {row[BOTH]:>6} {row['set aside']:>10}")
    total = facts["summary"]
    print(f"{'total':<16} {sum(r[X86_ONLY] for r in total['per_kind'].values()):>9} "
          f"{sum(r[BOTH] for r in total['per_kind'].values()):>6} "
          f"{total['sampled'] - total['judged']:>10}")
    print()
    for cell, count in total["matrix"].items():
        print(f"  {cell}: {count}")
    print(f"agreement: {total['agree']}/{total['judged']} ({total['agreement']}%)")
    wrong = [p for p in probes if p.judged and not p.agrees]
    if wrong:
        unseen = total["disagreements_unseen"]
        print(f"\n{len(wrong)} disagreement(s), {unseen} of them on a name whose declaration is in a "
              "generated header or made by a macro:")
        for probe in wrong:
            print("  " + describe(probe))
    for line in facts["notes"]:
        print(line)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """The command line (argparse exits 2 on a usage error)."""
    parser = argparse.ArgumentParser(
        prog="arm64_names_judge.py",
        description="Compile x86-only and shared names for arm64 and compare with hvlint's HV102.",
    )
    parser.add_argument("--tree", type=Path, default=os.environ.get("HVLINT_KERNEL_TREE"),
                        help="kernel tree, never written (default $HVLINT_KERNEL_TREE)")
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache" / "hvlint-arm64-judge",
                        help="holds the linked copy and the JSON result")
    parser.add_argument("--build", type=Path, help="holds the O= build dirs (default: --work)")
    parser.add_argument("--hvlint", help="hvlint command (default: this Python's hvlint)")
    parser.add_argument("--sample", type=int, default=400, help="names to sample (default 400)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="make -j (default 2)")
    args = parser.parse_args(argv)
    if args.tree is None:
        parser.error("no kernel tree: give --tree DIR or set HVLINT_KERNEL_TREE")
    if args.sample < 2:
        parser.error("--sample must be at least 2")
    return args


def check_tools(arches: Sequence[hvobjects.Arch], command: Sequence[str]) -> None:
    """make, cp and each arch's gcc on PATH, and the hvlint command runnable; else Failure(3)."""
    for program in ["make", "cp", "nice", *(a.cross_compile + "gcc" for a in arches), command[0]]:
        if shutil.which(program) is None:
            raise Failure(3, f"{program} not found")


def run(args: argparse.Namespace) -> int:
    """The whole judgement; the exit status."""
    data = load_data()
    arch_data = compile_check.load_data()["arch"]
    arches = [hvobjects.Arch(name, **arch_data[name]) for name in ARCHES]
    command = shlex.split(args.hvlint) if args.hvlint else [sys.executable, "-m", "hvlint"]
    check_tools(arches, command)
    tree = args.tree.resolve()
    work = args.work.resolve()
    place = compile_check.prepare_work(tree, work)
    builds = (args.build.resolve() if args.build else work) / tree.name
    outs = {arch.name: builds / arch.name for arch in arches}
    src = link_copy(tree, place)
    write_probes(tree, src, [], data)
    seen = {a.name: universe(src, outs[a.name], a, data, args.jobs) for a in arches}
    headers = {a.name: asm_headers(src, outs[a.name], a.srcarch) for a in arches}
    words = arch_words(src, outs["arm64"], data["arm64_headers"])
    pools = candidates(seen["x86_64"], seen["arm64"], headers, data["skip"], words)
    probes = draw(pools, args.sample, args.seed, data["weights"])
    for probe in probes:
        decl = seen["x86_64"].get("tag" if probe.kind in cdecls.TAG_KINDS else "ordinary", probe.name)
        probe.use = use_of(probe, data, decl.arity if decl else 0)
        probe.note = spelling(probe, src)
    files = write_probes(tree, src, probes, data)
    for arch in arches:
        compile_probes(src, outs[arch.name], arch, probes, files, data, args.jobs)
    found = hvlint_findings(command, src, files)
    for probe in probes:
        probe.hvlint = found.get((f"{PROBE.format(probe.object)}.c", probe.line), "")
    probe_lines = {(f"{PROBE.format(p.object)}.c", p.line) for p in probes}
    notes = [f"hvlint: HV102 on {name}:{line}, not a probe line: {message}"
             for (name, line), message in sorted(found.items()) if (name, line) not in probe_lines]
    notes += [f"set aside (arm64's answer unknown): {p.name} in {PROBE.format(p.object)}.c"
              for p in probes if p.x86 == "builds" and p.arm64 == "unknown"]
    facts = {
        "tree": str(tree),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "seed": args.seed,
        "hvlint": " ".join(command),
        "pools": {f"{g} {k}": len(v) for (g, k), v in sorted(pools.items())},
        "summary": summary(probes),
        "notes": notes,
    }
    wrong = [p for p in probes if p.judged and not p.agrees]
    result = dict(facts, disagreements=[asdict(p) for p in wrong], probes=[asdict(p) for p in probes])
    out = work / f"disagreements-{tree.name}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print_report(tree, probes, facts)
    print(f"(JSON: {out})")
    return 1 if wrong else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the judge; the exit status described in the module docstring."""
    args = parse_args(argv)
    try:
        return run(args)
    except Failure as failure:
        print(f"arm64_names_judge: {failure}", file=sys.stderr)
        return failure.code


if __name__ == "__main__":
    sys.exit(main())
