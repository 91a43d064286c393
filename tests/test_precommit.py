"""The pre-commit hooks with the real ``pre-commit`` tool, installed the way users get them.

pre-commit installs a hook repository from a git commit (``try-repo`` from the repo's
HEAD), so this checkout's files are copied into a temporary repository and committed
there; pre-commit then pip-installs hvlint from it into its own environment, and a
missing packaging step fails these tests. Kernel-shaped repositories are made from
tests/data/precommit/tree (tests/precommit_repo.py). PRE_COMMIT_HOME is shared by the
tests of this module, so each hook environment is installed once (``try-repo`` always
builds a fresh one).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import precommit_repo as pr
import pytest

REPO = Path(__file__).resolve().parent.parent

# What the README tells users to paste into their .pre-commit-config.yaml.
README_REPO, README_REV = "https://example.invalid/hvlint", "v0.1.0"
README_SNIPPET = f"""\
repos:
  - repo: {README_REPO}
    rev: {README_REV}
    hooks: [{{id: hvlint}}, {{id: hvlint-push}}]
"""
_NOT_COPIED = shutil.ignore_patterns(
    ".git", "__pycache__", "*.egg-info", "build", "dist", ".venv", ".*_cache", ".hypothesis",
    ".benchmarks",
)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """git without user configuration, and one PRE_COMMIT_HOME for the whole module."""
    top = tmp_path_factory.mktemp("precommit")
    environ = pr.git_env(top / "home")
    environ["PRE_COMMIT_HOME"] = str(top / "pre-commit-home")
    return environ


@pytest.fixture(scope="module")
def hvlint_repo(tmp_path_factory, env):
    """This checkout's files, committed in a repository of their own: (path, commit)."""
    path = tmp_path_factory.mktemp("hvlint-src") / "hvlint"
    shutil.copytree(REPO, path, ignore=_NOT_COPIED)
    pr.git(path, "init", "-q", "-b", "main", env=env)
    return path, pr.commit(path, "hvlint under test", env)


