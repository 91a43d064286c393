"""b4 end to end: checkpatch and hvlint both run as per-patch checks, in every place b4 has.

b4 0.16 reads ``b4.prep-perpatch-check-cmd``, ``b4.am-perpatch-check-cmd`` and
``b4.review-perpatch-check-cmd`` as lists, and as soon as one holds a value it no longer runs
its default checkpatch there. The README therefore gives two values per key, checkpatch
first. These tests paste the README's ``git config --add`` lines into a kernel-shaped git
tree (tests/b4_support.py) and run the real b4 (PyPI), offline, on a two-patch series (one
patch faulty for both checkpatch and hvlint, one clean):

- authors: ``b4 prep --check``, started from drivers/hv/ (b4 runs checks at the top);
- maintainers: ``b4 am --check -m MBOX`` and ``b4 shazam -k -m MBOX`` (which also applies it);
- reviewers: b4 review's checks, which b4 runs only from its TUI; tests/data/b4/review_checks.py
  makes the TUI's calls without the screen (b4's config, ``load_check_cmds``,
  ``run_perpatch_checks``, its check database).

The tree's scripts/checkpatch.pl is a stand-in (tests/data/b4/checkpatch_standin.py: one
real rule, checkpatch's one-line report shape), since CI has no kernel tree; with
``HVLINT_KERNEL_TREE=/path/to/linux`` the same tests run its real scripts/checkpatch.pl.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import b4_support as bs
import gate_series as gs
import pytest

KEYS = {
    "prep": "prep-perpatch-check-cmd",
    "am": "am-perpatch-check-cmd",
    "shazam": "am-perpatch-check-cmd",
    "review": "review-perpatch-check-cmd",
}
PLACES = list(KEYS)
CHECKPATCH = {"prep": "checkpatch.pl", "am": "checkpatch.pl", "shazam": "checkpatch.pl",
              "review": "checkpatch"}  # b4 review names its built-in checkpatch "checkpatch"
FINDING = re.compile(r"^drivers/hv/hv\.c:(?P<line>\d+): ERROR:(?P<type>[A-Z0-9_]+): (?P<message>.*)$")
TRAILING = re.compile(r"^(?:drivers/hv/hv\.c:)?\d+: ERROR: trailing whitespace$")


@dataclass
class Place:
    """What one place reported, the commands b4 ran there, and hvlint run by hand."""

    top: Path
    blocks: Dict[str, bs.Block]
    runs: List[bs.Run]
    default_runs: Optional[List[bs.Run]]  # b4 with no value for the key (shazam: None, as am)
    by_hand: str  # the README's hvlint command on the faulty patch, run at the top


@pytest.fixture(scope="module")
def top(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("b4")


@pytest.fixture(scope="module")
def author(top):
    """The series made with b4 prep and checked with ``b4 prep --check`` from drivers/hv/."""
    env = bs.b4_env(top / "author-home")
    repo = bs.make_tree(top / "author", env)
    bs.run_b4(["prep", "-n", "hv-aeoi", "-f", "base"], repo, env, top)
    shas = [gs.apply_step(repo, step, env=env) for step in bs.SERIES]
    default = bs.run_b4(["prep", "--check"], repo, env, top)
    bs.configure(repo, KEYS["prep"], env)
    log = bs.run_b4(["prep", "--check"], repo / "drivers" / "hv", env, top)
    mbox = top / "series.mbox"
    mbox.write_text(gs.git(repo, "format-patch", "--thread", "--stdout", f"{shas[0]}~..{shas[-1]}", env=env))
    faulty = gs.git(repo, "format-patch", "--stdout", "-1", shas[0], env=env).encode()
    hvlint = bs.readme_hvlint(KEYS["prep"])
    place = Place(repo, bs.prep_report(log), bs.check_runs(log), bs.check_runs(default),
                  bs.hvlint_by_hand(repo, hvlint, faulty, env))
    return {"place": place, "mbox": mbox, "faulty": faulty, "log": log}


@pytest.fixture(scope="module")
def maintainer(top, author):
    """``b4 am --check`` then ``b4 shazam -k`` on the series' mbox in a tree at base."""
    env = bs.b4_env(top / "maintainer-home")
    repo = bs.make_tree(top / "maintainer", env)
    mbox, out = str(author["mbox"]), str(top / "am-out")
    default = bs.run_b4(["am", "-k", "-m", mbox, "-o", out], repo, env, top)
    bs.configure(repo, KEYS["am"], env)
    hvlint = bs.readme_hvlint(KEYS["am"])
    by_hand = bs.hvlint_by_hand(repo, hvlint, author["faulty"], env)
    am = bs.run_b4(["am", "--check", "-m", mbox, "-o", out], repo, env, top)
    shazam = bs.run_b4(["shazam", "-k", "-m", mbox], repo, env, top)
    applied = gs.git(repo, "log", "--reverse", "--format=%s", "base..HEAD", env=env).splitlines()
    return {
        "am": Place(repo, bs.am_report(am), bs.check_runs(am), bs.check_runs(default), by_hand),
        "shazam": Place(repo, bs.am_report(shazam), bs.check_runs(shazam), None, by_hand),
        "applied": applied,
    }


