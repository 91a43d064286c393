"""``hvlint --staged`` and ``hvlint --pre-push``, the modes behind the pre-commit hooks, run
in-process on a kernel-shaped git repository (tests/precommit_repo.py).

The tests with the real pre-commit tool are in test_precommit.py; these pin down what
the hooks judge: only added lines, post-images from the index (never the work tree), the
same answers however the file list is split, and exactly the commits being pushed.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections import Counter

import precommit_repo as pr
import pytest

from hvlint import cli

FROM, TO = "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """The base tree committed on main; the current directory is its top."""
    env = pr.git_env(tmp_path / "home")
    for name in [k for k in list(os.environ) if k.startswith(("GIT_", "PRE_COMMIT"))]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    top = pr.make_repo(tmp_path / "linux")
    monkeypatch.chdir(top)
    return top


def hvlint(*argv: str):
    """Run the hvlint command line in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        code = cli.run(list(argv), io.StringIO(""), out, err)
    except cli.UsageError as exc:
        code, err = 2, io.StringIO(f"hvlint: error: {exc}\n")
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------------------------------
# --staged: the lines the staged change adds


def test_added_fault_is_reported_and_old_findings_are_not(repo):
    expected = pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)
    pr.git(repo, "add", "-A")
    code, out, err = hvlint("--staged", pr.HV_C)
    assert (code, err) == (1, f"{len(expected)} finding: 0 errors, 1 warning\n") and len(expected) == 1
    assert pr.reported(out) == expected
    assert "HV_SYN_REG_SCONTROL" in out  # the suggestion


def test_clean_change_to_a_file_with_old_findings_passes(repo):
    assert pr.old_findings(pr.HV_C)  # the file does hold findings
    pr.append(repo, pr.HV_C, pr.GOOD_SCONTROL)
    pr.git(repo, "add", "-A")
    assert hvlint("--staged", pr.HV_C) == (0, "", "")
    assert hvlint("--staged") == (0, "", "")


def test_whole_files_reports_old_findings_too(repo):
    expected = pr.old_findings(pr.HV_C) + pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)
    pr.git(repo, "add", "-A")
    code, out, _ = hvlint("--staged", "--whole-files", pr.HV_C)
    assert code == 1
    assert pr.reported(out) == expected


def test_nothing_staged_passes_silently(repo):
    pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)  # not staged: not part of the commit
    assert hvlint("--staged", pr.HV_C) == (0, "", "")


def test_the_staged_file_is_judged_not_the_work_tree(repo):
    pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)
    pr.git(repo, "add", "-A")
    text = (repo / pr.HV_C).read_text()
    (repo / pr.HV_C).write_text(text.replace("HV_REGISTER_SCONTROL, v)", "HV_SYN_REG_SCONTROL, v)"))
    assert hvlint("--staged", pr.HV_C)[0] == 1  # fixed only in the work tree: still fails
    pr.git(repo, "add", "-A")
    (repo / pr.HV_C).write_text(text)  # broken only in the work tree: passes
    assert hvlint("--staged", pr.HV_C) == (0, "", "")


def _stage_tsc(repo, user: str, arm64: bool) -> Counter:
    pr.insert_after(repo, pr.X86_H, "HV_X64_MSR_SINT0", pr.TSC_MSR_X86)
    pr.insert_after(repo, pr.X86_H, "HV_SYN_REG_SINT0", pr.TSC_ALIAS_X86)
    if arm64:
        pr.insert_after(repo, pr.ARM64_H, "HV_REGISTER_SINT0", pr.TSC_REG_ARM64)
        pr.insert_after(repo, pr.ARM64_H, "HV_SYN_REG_SINT0", pr.TSC_ALIAS_ARM64)
    expected = pr.append(repo, pr.COMMON_C, user)
    pr.git(repo, "add", "-A")
    # The work tree goes back to the old headers: only the index holds the new alias.
    for path in (pr.X86_H, pr.ARM64_H):
        (repo / path).write_text(pr.git(repo, "show", f"HEAD:{path}"))
    return expected


