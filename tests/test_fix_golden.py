"""``hvlint --diff`` on the fixture trees: the exact patch (golden file), applicable with
``git apply`` and ``patch -p1``, the same bytes on every run, and the same change as --fix."""

from __future__ import annotations

import subprocess

import pytest

import fix_support as fs

NAMES = sorted(fs.CASES)


def _diff(case: fs.Case, repo) -> bytes:
    proc = fs.hvlint(["--diff", *case.args], repo)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
    return proc.stdout


@pytest.mark.parametrize("name", NAMES)
def test_diff_matches_golden(name, tmp_path):
    case = fs.CASES[name]
    repo = fs.checkout(case.tree, tmp_path / "linux")
    out = _diff(case, repo)
    if fs.update_golden(name, out):
        pytest.skip("golden file rewritten")
    expected = fs.golden(name)
    assert expected is not None, (
        f"no golden file tests/golden/fix/{name}.diff (HVLINT_UPDATE_GOLDEN=1 writes it)"
    )
    assert out.decode() == expected.decode()


@pytest.mark.parametrize("name", NAMES)
def test_diff_applies_with_git_and_patch(name, tmp_path):
    case = fs.CASES[name]
    repo = fs.checkout(case.tree, tmp_path / "linux")
    out = _diff(case, repo)
    assert out, "the case changes nothing"
    fs.git(repo, "apply", "--check", "-", stdin=out)
    proc = subprocess.run(
        ["patch", "-p1", "--dry-run", "-s"], cwd=repo, input=out, capture_output=True, check=False
    )
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


@pytest.mark.parametrize("name", NAMES)
def test_diff_is_the_fix(name, tmp_path):
    """The --diff output, applied, gives byte for byte what --fix writes; --diff writes nothing."""
    case = fs.CASES[name]
    a = fs.checkout(case.tree, tmp_path / "a")
    b = fs.checkout(case.tree, tmp_path / "b")
    before = fs.snapshot(a)
    out = _diff(case, a)
    assert fs.snapshot(a) == before
    fs.git(a, "apply", "-", stdin=out)
    proc = fs.hvlint(["--fix", *case.args], b)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert fs.snapshot(a) == fs.snapshot(b)


def test_diff_output_is_stable(tmp_path):
    """Same input, same bytes: two runs on two copies, and the stderr report too."""
    case = fs.CASES["pre-rename"]
    runs = [
        fs.hvlint(["--diff", "-v"], fs.checkout(case.tree, tmp_path / f"t{i}")) for i in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stderr == runs[1].stderr


def test_series_hv103_then_hv101(tmp_path):
    """A maintainer splits the rename into a series: aliases first, then the MSR names. Each
    step is a golden patch; together they leave nothing to fix, like the one-shot run."""
    repo = fs.checkout("pre-rename", tmp_path / "linux")
    step1 = fs.hvlint(["--fix", "--types", "HV103"], repo)
    assert step1.returncode in (0, 1), step1.stderr.decode()
    fs.git(repo, "commit", "-qam", "use the synthetic aliases")
    out = _diff(fs.Case("series", "pre-rename", ("--types", "HV101")), repo)
    if fs.update_golden("pre-rename-hv101-after-hv103", out):
        pytest.skip("golden file rewritten")
    assert out.decode() == (fs.golden("pre-rename-hv101-after-hv103") or b"").decode()
    fs.git(repo, "apply", "-", stdin=out)
    _linter, findings = fs.linter_for(repo)
    assert not [f for f in findings if f.code in ("HV101", "HV103")]
    for arch in fs.compiled_arches():
        assert fs.compile_errors(repo, arch) == {}
