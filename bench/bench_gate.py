"""Measure the patch gate: a 30-patch series (one mbox) gated with a kernel tree at hand.

What it does:
  * copies the Hyper-V files the series touches out of the tree into a scratch git
    repository, commits 30 patches on them (x86 and arm64 register defines, aliases,
    drivers/hv callers; most correctly named, some not) and writes them with
    ``git format-patch`` as one mbox and as 30 patch files;
  * times, median of ``--runs`` runs each: ``python -c pass`` (interpreter start-up),
    ``hvlint --version`` (hvlint's start-up), ``hvlint --root TREE series.mbox`` (the gate
    with the tree's index: once with an empty tree cache, then warm, then with the cache
    off), ``hvlint --no-tree series.mbox``, and ``scripts/checkpatch.pl`` on the same 30
    patches (``--no-tree``, and inside the tree) when the tree has it. Every command runs
    with Python's bytecode cache on (as after an install) and hvlint's tree cache in the
    scratch folder;
  * prints the numbers and the gate's cost above Python's start-up.

The tree: ``--tree DIR``, else ``$HVLINT_KERNEL_TREE`` (a kernel source tree such as Debian's
linux-source-6.1), else a generated tree of kernel shape (bench/synth_tree.py; ``--quick`` makes
it small). Nothing from the tree is written anywhere but a temporary folder.

``--mail FILE`` measures one patch mail instead (issue 19): ``hvlint --root TREE MAIL`` with a
warm tree cache and ``scripts/checkpatch.pl MAIL`` from inside the tree, ``--runs`` rounds
interleaved, the medians and their ratio (target <= 0.1x), with the load average before and after.

Usage: ``python bench/bench_gate.py [--tree DIR] [--runs N] [--quick] [--mail FILE]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth_tree  # noqa: E402  (sibling scripts, not a package)
from bench_common import given_tree, hvlint_command  # noqa: E402

X86 = "arch/x86/include/asm/hyperv-tlfs.h"
ARM64 = "arch/arm64/include/asm/hyperv-tlfs.h"
TARGETS = [
    X86,
    ARM64,
    "drivers/hv/hv.c",
    "drivers/hv/hv_common.c",
    "drivers/hv/vmbus_drv.c",
    "arch/x86/hyperv/hv_init.c",
    "drivers/clocksource/hyperv_timer.c",
]
PATCHES = 30


def _header_insert(text: str, block: str) -> str:
    """Add ``block`` before a header's last ``#endif`` (its include guard)."""
    at = text.rstrip().rfind("#endif")
    return text[:at] + block + "\n" + text[at:]


def _append(text: str, block: str) -> str:
    return text.rstrip("\n") + "\n\n" + block


def _steps() -> List[Tuple[str, str, Callable[[str], str]]]:
    """(subject, path, edit) for each of the 30 patches."""
    steps: List[Tuple[str, str, Callable[[str], str]]] = []
    for n in range(PATCHES // 6):
        msr = 0x40000200 + n
        steps += [
            (
                f"x86/hyperv: Define bench MSR {n}",
                X86,
                lambda t, n=n, m=msr: _header_insert(
                    t,
                    f"#define HV_X64_MSR_BENCH{n}\t\t0x{m:08X}\n"
                    f"#define HV_SYN_REG_BENCH{n}\t\tHV_X64_MSR_BENCH{n}\n",
                ),
            ),
            (
                f"arm64: hyperv: Define bench register {n}",
                ARM64,
                lambda t, n=n: _header_insert(
                    t,
                    f"#define HV_REGISTER_BENCH{n}\t\t0x000C00{n:02X}\n"
                    f"#define HV_SYN_REG_BENCH{n}\t\tHV_REGISTER_BENCH{n}\n",
                ),
            ),
            (
                f"Drivers: hv: Read bench register {n}",
                "drivers/hv/hv.c",
                lambda t, n=n: _append(
                    t,
                    f"u64 hv_bench_read{n}(void)\n{{\n"
                    f"\treturn hv_get_register(HV_SYN_REG_BENCH{n});\n}}\n",
                ),
            ),
            (
                f"Drivers: hv: Write bench register {n} the old way",
                "drivers/hv/hv_common.c",
                lambda t, n=n: _append(
                    t,
                    f"void hv_bench_write{n}(u64 v)\n{{\n"
                    f"\thv_set_register(HV_REGISTER_BENCH{n}, v);\n}}\n",
                ),
            ),
            (
                f"x86/hyperv: Name bench MSR {n} as a VP register",
                X86,
                lambda t, n=n, m=msr: _header_insert(
                    t, f"#define HV_REGISTER_OLD_BENCH{n}\t0x{m:08X}\n"
                ),
            ),
            (
                f"Drivers: hv: vmbus: Use bench register {n}",
                "drivers/hv/vmbus_drv.c",
                lambda t, n=n: _append(
                    t,
                    f"static u64 vmbus_bench{n}(void)\n{{\n\tu64 v;\n\n"
                    f"\trdmsrl(HV_X64_MSR_BENCH{n}, v);\n\treturn v;\n}}\n",
                ),
            ),
        ]
    return steps


def git(repo: Path, *args: str, env: dict) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True).stdout


