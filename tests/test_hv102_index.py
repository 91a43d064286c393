"""HV102 through the declaration index (issue 17): the four shapes of "this will not build on
arm64" as a real ``git format-patch`` series, each reported on its line of its patch, and a
near-miss of each (declared for arm64 too, a member or local named like an x86 global, the use
under ``#ifdef CONFIG_X86``, a driver Kconfig builds only for x86) not reported."""

from __future__ import annotations

import json
from collections import Counter

import gate_series as gs
import hv102_series as hs
import pytest


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    top = tmp_path_factory.mktemp("hv102")
    repo = hs.make_repo(top / "linux")
    shas = gs.apply_series(repo, hs.SERIES)
    out = top / "patches"
    gs.git(repo, "format-patch", "-q", "-o", str(out), "base..HEAD")
    gs.git(repo, "worktree", "add", "-q", str(top / "base-tree"), "base")
    return {"repo": repo, "shas": shas, "files": sorted(out.glob("*.patch")), "base": top / "base-tree"}


def _hv102(proc):
    assert proc.returncode in (0, 1), proc.stderr.decode()
    found = json.loads(proc.stdout)["findings"]
    return [f for f in found if f["code"] == "HV102" and "patch" in f]


def _keyed(found):
    return Counter((f["patch"]["index"], f["path"], f["line"], f["type"]) for f in found)


def test_git_range_reports_each_shape_on_its_line_of_its_patch(work):
    found = _hv102(gs.run_hvlint(["--git", "base..HEAD", "--format", "json"], work["repo"]))
    assert _keyed(found) == gs.expected(work["repo"], work["shas"], hs.SERIES)


def test_the_mails_against_the_base_tree_report_the_same(work):
    args = ["--patch", "--format", "json", *map(str, work["files"])]
    found = _hv102(gs.run_hvlint(args, work["base"]))
    assert _keyed(found) == gs.expected(work["repo"], work["shas"], hs.SERIES)


def test_messages_say_where_x86_declares_the_name_and_the_fix(work):
    found = _hv102(gs.run_hvlint(["--git", "base..HEAD", "--format", "json"], work["repo"]))
    by_name = {f["message"].split(" ", 1)[0].strip("<>"): f["message"] for f in found}
    assert "arch/x86/include/asm/apic.h:" in by_name["apic_eoi"]
    assert "arm64 has no declaration" in by_name["apic_eoi"]
    assert "include/asm-generic/mshyperv.h" in by_name["dma_ops"]
    assert "arch/x86/include/asm/mshyperv.h:" in by_name["hv_x86_vtl_return"]
    assert "arch/x86/hyperv/hv_init.c:" in by_name["hv_x86_flush_pending"]
    assert "arch/x86/include/asm/apic.h" in by_name["asm/apic.h"]


def test_the_whole_tree_after_the_series(work):
    """The tree run (no series): the uses the tree's headers settle; the series-only ones
    (the .c function made global) need the series, so only the header-declared ones remain."""
    proc = gs.run_hvlint(["--format", "json", "drivers/hv"], work["repo"])
    assert proc.returncode == 1, proc.stderr.decode()
    names = [f["message"].split(" ", 1)[0].strip("<>") for f in json.loads(proc.stdout)["findings"] if f["code"] == "HV102"]
    assert names.count("apic_eoi") == 1  # hv_apic_helper.c is built only for x86
    assert "hv_both_vtl_init" not in names and "queued_spin_is_locked" not in names
    assert "virt_to_phys" not in names and "lapic_assign_system_vectors" not in names
    assert {"dma_ops", "pv_ops", "hv_x86_vtl_return", "hv_vtl_page", "hv_x86_same_patch", "asm/apic.h"} <= set(names)
