"""The patch gate and the pre-commit hook with no options: the tree's aliases decide the scheme,
then the series' own, then the accessors called; a series that brings the other scheme's
prefix into a tree is told the tree's name (HV105).

Each case is a real git repository of a kernel-shaped tree (tests/scheme_trees.py) and real
``git format-patch`` mails, run through the installed console script as a maintainer would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import gate_series as gs
import pytest

from conftest import write_tree
from scheme_trees import PRE_RENAME, UPSTREAM

X86 = "arch/x86/include/asm/hyperv-tlfs.h"
ARM64 = "arch/arm64/include/asm/hyperv-tlfs.h"
HV_C = "drivers/hv/hv.c"


def repo_of(path: Path, files: Dict[str, str]) -> Path:
    write_tree(path, files)
    gs.git(path, "init", "-q", "-b", "main")
    gs.git(path, "add", "-A")
    gs.git(path, "commit", "-q", "-m", "Linux 7.1-rc1")
    gs.git(path, "tag", "base")
    return path


def commit(repo: Path, subject: str, edits: Dict[str, tuple]) -> None:
    """Replace ``old`` by ``new`` once in each file, and commit."""
    for rel, (old, new) in edits.items():
        path = repo / rel
        text = path.read_text()
        assert text.count(old) == 1, (rel, old)
        path.write_text(text.replace(old, new))
    gs.git(repo, "commit", "-q", "-a", "-m", f"{subject}\n\nSigned-off-by: {gs.AUTHOR[0]} <{gs.AUTHOR[1]}>")


def mails(repo: Path) -> List[str]:
    out = repo.parent / "outgoing"
    gs.git(repo, "format-patch", "-q", "-o", str(out), "base..HEAD")
    return sorted(str(p) for p in out.glob("*.patch"))


@pytest.fixture(params=["applied", "base"])
def checkout(request):
    """Where the maintainer runs the gate: the checkout that holds the series, or one at its
    base (a tree the mails have not reached)."""
    def where(repo: Path) -> Path:
        if request.param == "applied":
            return repo
        base = repo.parent / "base-tree"
        if not base.exists():
            gs.git(repo, "worktree", "add", "-q", str(base), "base")
        return base
    return where


def gate(repo: Path, *args: str) -> dict:
    proc = gs.run_hvlint(["--format", "json", *args], repo)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    doc = json.loads(proc.stdout)
    doc["exit"] = proc.returncode
    return doc


# The 2026 patch a reviewer answered by hand: written against the HV_SYN_REG_* proposal, for a
# tree whose aliases are HV_MSR_*.
ASSIST_DEFINE = "#define HV_SYN_REG_VP_ASSIST_PAGE\t(HV_X64_MSR_VP_ASSIST_PAGE)\n"
ASSIST_USER = """
u64 hv_vp_assist_page_pa(void)
{
	return hv_get_msr(HV_SYN_REG_VP_ASSIST_PAGE) & ~0xfffULL;
}
"""


def add_assist_page(repo: Path) -> None:
    commit(
        repo,
        "Drivers: hv: read the VP assist page through the synthetic alias",
        {
            X86: ("/* Arch-neutral names", ASSIST_DEFINE + "\n/* Arch-neutral names"),
            HV_C: ("sctrl & ~1ULL);\n\thv_set_msr(HV_MSR_EOM, 0);\n}\n", "sctrl & ~1ULL);\n\thv_set_msr(HV_MSR_EOM, 0);\n}\n" + ASSIST_USER),
        },
    )


@pytest.fixture
def upstream_repo(tmp_path):
    return repo_of(tmp_path / "linux", UPSTREAM)


@pytest.fixture
def pre_rename_repo(tmp_path):
    return repo_of(tmp_path / "linux", PRE_RENAME)


def test_other_scheme_alias_in_a_patch_is_told_the_tree_name(upstream_repo, checkout):
    add_assist_page(upstream_repo)
    doc = gate(checkout(upstream_repo), *mails(upstream_repo))
    assert doc["scheme"]["name"] == "upstream"
    assert "the tree defines 3 distinct HV_MSR_* register aliases" in doc["scheme"]["reason"]
    got = [(f["path"], f["type"], f["suggestion"]) for f in doc["findings"]]
    assert got == [
        (X86, "OTHER_SCHEME_ALIAS", "HV_MSR_VP_ASSIST_PAGE"),
        (HV_C, "OTHER_SCHEME_ALIAS", "HV_MSR_VP_ASSIST_PAGE"),
    ]
    assert all("HV_MSR_*" in f["message"] and "HV_MSR_VP_ASSIST_PAGE" in f["message"] for f in doc["findings"])
    assert doc["exit"] == 1


def test_other_scheme_alias_through_the_staged_hook(upstream_repo):
    add_assist_page(upstream_repo)
    gs.git(upstream_repo, "reset", "-q", "--soft", "HEAD~1")
    proc = gs.run_hvlint(["--staged"], upstream_repo)
    out = proc.stdout.decode()
    assert proc.returncode == 1, proc.stderr.decode()
    assert out.count("[HV105 OTHER_SCHEME_ALIAS]") == 2 and out.count("HV_MSR_VP_ASSIST_PAGE") == 2


def test_series_that_adds_many_other_scheme_aliases_does_not_change_the_tree_scheme(upstream_repo, checkout):
    extra = "".join(
        f"#define HV_SYN_REG_{n}\t(HV_X64_MSR_{n})\n" for n in ("GUEST_OS_ID", "VP_ASSIST_PAGE", "SCONTROL", "SIMP")
    )
    commit(upstream_repo, "x86/hyperv: add synthetic register aliases", {X86: ("/* Arch-neutral names", extra + "/* Arch-neutral names")})
    doc = gate(checkout(upstream_repo), *mails(upstream_repo))
    assert doc["scheme"]["name"] == "upstream"
    assert [f["type"] for f in doc["findings"]] == ["OTHER_SCHEME_ALIAS"] * 4
    # An alias the tree already has is to be used, not defined a second time.
    scontrol = next(f for f in doc["findings"] if "HV_SYN_REG_SCONTROL" in f["message"])
    assert "HV_MSR_SCONTROL already exists" in scontrol["message"]


RENAME_CALLERS = {
    HV_C: (
        "\tsctrl = hv_get_register(HV_REGISTER_SCONTROL);\n\thv_set_register(HV_REGISTER_SCONTROL, sctrl & ~1ULL);\n",
        "\tsctrl = hv_get_msr(HV_MSR_SCONTROL);\n\thv_set_msr(HV_MSR_SCONTROL, sctrl & ~1ULL);\n",
    ),
}
RENAME_ALIASES = {
    X86: (
        "/* temporary compatibility names */\n#define HV_X64_MSR_SCONTROL\t\tHV_REGISTER_SCONTROL\n"
        "#define HV_X64_MSR_SIMP\t\t\tHV_REGISTER_SIMP\n#define HV_X64_MSR_EOM\t\t\tHV_REGISTER_EOM\n",
        "#define HV_MSR_SCONTROL\t\t(HV_X64_MSR_SCONTROL)\n#define HV_MSR_SIMP\t\t(HV_X64_MSR_SIMP)\n"
        "#define HV_MSR_EOM\t\t(HV_X64_MSR_EOM)\n",
    ),
    ARM64: (
        "#define HV_REGISTER_EOM\t\t\t0x000A0014\n",
        "#define HV_REGISTER_EOM\t\t\t0x000A0014\n\n#define HV_MSR_SCONTROL\t\t(HV_REGISTER_SCONTROL)\n"
        "#define HV_MSR_SIMP\t\t(HV_REGISTER_SIMP)\n#define HV_MSR_EOM\t\t(HV_REGISTER_EOM)\n",
    ),
}


def test_rename_series_on_a_pre_rename_tree_is_judged_by_the_scheme_it_brings(pre_rename_repo, checkout):
    """The callers move first and the aliases come in the last patch: the whole series counts
    from patch 1 on, and nothing tells it to use the HV_SYN_REG_* prefix it replaces."""
    commit(pre_rename_repo, "Drivers: hv: use hv_get_msr()/hv_set_msr() for synthetic registers", RENAME_CALLERS)
    commit(pre_rename_repo, "hyperv-tlfs: define HV_MSR_* aliases for x86 and arm64", RENAME_ALIASES)
    doc = gate(checkout(pre_rename_repo), *mails(pre_rename_repo))
    assert doc["scheme"]["name"] == "upstream"
    reason = doc["scheme"]["reason"]
    assert "the tree defines no HV_SYN_REG_* or HV_MSR_* register aliases" in reason
    assert "the series defines 3 distinct HV_MSR_* register aliases (HV_SYN_REG_*: 0), so its aliases decide" in reason
    assert not [f for f in doc["findings"] if "HV_SYN_REG" in f["message"]]
    assert doc["findings"] == [] and doc["exit"] == 0


def test_patch_on_a_pre_rename_tree_is_told_how_to_create_the_missing_alias(pre_rename_repo, checkout):
    commit(pre_rename_repo, "Drivers: hv: clear the SIMP on teardown", {
        HV_C: ("sctrl & ~1ULL);\n}\n", "sctrl & ~1ULL);\n\thv_set_register(HV_REGISTER_SIMP, 0);\n}\n"),
    })
    doc = gate(checkout(pre_rename_repo), *mails(pre_rename_repo))
    assert doc["scheme"]["name"] == "syn-reg"
    [f] = doc["findings"]
    assert (f["type"], f["suggestion"]) == ("GENERIC_REG_PREFIX", None)
    assert f["message"].endswith("rename it HV_SYN_REG_SIMP (not defined yet)")
    assert "before the alias rename" in f["notes"][0] and "hvlint --fix" in f["notes"][0]


def test_patch_on_a_renamed_tree_is_told_the_register_has_no_alias_there(upstream_repo, checkout):
    """Issue 18: the tree has HV_MSR_* aliases but none for GUEST_OS_ID, so 'a tree from before
    the alias rename' would be false; the message and note say what is true."""
    commit(upstream_repo, "Drivers: hv: clear the guest OS id on teardown", {
        HV_C: ("\thv_set_msr(HV_MSR_EOM, 0);\n", "\thv_set_msr(HV_MSR_EOM, 0);\n\thv_set_msr(HV_X64_MSR_GUEST_OS_ID, 0);\n"),
    })
    doc = gate(checkout(upstream_repo), *mails(upstream_repo))
    assert doc["scheme"]["name"] == "upstream"
    assert sorted(f["code"] for f in doc["findings"]) == ["HV102", "HV103"]
    for f in doc["findings"]:
        assert f["suggestion"] is None
        assert "rename it HV_MSR_GUEST_OS_ID (this tree has none yet)" in f["message"]
        assert f["notes"][0].startswith("this tree defines 3 HV_MSR_* aliases, but not one for every register")
        assert "before the alias rename" not in f["message"] + f["notes"][0]


def test_without_a_tree_the_series_decides(upstream_repo):
    add_assist_page(upstream_repo)
    doc = gate(upstream_repo, "--no-tree", *mails(upstream_repo))
    # Only what the patch shows: one HV_SYN_REG_* alias and one hv_get_msr() call.
    assert doc["scheme"]["name"] == "syn-reg"
    assert "the patch defines 1 distinct HV_SYN_REG_* register alias (HV_MSR_*: 0), so its aliases decide" in doc["scheme"]["reason"]