@pytest.fixture(scope="module")
def reviewer(top, author):
    """b4 review's per-patch checks on the series' mbox in a tree at base."""
    from importlib.util import find_spec

    if find_spec("b4.review") is None or find_spec("b4.review.checks") is None:
        pytest.skip("the installed b4 has no b4 review (0.16 has it)")
    env = bs.b4_env(top / "reviewer-home")
    repo = bs.make_tree(top / "reviewer", env)
    default_doc, default_runs = bs.run_review_checks(repo, author["mbox"], env, top)
    bs.configure(repo, KEYS["review"], env)
    doc, runs = bs.run_review_checks(repo, author["mbox"], env, top)
    hvlint = bs.readme_hvlint(KEYS["review"])
    by_hand = bs.hvlint_by_hand(repo, hvlint, author["faulty"], env)
    place = Place(repo, bs.review_report(doc), runs, default_runs, by_hand)
    return {"place": place, "doc": doc, "default_doc": default_doc}


def _place(request, name: str) -> Place:
    if name == "prep":
        return request.getfixturevalue("author")["place"]
    if name == "review":
        return request.getfixturevalue("reviewer")["place"]
    return request.getfixturevalue("maintainer")[name]


@pytest.fixture(params=PLACES)
def place(request) -> tuple:
    """(name, Place) for each place b4 runs per-patch checks."""
    return request.param, _place(request, request.param)


@pytest.fixture(params=["prep", "am", "review"])  # b4 shazam reads b4 am's key
def keyed_place(request) -> tuple:
    """(name, Place) for each key b4 reads."""
    return request.param, _place(request, request.param)


def test_readme_keeps_checkpatch_and_adds_hvlint_for_every_key():
    for key in sorted(set(KEYS.values())):
        checkpatch, hvlint = bs.readme_values(key)  # exactly two values, in this order
        assert checkpatch in ("_builtin_checkpatch",) or shlex.split(checkpatch)[0] == "./scripts/checkpatch.pl"
        assert shlex.split(hvlint)[0] == "hvlint"


def test_faulty_patch_shows_checkpatch_and_hvlint_findings(place):
    name, found = place
    block = found.blocks[bs.FAULTY]
    checkpatch, hvlint = block.of(CHECKPATCH[name]), block.of("hvlint")
    assert [r.status for r in checkpatch] == ["fail"] and TRAILING.match(checkpatch[0].text)
    assert [r.status for r in hvlint] == ["fail"]
    finding = FINDING.match(hvlint[0].text)
    assert finding, hvlint[0].text
    assert finding["type"] == "X86_NAME_IN_GENERIC"
    assert int(finding["line"]) == bs.added_line(bs.SERIES[0], "HV_DEPRECATING_AEOI_RECOMMENDED")
    # Only the tree's arch/x86 header defines the name: hvlint found and read the tree.
    assert "HV_DEPRECATING_AEOI_RECOMMENDED" in finding["message"]
    assert "arch/x86/include/asm/hyperv-tlfs.h" in finding["message"]
    assert len(block.results) == 2
    if name == "prep":
        assert block.status == "fail"


def test_clean_patch_passes_both_and_hvlint_says_nothing(place):
    name, found = place
    block = found.blocks[bs.CLEAN]
    if name == "prep":  # b4 prep lists no results under a patch that passed them all
        assert (block.status, block.results) == ("success", [])
        return
    assert block.results == [
        bs.Result("success", CHECKPATCH[name], "passed all checks"),
        bs.Result("success", "hvlint", "passed all checks"),
    ]


def test_both_commands_run_for_each_patch_at_the_top_in_readme_order(place):
    name, found = place
    values = bs.readme_values(KEYS[name])
    top = found.top.resolve()
    assert [r.folder.resolve() for r in found.runs] == [top] * 4
    assert [Path(r.argv[0]).name for r in found.runs] == ["checkpatch.pl", "hvlint"] * 2
    for run, value in zip(found.runs, values * 2):
        if value != "_builtin_checkpatch":
            assert run.argv == shlex.split(value)


def test_readme_checkpatch_is_what_b4_runs_by_default(keyed_place):
    _name, found = keyed_place
    assert found.default_runs is not None

    def checkpatch_runs(runs: List[bs.Run]) -> List[tuple]:
        return [
            ((run.folder / run.argv[0]).resolve(), [a for a in run.argv[1:] if a != "--codespell"])
            for run in runs
            if Path(run.argv[0]).name == "checkpatch.pl"
        ]

    assert [Path(r.argv[0]).name for r in found.default_runs] == ["checkpatch.pl"] * 2
    assert checkpatch_runs(found.runs) == checkpatch_runs(found.default_runs)


def test_hvlint_in_b4_says_what_it_says_on_the_command_line(place):
    name, found = place
    (hvlint,) = found.blocks[bs.FAULTY].of("hvlint")
    if name == "review":
        (by_hand,) = bs.review_report({"patches": [
            {"subject": bs.FAULTY, "results": json.loads(found.by_hand)}
        ]})[bs.FAULTY].of("hvlint")
        assert hvlint == by_hand
    else:
        assert found.by_hand.splitlines() == [hvlint.text]


def test_review_uses_b4s_builtin_checkpatch_by_default(reviewer):
    assert reviewer["default_doc"]["commands"] == ["_builtin_checkpatch"]
    assert reviewer["doc"]["commands"] == bs.readme_values(KEYS["review"])


def test_shazam_applies_the_series(maintainer):
    assert maintainer["applied"] == [bs.FAULTY, bs.CLEAN]


def test_prep_names_both_commands(author):
    using = author["log"].split("Checking patches using:\n", 1)[1].split("---", 1)[0]
    assert [line.strip() for line in using.splitlines() if line.strip()] == bs.readme_values(KEYS["prep"])
