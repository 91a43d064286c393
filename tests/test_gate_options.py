"""The gate called from Python with a GateOptions, no argparse: the same findings as the
command line on a real git format-patch series."""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import FrozenInstanceError, replace

import gate_series as gs
import pytest

from hvlint import cli
from hvlint.config import Settings
from hvlint.gate import series
from hvlint.gate.options import GateOptions

STEPS = gs.SERIES[:7]


@pytest.fixture(scope="module")
def mails(tmp_path_factory):
    top = tmp_path_factory.mktemp("options")
    repo = gs.make_repo(top / "linux")
    shas = gs.apply_series(repo, STEPS)
    out = top / "mails"
    gs.git(repo, "format-patch", "-q", "-o", str(out), f"base..{shas[-1]}")
    return repo, shas, sorted(str(p) for p in out.glob("*.patch"))


def _found(doc: dict) -> Counter:
    return Counter((f["patch"]["index"], f["path"], f["line"], f["type"]) for f in doc["findings"])


def test_the_gate_runs_from_python_with_a_typed_options_object(mails):
    repo, shas, patches = mails
    options = GateOptions(paths=tuple(patches), root=str(repo), format="json")
    out, err = io.StringIO(), io.StringIO()
    code = series.run(options, Settings(use_cache=False), io.StringIO(), out, err)
    doc = json.loads(out.getvalue())
    assert (code, err.getvalue()) == (1, "")
    assert _found(doc) == gs.expected(repo, shas, STEPS) and doc["findings"]
    # The command line builds the same object and so says the same.
    proc = gs.run_hvlint(["--no-cache", "--format", "json", "--root", str(repo), *patches], repo.parent)
    assert json.loads(proc.stdout)["findings"] == doc["findings"]


def test_a_python_caller_changes_one_field_and_gets_that_format(mails):
    repo, _shas, patches = mails
    options = GateOptions(paths=tuple(patches), root=str(repo), format="json")
    out, err = io.StringIO(), io.StringIO()
    text = replace(options, format="text")
    assert series.run(text, Settings(use_cache=False), io.StringIO(), out, err) == 1
    lines = out.getvalue().splitlines()
    assert lines and all("(patch " in line for line in lines if ": note: " not in line)
    n = len([line for line in lines if ": note: " not in line])
    assert err.getvalue().startswith(f"{n} findings: ")
    with pytest.raises(FrozenInstanceError):
        options.format = "sarif"  # type: ignore[misc]


def test_the_command_line_makes_it_from_every_gate_and_hook_option():
    args = cli.build_parser().parse_args(
        ["--git", "HEAD~2..", "--no-tree", "--terse", "-q", "-q", "--no-summary", "--color=never", "-v", "x"]
    )
    assert GateOptions.from_namespace(args) == GateOptions(
        paths=("x",), git=("HEAD~2..",), no_tree=True, terse=True, quiet=2, summary=False,
        color="never", verbose=1,
    )
    staged = cli.build_parser().parse_args(["--staged", "drivers/hv/hv.c"])
    assert GateOptions.from_namespace(staged) == GateOptions(paths=("drivers/hv/hv.c",), staged=True)
