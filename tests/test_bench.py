"""The kernel-scale benchmark script runs from a fresh clone and prints its ratios (issue 7).

A smoke run on the small generated tree (``--quick``): it checks that the script works end to
end with the hvlint under test, not how fast anything is (numbers on a shared CI machine mean
nothing; the real run is ``python bench/bench_tree.py`` on a kernel tree).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_tree.py"


def test_quick_benchmark_prints_every_ratio(tmp_path: Path) -> None:
    numbers = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--quick",
            "--startup-runs",
            "2",
            "--hvlint",
            f"{sys.executable} -m hvlint",
            "--json",
            str(numbers),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = proc.stdout
    assert "tree: synthetic, --quick" in out
    for label in ("hvlint/grep wall time", "checkpatch/hvlint", "peak memory", "start-up"):
        assert label in out, out
    data = json.loads(numbers.read_text())
    assert data["runs"]["grep"]["files_matched"] > 0
    assert data["runs"]["hvlint_tree"]["rc"] in (0, 1)
    assert data["runs"]["hvlint_tree"]["findings"] > 0  # the generated Hyper-V files
    assert data["hvlint_over_grep"] > 0 and data["startup_ms"] > 0
    assert data["runs"]["grep"]["lines_matched"] > 0
