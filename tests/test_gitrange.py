"""``--git RANGE``: every range form checkpatch.pl accepts, merges skipped, and refusals.

The repository is real: the kernel-shaped tree, three commits of the series on main, one
on a side branch, and a merge of the two.
"""

from __future__ import annotations

from pathlib import Path

import gate_series as gs
import pytest

from hvlint.gate.gitrange import GitRangeError, read_blobs, read_range, resolve_commits


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = gs.make_repo(tmp_path_factory.mktemp("gitrange") / "linux")
    gs.apply_series(repo, gs.SERIES[:3])
    gs.git(repo, "checkout", "-q", "-b", "side", "base")
    gs.apply_step(repo, gs.SERIES[4])
    gs.git(repo, "checkout", "-q", "main")
    gs.git(repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'side'", "side")
    gs.git(repo, "tag", "merged")
    gs.apply_step(repo, gs.SERIES[3])
    return repo


def subjects(repo: Path, *exprs: str):
    return [p.subject for p in read_range(list(exprs), repo).patches]


S = [s.subject for s in gs.SERIES]


def test_two_dot_range_skips_merges(repo):
    got = subjects(repo, "base..HEAD")
    assert sorted(got) == sorted([S[0], S[1], S[2], S[4], S[3]])
    assert got[-1] == S[3] and got.index(S[0]) < got.index(S[1]) < got.index(S[2])


def test_open_ended_and_single_commit(repo):
    assert subjects(repo, "HEAD~1..") == [S[3]]
    assert subjects(repo, "HEAD") == [S[3]]
    assert subjects(repo, "side") == [S[4]]


def test_checkpatch_rev_count_form(repo):
    got = subjects(repo, "HEAD-2")
    assert len(got) == 2 and got[-1] == S[3]


def test_symmetric_difference(repo):
    assert sorted(subjects(repo, "side...main~2")) == sorted([S[4], S[0], S[1], S[2]])


def test_several_ranges_form_one_series(repo):
    series = read_range(["side", "HEAD"], repo)
    assert [p.subject for p in series.patches] == [S[4], S[3]]
    assert [(p.index, p.total) for p in series.patches] == [(1, 2), (2, 2)]
    assert all(len(p.commit or "") == 40 for p in series.patches)


def test_a_merge_alone_is_no_commit(repo):
    with pytest.raises(GitRangeError, match="no commits"):
        read_range(["merged"], repo)


@pytest.mark.parametrize(
    "expr, why",
    [
        ("--all", "starts with '-'"),
        ("-1", "starts with '-'"),
        ("--output=/tmp/x", "starts with '-'"),
        ("HEAD; touch pwned", "blanks or control"),
        ("$(touch pwned)", "not a commit"),
        ("HEAD:Makefile", "not a commit"),
        ("nosuchbranch..HEAD", "'nosuchbranch' is not a commit"),
        ("base..HEAD..side", "not a commit range"),
        ("HEAD..HEAD", "no commits"),
        ("", "empty"),
    ],
)
def test_refused(repo, expr, why):
    with pytest.raises(GitRangeError, match=why.replace("(", r"\(").replace(")", r"\)")):
        read_range([expr], repo)
    assert not (repo / "pwned").exists()


def test_outside_a_repository(tmp_path):
    with pytest.raises(GitRangeError, match="not inside a git repository"):
        read_range(["HEAD"], tmp_path)


def test_resolve_and_read_blobs(repo):
    ids = resolve_commits(["HEAD", "HEAD:Makefile", "nope"], repo)
    assert len(ids["HEAD"] or "") == 40 and ids["HEAD:Makefile"] is None and ids["nope"] is None
    blobs = read_blobs([("base", "Makefile"), ("base", "drivers/hv/hv_stimer.c")], repo)
    assert blobs[("base", "Makefile")].startswith("# SPDX-License-Identifier")
    assert blobs[("base", "drivers/hv/hv_stimer.c")] is None