def make_series(tree: Path, work: Path) -> Tuple[Path, List[Path]]:
    """Commit the 30 patches on copies of the tree's files; return (mbox, patch files)."""
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(work),
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    repo = work / "repo"
    for rel in TARGETS:
        src = tree / rel
        if src.is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, repo / rel)
    git(repo, "init", "-q", env=env)
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "base", env=env)
    for subject, rel, edit in _steps():
        path = repo / rel
        if not path.is_file():
            raise SystemExit(f"{tree}: has no {rel}; use a kernel-shaped tree")
        path.write_text(
            edit(path.read_text(encoding="utf-8", errors="surrogateescape")),
            encoding="utf-8",
            errors="surrogateescape",
        )
        git(
            repo,
            "commit",
            "-q",
            "-am",
            f"{subject}\n\nSigned-off-by: Bench <bench@example.invalid>",
            env=env,
        )
    out = work / "patches"
    git(repo, "format-patch", "-q", "-o", str(out), "HEAD~30..HEAD", env=env)
    files = sorted(out.glob("*.patch"))
    mbox = work / "series.mbox"
    mbox.write_bytes(b"".join(f.read_bytes() for f in files))
    return mbox, files


def child_env(work: Path) -> Dict[str, str]:
    """The environment of every timed command: Python's bytecode cache on (as after a
    normal install; a pycache prefix keeps it out of the source folder) and hvlint's tree
    cache in the scratch folder, so a run starts from no cache and leaves nothing behind."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["HVLINT_CACHE_DIR"] = str(work / "hvlint-cache")
    env.pop("HVLINT_NO_CACHE", None)
    return env


def median_time(
    cmd: Sequence[str], runs: int, cwd: Optional[Path] = None, env: Optional[Dict[str, str]] = None
) -> Tuple[float, subprocess.CompletedProcess]:
    """Median wall time of ``runs`` runs (seconds), and the last run's result."""
    times = []
    proc = None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            list(cmd), cwd=cwd, env=env, capture_output=True, stdin=subprocess.DEVNULL, check=False
        )
        times.append(time.perf_counter() - start)
    assert proc is not None
    return statistics.median(times), proc


TARGET_MAIL_VS_CHECKPATCH = 0.1