def pre_commit(repo: Path, env, *args: str) -> subprocess.CompletedProcess:
    """Run the pre-commit of this Python in ``repo``; stdout and stderr together."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=900, check=False,
    )


def git_hooked(repo: Path, env, *args: str) -> subprocess.CompletedProcess:
    """Run a git command that runs the installed hooks; stdout and stderr together."""
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, timeout=900, check=False,
    )


def configured(path: Path, env, hvlint_repo, hook_args=None) -> Path:
    """A kernel repository whose committed config is the README snippet, pointing at the
    hvlint under test, with the commit and push hooks installed."""
    repo = pr.make_repo(path, env)
    src, rev = hvlint_repo
    config = README_SNIPPET.replace(README_REPO, str(src)).replace(README_REV, rev)
    if hook_args:
        config = config.replace("{id: hvlint}", "{id: hvlint, args: %s}" % hook_args)
    (repo / ".pre-commit-config.yaml").write_text(config)
    pr.commit(repo, "Add the pre-commit configuration", env)
    proc = pre_commit(repo, env, "install", "--hook-type", "pre-commit", "--hook-type", "pre-push")
    assert proc.returncode == 0, proc.stdout
    return repo


# ---------------------------------------------------------------------------------------
# try-repo: the acceptance test


def test_try_repo_fails_on_a_commit_adding_a_fault(tmp_path, env, hvlint_repo):
    repo = pr.make_repo(tmp_path / "linux", env)
    expected = pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)
    pr.git(repo, "add", "-A", env=env)
    proc = pre_commit(repo, env, "try-repo", str(hvlint_repo[0]), "hvlint", "--color=never")
    assert proc.returncode == 1, proc.stdout
    assert "Failed" in proc.stdout
    assert pr.reported(proc.stdout) == expected  # the new fault, none of the file's old ones
    assert "hv_set_register() takes the synthetic alias HV_SYN_REG_*" in proc.stdout


def test_try_repo_passes_a_correct_commit_to_a_file_with_old_findings(tmp_path, env, hvlint_repo):
    repo = pr.make_repo(tmp_path / "linux", env)
    pr.append(repo, pr.HV_C, pr.GOOD_SCONTROL)
    pr.git(repo, "add", "-A", env=env)
    proc = pre_commit(repo, env, "try-repo", str(hvlint_repo[0]), "hvlint", "--color=never")
    assert proc.returncode == 0, proc.stdout
    assert "Passed" in proc.stdout


# ---------------------------------------------------------------------------------------
# The README snippet, pasted into a kernel tree's .pre-commit-config.yaml


def test_readme_shows_the_snippet_tested_here():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    shown = [textwrap.dedent("\n".join(lines[i : i + 4])) + "\n" for i, line in enumerate(lines)
             if line.strip() == "repos:"]
    assert README_SNIPPET in shown


def test_commit_hook_blocks_a_fault_and_lets_the_fix_through(tmp_path, env, hvlint_repo):
    repo = configured(tmp_path / "linux", env, hvlint_repo)
    head = pr.git(repo, "rev-parse", "HEAD", env=env)
    expected = pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)
    pr.git(repo, "add", "-A", env=env)
    proc = git_hooked(repo, env, "commit", "-q", "-m", "hv: clear SCONTROL on teardown")
    assert proc.returncode != 0, proc.stdout
    assert pr.reported(proc.stdout) == expected
    assert pr.git(repo, "rev-parse", "HEAD", env=env) == head  # nothing was committed
    (repo / pr.HV_C).write_text(pr.git(repo, "show", f"HEAD:{pr.HV_C}", env=env) + pr.GOOD_SCONTROL)
    pr.git(repo, "add", "-A", env=env)
    proc = git_hooked(repo, env, "commit", "-q", "-m", "hv: clear SCONTROL on teardown")
    assert proc.returncode == 0, proc.stdout
    assert pr.git(repo, "rev-parse", "HEAD", env=env) != head


def test_whole_files_argument_judges_old_lines_too(tmp_path, env, hvlint_repo):
    repo = configured(tmp_path / "linux", env, hvlint_repo, hook_args='["--whole-files"]')
    pr.append(repo, pr.HV_C, pr.GOOD_SCONTROL)
    pr.git(repo, "add", "-A", env=env)
    proc = pre_commit(repo, env, "run", "hvlint", "--color=never")
    assert proc.returncode == 1, proc.stdout
    assert pr.reported(proc.stdout) == pr.old_findings(pr.HV_C)


def _series(repo: Path, env):
    """Three commits on the base: good, bad, good. Returns (commits, expected findings)."""
    pr.append(repo, pr.COMMON_C, pr.TSC_USER_BOTH.replace("TSC_FREQUENCY", "VP_INDEX"))
    first = pr.commit(repo, "hv_common: read the VP index", env, verify=False)
    expected = pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)
    second = pr.commit(repo, "hv: clear SCONTROL on teardown", env, verify=False)
    pr.append(repo, pr.HV_C, pr.GOOD_SCONTROL.replace("disable_sctrl", "disable_sctrl_again"))
    third = pr.commit(repo, "hv: clear SCONTROL again", env, verify=False)
    return [first, second, third], expected


def test_push_hook_gates_the_commits_being_pushed(tmp_path, env, hvlint_repo):
    repo = configured(tmp_path / "linux", env, hvlint_repo)
    pr.git(tmp_path, "init", "-q", "--bare", "remote.git", env=env)
    pr.git(repo, "remote", "add", "origin", str(tmp_path / "remote.git"), env=env)
    pr.git(repo, "push", "-q", "--no-verify", "origin", "main", env=env)  # the old tree is there
    commits, expected = _series(repo, env)
    proc = git_hooked(repo, env, "push", "origin", "main")
    assert proc.returncode != 0, proc.stdout
    assert pr.reported(proc.stdout) == expected
    assert "(patch 2/3: hv: clear SCONTROL on teardown)" in proc.stdout
    proc = git_hooked(repo, env, "push", "origin", f"{commits[0]}:refs/heads/main")
    assert proc.returncode == 0, proc.stdout  # the good commit alone goes through
    assert "hvlint (Hyper-V register names in the commits being pushed)" in proc.stdout


def test_commit_hook_in_ci_judges_a_range(tmp_path, env, hvlint_repo):
    repo = configured(tmp_path / "linux", env, hvlint_repo)
    base = pr.git(repo, "rev-parse", "HEAD", env=env).strip()
    commits, expected = _series(repo, env)
    ci = ("run", "--color=never", "--to-ref", commits[2], "--from-ref")
    proc = pre_commit(repo, env, *ci, base)
    assert proc.returncode == 1, proc.stdout
    assert pr.reported(proc.stdout) == expected
    proc = pre_commit(repo, env, *ci, commits[1])  # the bad commit is not in the range
    assert proc.returncode == 0, proc.stdout


# ---------------------------------------------------------------------------------------
# The project's own .pre-commit-config.yaml


def test_project_checks_pass(env, hvlint_repo):
    proc = pre_commit(hvlint_repo[0], env, "run", "--all-files", "--color=never")
    assert proc.returncode == 0, proc.stdout


def test_project_checks_catch_a_finding_in_the_renamed_example(tmp_path, env, hvlint_repo):
    clone = tmp_path / "hvlint"
    pr.git(tmp_path, "clone", "-q", str(hvlint_repo[0]), str(clone), env=env)
    example = clone / "examples/renamed/drivers/hv/hv.c"
    example.write_text(example.read_text() + pr.BAD_SCONTROL)
    proc = pre_commit(clone, env, "run", "hvlint-examples", "--all-files", "--color=never")
    assert proc.returncode == 1, proc.stdout
    assert "GENERIC_REG_PREFIX" in proc.stdout
