"""The patch gate end to end, through the installed ``hvlint`` console script.

One real series (tests/gate_series.py) is gated every way a kernel developer or CI would:
``--git RANGE``, the ``git format-patch`` mbox against the series' base tree, the same mbox
inside a checkout that already holds it, without any tree, one mail on stdin (as b4 sends
it). Findings must sit exactly on the lines marked ``/* expect: TYPE */`` and nowhere else.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import gate_series as gs
from conftest import kernel_checkpatch, kernel_tree
import pytest


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """The repo with the series, a worktree at its base, the mbox and each patch file."""
    top = tmp_path_factory.mktemp("gate")
    repo = gs.make_repo(top / "linux")
    shas = gs.apply_series(repo, gs.SERIES)
    gs.git(repo, "worktree", "add", "-q", str(top / "base-tree"), "base")
    out = top / "patches"
    gs.git(repo, "format-patch", "-q", "-o", str(out), "base..HEAD")
    files = sorted(out.glob("*.patch"))
    mbox = top / "series.mbox"
    mbox.write_bytes(b"".join(f.read_bytes() for f in files))
    return {
        "top": top,
        "repo": repo,
        "shas": shas,
        "base": top / "base-tree",
        "mbox": mbox,
        "files": files,
    }


def findings(proc):
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout)["findings"]


def keyed(found):
    return Counter((f["patch"]["index"], f["path"], f["line"], f["type"]) for f in found)


def test_git_range_reports_exactly_the_marked_lines(work):
    proc = gs.run_hvlint(["--git", "base..HEAD", "--format", "json"], work["repo"])
    assert proc.returncode == 1
    assert keyed(findings(proc)) == gs.expected(work["repo"], work["shas"], gs.SERIES)
    assert proc.stderr == b""


def test_strict_adds_the_check_level_rule(work):
    proc = gs.run_hvlint(["--git", "base..HEAD", "--format", "json", "--strict"], work["repo"])
    assert keyed(findings(proc)) == gs.expected(work["repo"], work["shas"], gs.SERIES, strict=True)


def test_findings_say_which_patch_they_came_from(work):
    found = findings(gs.run_hvlint(["--git", "base..HEAD", "--format", "json"], work["repo"]))
    for f in found:
        index = f["patch"]["index"]
        assert f["patch"]["total"] == 9
        assert f["patch"]["subject"] == gs.SERIES[index - 1].subject
        assert f["patch"]["commit"] == work["shas"][index - 1]


def _comparable(found):
    return [
        (
            f["patch"]["index"],
            f["patch"]["subject"],
            f["path"],
            f["line"],
            f["column"],
            f["type"],
            f["message"],
        )
        for f in found
    ]


def test_mbox_against_the_base_tree_matches_the_git_range(work):
    by_git = findings(gs.run_hvlint(["--git", "base..HEAD", "--format", "json"], work["repo"]))
    by_mbox = findings(
        gs.run_hvlint(
            ["--root", str(work["base"]), "--format", "json", str(work["mbox"])], work["top"]
        )
    )
    assert _comparable(by_mbox) == _comparable(by_git)
    assert [f["patch"]["commit"] for f in by_mbox] == [f["patch"]["commit"] for f in by_git]


def test_mbox_inside_a_checkout_that_holds_the_series(work):
    # CI checks out the pull request's head and gates `git format-patch base..HEAD`.
    by_git = findings(gs.run_hvlint(["--git", "base..HEAD", "--format", "json"], work["repo"]))
    proc = gs.run_hvlint(["--format", "json", "-v", str(work["mbox"])], work["repo"])
    assert _comparable(findings(proc)) == _comparable(by_git)
    assert b"the tree already holds the patch" in proc.stderr


def test_patch_files_given_one_by_one_form_one_series(work):
    by_mbox = findings(
        gs.run_hvlint(
            ["--root", str(work["base"]), "--format", "json", str(work["mbox"])], work["top"]
        )
    )
    by_files = findings(
        gs.run_hvlint(
            ["--root", str(work["base"]), "--format", "json", *map(str, work["files"])], work["top"]
        )
    )
    assert _comparable(by_files) == _comparable(by_mbox)


def test_without_a_tree_only_marked_lines_are_reported(work):
    proc = gs.run_hvlint(["--no-tree", "--format", "json", str(work["mbox"])], work["repo"])
    found = findings(proc)
    want = gs.expected(work["repo"], work["shas"], gs.SERIES)
    assert {k[:3] for k in keyed(found)} == {k[:3] for k in want}
    assert set(want) <= set(keyed(found))


def test_a_define_from_an_earlier_patch_is_known_later(work):
    # Patch 9 uses an alias that patch 8 defines for arm64 only: judged as a series, the use
    # is HV104; judged alone against the base tree, the alias is unknown and nothing is said.
    alone = gs.run_hvlint(
        ["--root", str(work["base"]), "--format", "json", "-"],
        work["top"],
        stdin=work["files"][8].read_bytes(),
    )
    assert findings(alone) == []
    series = findings(
        gs.run_hvlint(
            ["--root", str(work["base"]), "--format", "json", str(work["mbox"])], work["top"]
        )
    )
    assert any(f["patch"]["index"] == 9 and f["type"] == "SYN_REG_ALIAS" for f in series)


def test_stdin_is_read_when_no_path_is_given(work):
    mail = work["files"][6].read_bytes()
    proc = gs.run_hvlint(["--format", "json"], work["base"], stdin=mail)
    got = findings(proc)
    assert [(f["path"], f["line"], f["type"]) for f in got] == [
        ("drivers/hv/hv.c", 28, "X86_NAME_IN_GENERIC"),
        ("drivers/hv/hv.c", 28, "X86_NAME_IN_GENERIC"),
    ]
    assert got[0]["patch"]["index"] == 7 and got[0]["patch"]["total"] == 9


def test_clean_series_is_silent_under_mailback(work):
    clean = work["shas"][len(gs.CLEAN) - 1]
    for args in (
        ["--git", f"base..{clean}", "--mailback"],
        ["--git", f"base..{clean}", "--mailback", "--format", "sarif"],
        ["-q", "--terse", "--no-summary", "--mailback", "--showfile", "--git", f"base..{clean}"],
    ):
        proc = gs.run_hvlint(args, work["repo"])
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b""), args
    mbox = b"".join(f.read_bytes() for f in work["files"][: len(gs.CLEAN)])
    proc = gs.run_hvlint(["--mailback"], work["base"], stdin=mbox)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    for one in work["files"][: len(gs.CLEAN)]:
        proc = gs.run_hvlint(
            ["-q", "--terse", "--no-summary", "--mailback", "--showfile"],
            work["repo"],
            stdin=one.read_bytes(),
        )
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b""), one.name


def test_checkpatch_git_blocks_name_each_commit_and_the_formatted_patch_line(work):
    proc = gs.run_hvlint(["--git", "base..HEAD", "--show-types"], work["repo"])
    out = proc.stdout.decode()
    assert proc.returncode == 1
    for sha, step in zip(work["shas"], gs.SERIES):
        vname = f'Commit {sha[:12]} ("{step.subject}")'
        assert f"{'-' * len(vname)}\n{vname}\n{'-' * len(vname)}\n" in out
    assert out.count("total: ") == 9
    assert "ERROR:X86_NAME_IN_GENERIC: rdmsrl is x86-only" in out
    # "#N" is the line of `git format-patch -1 <commit>`, as checkpatch.pl --git numbers it.
    sha7 = work["shas"][6]
    formatted = gs.git(work["repo"], "format-patch", "--stdout", "-1", sha7).split("\n")
    marked = next(i for i, line in enumerate(formatted, 1) if line.startswith("+\trdmsrl("))
    assert f"#{marked}: FILE: drivers/hv/hv.c:28:\n+\trdmsrl(HV_X64_MSR_SIMP, simp);" in out


@pytest.mark.skipif(kernel_tree() is None, reason="HVLINT_KERNEL_TREE is unset (needs the real scripts/checkpatch.pl)")
def test_same_sections_and_line_counts_as_checkpatch_pl(work):
    import subprocess

    checkpatch = kernel_checkpatch()
    assert checkpatch is not None and checkpatch.is_file(), f"HVLINT_KERNEL_TREE has no {checkpatch}"
    real = subprocess.run(
        ["perl", str(checkpatch), "--no-tree", "--no-signoff", "--git", "base..HEAD"],
        cwd=work["repo"],
        env=gs.git_env(work["top"]),
        capture_output=True,
        check=False,
    ).stdout.decode()
    ours = gs.run_hvlint(
        ["--no-tree", "--format", "checkpatch", "--git", "base..HEAD"], work["repo"]
    ).stdout.decode()
    banner = re.compile(r"^Commit [0-9a-f]{12} \(.*\)$", re.MULTILINE)
    assert banner.findall(ours) == banner.findall(real)
    count = re.compile(r"^total: \d+ errors, \d+ warnings, (\d+) lines checked$", re.MULTILINE)
    assert count.findall(ours) == count.findall(real)


def test_github_annotations_for_the_series(work):
    proc = gs.run_hvlint(["--git", "base..HEAD", "--format", "github"], work["repo"])
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == sum(gs.expected(work["repo"], work["shas"], gs.SERIES).values())
    assert lines[0].startswith("::error file=arch/x86/include/asm/hyperv-tlfs.h,line=25,col=9,")
    assert "title=HV101 HV_REGISTER_MSR::" in lines[0]