def measure_mail(tree: Path, mail: Path, runs: int, work: Path) -> int:
    """One patch mail: hvlint (warm tree cache) against checkpatch.pl, interleaved."""
    checkpatch = tree / "scripts" / "checkpatch.pl"
    if not (checkpatch.is_file() and shutil.which("perl")):
        print(f"--mail: {tree} has no scripts/checkpatch.pl (or there is no perl)", file=sys.stderr)
        return 2
    hv = hvlint_command()
    env = child_env(work)
    gate = [*hv, "--root", str(tree), "--format", "json", str(mail.resolve())]
    first = subprocess.run(gate, env=env, capture_output=True, cwd=tree, check=False)  # fills the cache
    if first.returncode not in (0, 1):
        print(f"--mail: hvlint exited {first.returncode}: {first.stderr.decode()[-500:]}", file=sys.stderr)
        return 2
    load_before = os.getloadavg()[0]
    cmds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "hvlint --root TREE MAIL (warm)": gate,
        "checkpatch.pl MAIL (in the tree)": ["perl", str(checkpatch), "-q", str(mail.resolve())],
    }
    times: Dict[str, List[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            times[name].append(median_time(cmd, 1, cwd=tree, env=env)[0])
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"mail: {mail} ({len(mail.read_bytes().splitlines())} lines); tree: {tree}")
    print(f"medians of {runs} interleaved rounds (1-minute load {load_before:.1f} before, {os.getloadavg()[0]:.1f} after):")
    for name, seconds in med.items():
        print(f"  {name:<34} {seconds * 1000:8.0f} ms  (samples: {', '.join(f'{t * 1000:.0f}' for t in times[name])})")
    ratio = med["hvlint --root TREE MAIL (warm)"] / med["checkpatch.pl MAIL (in the tree)"]
    verdict = "PASS" if ratio <= TARGET_MAIL_VS_CHECKPATCH else "FAIL"
    print(f"hvlint/checkpatch: {ratio:.3f}x (target <= {TARGET_MAIL_VS_CHECKPATCH}x) {verdict}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--tree",
        type=Path,
        help="kernel tree (default: $HVLINT_KERNEL_TREE, else generated)",
    )
    ap.add_argument(
        "--runs", type=int, default=5, help="runs per measurement (the median is shown)"
    )
    ap.add_argument(
        "--quick", action="store_true", help="generate a small tree when none is at hand"
    )
    ap.add_argument("--mail", type=Path, help="measure this one patch mail against checkpatch.pl")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="hvlint-bench-gate-") as tmp:
        work = Path(tmp)
        tree = given_tree(args.tree)
        if args.mail is not None:
            if tree is None:
                print("--mail needs a kernel tree (--tree or $HVLINT_KERNEL_TREE)", file=sys.stderr)
                return 2
            return measure_mail(tree, args.mail, args.runs, work)
        if tree is None:
            tree = work / "tree"
            synth_tree.generate_tree(tree, **(synth_tree.QUICK if args.quick else {}))
            print(f"tree: generated kernel-shaped tree in {tree}{' (quick)' if args.quick else ''}")
        else:
            print(f"tree: {tree}")
        mbox, files = make_series(tree, work)
        lines = len(mbox.read_bytes().splitlines())
        print(f"series: {len(files)} patches, {lines} mbox lines ({mbox.stat().st_size} bytes)")

        hv = hvlint_command()
        env = child_env(work)
        warm_up = [*hv, "--no-tree", str(mbox)]  # compiles every module the gate imports
        subprocess.run(warm_up, env=env, capture_output=True, check=False)
        rows = []
        python_s, _ = median_time([sys.executable, "-c", "pass"], args.runs, env=env)
        rows.append(("python -c pass", python_s, ""))
        startup_s, _ = median_time([*hv, "--version"], args.runs, env=env)
        rows.append(("hvlint --version", startup_s, ""))
        gate_cmd = [*hv, "--root", str(tree), "--format", "json", str(mbox)]
        cold_s, proc = median_time(gate_cmd, 1, env=env)  # the tree cache is empty
        rows.append(
            ("hvlint --root TREE series.mbox, 1st run", cold_s, "builds the tree cache")
        )
        gate_s, proc = median_time(gate_cmd, args.runs, env=env)
        findings = proc.stdout.count(b'"code":')
        rows.append(
            (
                "hvlint --root TREE series.mbox",
                gate_s,
                f"exit {proc.returncode}, {findings} findings (tree cache warm)",
            )
        )
        nocache_env = dict(env, HVLINT_NO_CACHE="1")
        nocache_s, _ = median_time(gate_cmd, args.runs, env=nocache_env)
        rows.append(("  ... with HVLINT_NO_CACHE=1", nocache_s, ""))
        notree_s, proc = median_time(
            [*hv, "--no-tree", "--format", "json", str(mbox)], args.runs, env=env
        )
        notree_findings = proc.stdout.count(b'"code":')
        rows.append(
            (
                "hvlint --no-tree series.mbox",
                notree_s,
                f"exit {proc.returncode}, {notree_findings} findings",
            )
        )
        checkpatch = tree / "scripts" / "checkpatch.pl"
        if checkpatch.is_file() and shutil.which("perl"):
            runs = max(1, min(args.runs, 3))
            cp_s, proc = median_time(
                ["perl", str(checkpatch), "--no-tree", "-q", *map(str, files)], runs
            )
            rows.append(("checkpatch.pl --no-tree (30 files)", cp_s, f"exit {proc.returncode}"))
            cp_tree_s, proc = median_time(
                ["perl", str(checkpatch), "-q", *map(str, files)], runs, cwd=tree
            )
            rows.append(
                ("checkpatch.pl in the tree (30 files)", cp_tree_s, f"exit {proc.returncode}")
            )
        else:
            print("checkpatch.pl: not in this tree, not measured")

        width = max(len(r[0]) for r in rows)
        for name, seconds, note in rows:
            print(f"  {name:<{width}}  {seconds * 1000:8.0f} ms  {note}")
        print(
            f"gate above Python start-up: {(gate_s - python_s) * 1000:.0f} ms "
            f"(above hvlint start-up: {(gate_s - startup_s) * 1000:.0f} ms; "
            f"first run: {(cold_s - python_s) * 1000:.0f} ms; "
            f"no cache: {(nocache_s - python_s) * 1000:.0f} ms; "
            f"without a tree: {(notree_s - python_s) * 1000:.0f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
