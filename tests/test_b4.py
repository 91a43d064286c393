"""b4 end to end: ``b4 prep --check`` runs hvlint as its per-patch check command.

b4 0.16 (b4/ez.py ``check()``, b4/__init__.py ``LoreMessage.run_local_check()``) pipes each
patch of the prep branch, as a mail, to the command's stdin with the work tree's top as
the current directory. Every stdout line is one finding: "fail" when it holds ``ERROR:``,
"warning" otherwise; stderr lines are failures; no output and exit status 0 is a pass.
The one-line set-up this tests is the one in the README::

    git config b4.prep-perpatch-check-cmd "hvlint -q --terse --no-summary --mailback --showfile"
"""

from __future__ import annotations

import re
import shutil
import subprocess

import gate_series as gs
import pytest

CHECK_CMD = "-q --terse --no-summary --mailback --showfile"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def b4_run(tmp_path_factory):
    b4 = shutil.which("b4", path=gs.git_env(gs.TREE)["PATH"])
    if b4 is None:
        pytest.fail("b4 is not installed (pip install '.[test]')")
    top = tmp_path_factory.mktemp("b4")
    repo = gs.make_repo(top / "linux")
    # b4 finds its cover letter with `git log --since=1.year`: commit with today's dates.
    env = gs.git_env(top, fixed_dates=False)
    gs.git(
        repo,
        "config",
        "b4.prep-perpatch-check-cmd",
        f"{gs.hvlint_command()[0]} {CHECK_CMD}",
        env=env,
    )
    subprocess.run(
        [b4, "prep", "-n", "hv-aliases", "-f", "base"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )
    bad = gs.apply_step(repo, gs.SERIES[6], env=env)  # two x86 names in drivers/hv: ERROR
    warn = gs.apply_step(
        repo, gs.SERIES[5], env=env
    )  # HV_REGISTER_* to a generic accessor: WARNING
    good = gs.apply_step(repo, gs.SERIES[0], env=env)  # correctly named aliases
    proc = subprocess.run(
        [b4, "prep", "--check"], cwd=repo, env=env, capture_output=True, timeout=300, check=False
    )
    log = ANSI.sub("", (proc.stdout + proc.stderr).decode())
    return {"log": log, "bad": bad, "warn": warn, "good": good, "returncode": proc.returncode}


def _block(log: str, sha: str) -> list:
    lines = log.splitlines()
    start = next(i for i, line in enumerate(lines) if f"{sha[:12]}:" in line)
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line.strip())
    return block


def test_b4_runs_hvlint(b4_run):
    assert "Checking patches using:" in b4_run["log"]
    assert f"hvlint {CHECK_CMD}" in b4_run["log"]


def test_bad_commit_fails_with_each_error_on_its_line(b4_run):
    head, *reports = _block(b4_run["log"], b4_run["bad"])
    assert head.endswith("Drivers: hv: Enable the SynIC message page")
    assert len(reports) == 2
    assert all(r.startswith("● hvlint: drivers/hv/hv.c:28: ERROR: ") for r in reports)
    assert "rdmsrl is x86-only" in reports[0] and "HV_X64_MSR_SIMP is x86-only" in reports[1]


def test_warning_commit_warns(b4_run):
    head, *reports = _block(b4_run["log"], b4_run["warn"])
    assert head.endswith("Drivers: hv: Read the partition reference counter")
    (report,) = reports
    assert re.match(
        r"^● hvlint: drivers/hv/hv_common\.c:\d+: WARNING: hv_get_register\(\) takes", report
    )


def test_good_commit_passes(b4_run):
    assert _block(b4_run["log"], b4_run["good"]) == [
        f"● {b4_run['good'][:12]}: x86/hyperv: Define synthetic aliases for the stimer0 MSRs"
    ]


def test_summary(b4_run):
    # b4 counts findings, not commits, for warnings and errors.
    assert "Success: 1, Warning: 1, Error: 2" in b4_run["log"]