@pytest.mark.parametrize("arm64", [False, True], ids=["x86-only-alias", "alias-on-both-arches"])
def test_answers_do_not_depend_on_how_the_file_list_is_split(repo, arm64):
    user = pr.TSC_USER_BOTH if arm64 else pr.TSC_USER_X86_ONLY
    expected = _stage_tsc(repo, user, arm64)
    headers = [pr.X86_H, pr.ARM64_H] if arm64 else [pr.X86_H]
    together = hvlint("--staged", pr.COMMON_C, *headers)
    alone = [hvlint("--staged", path) for path in (pr.COMMON_C, *headers)]
    assert pr.reported(together[1]) == expected
    assert sum((pr.reported(out) for _, out, _ in alone), Counter()) == expected
    assert together[0] == max(code for code, _, _ in alone) == (1 if expected else 0)


def test_renames_deletions_mode_changes_and_binaries_are_read(repo):
    pr.git(repo, "mv", pr.COMMON_C, "drivers/hv/hv_shared.c")
    pr.git(repo, "rm", "-q", "include/asm-generic/mshyperv.h")
    (repo / "drivers/hv/firmware.c").write_bytes(b"\x00\x01\x02binary")
    (repo / pr.HV_C).chmod(0o755)
    pr.git(repo, "add", "-A")
    assert hvlint("--staged") == (0, "", "")


def test_first_commit_of_a_repository_is_judged_whole(tmp_path, repo, monkeypatch):
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    pr.git(fresh, "init", "-q")
    (fresh / "drivers/hv").mkdir(parents=True)
    (fresh / pr.HV_C).write_text((repo / pr.HV_C).read_text())
    pr.git(fresh, "add", "-A")
    monkeypatch.chdir(fresh)
    code, out, _ = hvlint("--staged")
    assert code == 1
    assert pr.reported(out) == pr.old_findings(pr.HV_C)


def test_out_of_tree_repository_is_its_own_tree(tmp_path, repo, monkeypatch):
    """Not a kernel tree: every tracked C file naming Hyper-V things is the context, so
    an alias defined only in x86/ (a committed header, not part of the change) is known."""
    oot = tmp_path / "hv_foo"
    shutil.copytree(pr.TREE.parent / "out-of-tree", oot)
    pr.git(oot, "init", "-q", "-b", "main")
    pr.commit(oot, "hv_foo: first version")
    expected = pr.append(oot, "src/hv_foo.c", OOT_USER)
    pr.git(oot, "add", "-A")
    monkeypatch.chdir(oot)
    code, out, _ = hvlint("--staged", "src/hv_foo.c")
    assert code == 1
    assert pr.reported(out) == expected
    assert hvlint("--staged", "--no-tree", "src/hv_foo.c") == (0, "", "")  # nothing to know it by


OOT_USER = """
void hv_foo_enable(void)
{
	hv_set_register(HV_SYN_REG_FOO_CTL, 1);	/* expect: SYN_REG_ALIAS */
}
"""


def test_formats_follow_the_core_options(repo):
    expected = pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)
    pr.git(repo, "add", "-A")
    code, out, _ = hvlint("--staged", "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert Counter((f["path"], f["line"], f["type"]) for f in doc["findings"]) == expected
    assert all("patch" not in f for f in doc["findings"])  # one change, not a series
    code, out, _ = hvlint("--staged", "--format", "checkpatch", "--terse", "--showfile")
    assert code == 1
    (line,) = expected
    assert f"{pr.HV_C}:{line[1]}: WARNING:" in out
    assert hvlint("--staged", "--ignore", "GENERIC_REG_PREFIX") == (0, "", "")


def test_ci_range_from_pre_commit_environment(repo, monkeypatch):
    base = pr.git(repo, "rev-parse", "HEAD").strip()
    pr.append(repo, pr.COMMON_C, pr.TSC_USER_BOTH.replace("TSC_FREQUENCY", "VP_INDEX"))
    pr.commit(repo, "hv_common: read the VP index")
    expected = pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)
    bad = pr.commit(repo, "hv: clear SCONTROL on teardown")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", bad)
    pr.git(repo, "checkout", "-q", base)  # the files are read from TO, not the work tree
    code, out, _ = hvlint("--staged", pr.HV_C, pr.COMMON_C)
    assert code == 1
    assert pr.reported(out) == expected
    monkeypatch.setenv("PRE_COMMIT_TO_REF", f"{bad}~1")
    assert hvlint("--staged", pr.HV_C, pr.COMMON_C) == (0, "", "")


