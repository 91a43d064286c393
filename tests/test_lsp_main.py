"""``hvlint lsp`` / ``hvlint-lsp`` as a command: usage errors and a missing extra are one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hvlint

ENV_PATH = str(Path(hvlint.__file__).resolve().parent.parent)


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {ENV_PATH!r}); {code}"],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_version_through_the_cli():
    res = run("from hvlint.cli import main; sys.exit(main(['lsp', '--version']))")
    assert res.returncode == 0
    assert res.stdout.strip() == f"hvlint-lsp {hvlint.__version__}"


def test_usage_error_is_one_line():
    res = run("from hvlint.lsp.entry import main; sys.exit(main(['--no-such-option']))")
    assert res.returncode == 2
    assert res.stderr.splitlines() == [
        "hvlint: error: unrecognized arguments: --no-such-option (see hvlint lsp --help)"
    ]


def test_missing_pygls_is_one_line():
    # Python treats a None entry in sys.modules as "cannot be imported".
    res = run("sys.modules['pygls'] = None; from hvlint.lsp.entry import main; sys.exit(main([]))")
    assert res.returncode == 2
    assert len(res.stderr.splitlines()) == 1
    assert res.stderr.startswith("hvlint: ") and "pip install 'hvlint[lsp]'" in res.stderr


def test_benchmark_runs_from_a_checkout():
    """A smoke run of bench/bench_lsp.py on the small test tree: it works end to end (the
    numbers of a shared CI machine mean nothing; the real run is on a kernel tree)."""
    bench = Path(__file__).resolve().parent.parent / "bench" / "bench_lsp.py"
    tree = Path(__file__).resolve().parent / "data" / "lsp" / "tree"
    res = subprocess.run(
        [sys.executable, str(bench), "--tree", str(tree), "--lines", "400", "--keystrokes", "3"],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    for label in (
        "in process: re-lint after a keystroke",
        "server: first index",
        "publishDiagnostics",
    ):
        assert label in res.stdout, res.stdout