# ---------------------------------------------------------------------------------------
# --pre-push: the commits being pushed


def _series(repo):
    """good, bad, good on top of the base; returns (base, [commits], expected findings)."""
    base = pr.git(repo, "rev-parse", "HEAD").strip()
    pr.append(repo, pr.COMMON_C, pr.TSC_USER_BOTH.replace("TSC_FREQUENCY", "VP_INDEX"))
    first = pr.commit(repo, "hv_common: read the VP index")
    expected = pr.append(repo, pr.HV_C, pr.BAD_SCONTROL)
    second = pr.commit(repo, "hv: clear SCONTROL on teardown")
    pr.append(repo, pr.HV_C, pr.GOOD_SCONTROL.replace("disable_sctrl", "disable_sctrl_again"))
    third = pr.commit(repo, "hv: clear SCONTROL again")
    return base, [first, second, third], expected


def test_push_gates_exactly_the_commits_pushed(repo, monkeypatch):
    base, commits, expected = _series(repo)
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", commits[2])
    code, out, err = hvlint("--pre-push")
    assert (code, err) == (1, "1 finding: 0 errors, 1 warning\n")  # --fix fixes trees, not patches
    assert pr.reported(out) == expected
    assert "(patch 2/3: hv: clear SCONTROL on teardown)" in out
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", commits[1])  # the bad commit is already pushed
    assert hvlint("--pre-push") == (0, "", "")


def test_push_of_merges_only_passes(repo, monkeypatch):
    base, commits, _ = _series(repo)
    pr.git(repo, "checkout", "-q", "-b", "side", base)
    pr.git(repo, "merge", "-q", "--no-ff", "-m", "Merge main", "main")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", commits[2])
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "HEAD")
    assert hvlint("--pre-push") == (0, "", "")


def test_push_of_a_new_history_gates_every_commit_the_remote_lacks(repo, monkeypatch):
    _, _, expected = _series(repo)
    monkeypatch.setenv("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main")
    monkeypatch.setenv("PRE_COMMIT_REMOTE_NAME", "origin")  # no such remote: it lacks all
    code, out, _ = hvlint("--pre-push")
    assert code == 1
    assert pr.reported(out) == expected + pr.old_findings(pr.HV_C) + pr.old_findings(pr.X86_H)


def test_outside_a_push_the_upstream_range_is_gated(repo):
    base, _, expected = _series(repo)
    pr.git(repo, "branch", "-q", "upstream-main", base)
    assert hvlint("--pre-push")[0] == 0  # no upstream: nothing to compare with
    pr.git(repo, "branch", "-q", "--set-upstream-to=upstream-main")
    code, out, _ = hvlint("--pre-push")
    assert code == 1
    assert pr.reported(out) == expected


# ---------------------------------------------------------------------------------------
# Refusals: one line, exit status 2


@pytest.mark.parametrize(
    "argv, env, message",
    [
        (["--whole-files", pr.HV_C], {}, "--whole-files goes with --staged"),
        (["--staged", "--whole-files"], {}, "name them"),
        (["--staged", "--git", "HEAD"], {}, "cannot be combined"),
        (["--staged", "--pre-push"], {}, "not allowed with"),
        (["--pre-push", pr.HV_C], {}, "takes no FILE"),
        (["--pre-push"], {FROM: "--output=x", TO: "HEAD"}, "not a revision"),
        (["--pre-push"], {FROM: "nosuchref", TO: "HEAD"}, "not a commit"),
        (["--staged"], {FROM: "HEAD", TO: "HEAD\nx"}, "not a revision"),
        (["--staged", "--root", "/"], {}, "with --staged the tree is the git work tree"),
    ],
)
def test_refusals(repo, monkeypatch, argv, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, err = hvlint(*argv)
    assert (code, out) == (2, "")
    assert err.startswith("hvlint: error: ") and message in err
    assert err.count("\n") == 1


def test_outside_a_git_repository(tmp_path, monkeypatch, repo):
    monkeypatch.chdir(tmp_path)
    code, _, err = hvlint("--staged")
    assert code == 2
    assert err.startswith("hvlint: error: ") and "not inside a git repository" in err
