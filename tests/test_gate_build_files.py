"""A series that adds a file together with its Kconfig symbol and Makefile rule is judged with
them: an x86-only driver added under drivers/hv/ is x86 code, not shared code, in patch 2
because patch 1 said so. Gated every way (mbox against the base tree, the mbox inside a
checkout that already holds the series, --git, and the pre-commit --staged hook).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import gate_series as gs
import pytest

HELPER_C = """\
// SPDX-License-Identifier: GPL-2.0
/* Reads the x86 VP index MSR: built only when CONFIG_HYPERV_X86_HELPER (x86-only) is set. */

#include <asm/mshyperv.h>

u32 hv_x86_helper_vp_index(void)
{
	u64 index;

	rdmsrl(HV_X64_MSR_VP_INDEX, index);
	return index;
}
"""

KCONFIG_STEP = gs.Step(
    "Drivers: hv: Add an x86-only helper option",
    "The helper reads x86 MSRs; build it on x86 only.",
    [
        (
            "replace",
            "drivers/hv/Kconfig",
            "\nendmenu\n",
            "\nconfig HYPERV_X86_HELPER\n\tdef_bool HYPERV && X86\n\nendmenu\n",
        ),
        (
            "replace",
            "drivers/hv/Makefile",
            "obj-$(CONFIG_HYPERV)\t\t+= hv_vmbus.o\n",
            "obj-$(CONFIG_HYPERV)\t\t+= hv_vmbus.o\nobj-$(CONFIG_HYPERV_X86_HELPER) += hv_x86_helper.o\n",
        ),
    ],
)
SHARED_STEP = gs.Step(
    "Drivers: hv: Build the helper with the bus driver",
    "Built wherever HYPERV is: arm64 too.",
    [
        (
            "replace",
            "drivers/hv/Makefile",
            "obj-$(CONFIG_HYPERV)\t\t+= hv_vmbus.o\n",
            "obj-$(CONFIG_HYPERV)\t\t+= hv_vmbus.o hv_x86_helper.o\n",
        ),
    ],
)
HELPER_STEP = gs.Step(
    "Drivers: hv: Add the x86 helper",
    "Reads the VP index MSR.",
    [("write", "drivers/hv/hv_x86_helper.c", HELPER_C)],
)


def make(top: Path, first: gs.Step) -> dict:
    repo = gs.make_repo(top / "linux")
    gs.apply_series(repo, [first, HELPER_STEP])
    mbox = top / "series.mbox"
    mbox.write_bytes(gs.git(repo, "format-patch", "--stdout", "base..HEAD").encode())
    gs.git(repo, "worktree", "add", "-q", str(top / "base-tree"), "base")
    return {"repo": repo, "mbox": mbox, "base": top / "base-tree"}


@pytest.fixture(scope="module")
def x86_only(tmp_path_factory) -> dict:
    return make(tmp_path_factory.mktemp("x86-only"), KCONFIG_STEP)


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> dict:
    return make(tmp_path_factory.mktemp("shared"), SHARED_STEP)


def types(args: List[str], cwd: Path) -> List[str]:
    proc = gs.run_hvlint([*args, "--format", "json"], cwd)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return [f["type"] for f in json.loads(proc.stdout)["findings"]]


def ways(work: dict):
    """(how, args, cwd) for each way the series is gated."""
    return [
        ("mbox against the base tree", [str(work["mbox"])], work["base"]),
        ("mbox in a checkout holding it", [str(work["mbox"])], work["repo"]),
        ("--git", ["--git", "base..HEAD"], work["repo"]),
        ("--git from a checkout of the base", ["--git", "base..main"], work["base"]),
    ]


def test_a_file_built_only_for_x86_by_the_series_is_x86_code(x86_only) -> None:
    for how, args, cwd in ways(x86_only):
        assert types(args, cwd) == [], how


def test_the_same_file_built_for_every_arch_is_shared_code(shared) -> None:
    for how, args, cwd in ways(shared):
        assert types(args, cwd) == ["X86_NAME_IN_GENERIC", "X86_NAME_IN_GENERIC"], how


def test_without_a_tree_the_series_build_lines_still_count(x86_only, shared) -> None:
    # No tree: what the hunks add is all there is. `def_bool HYPERV && X86` cannot be on
    # for arm64 whatever HYPERV is; a rule of CONFIG_HYPERV alone may build it anywhere.
    assert types(["--no-tree", str(x86_only["mbox"])], x86_only["base"]) == []
    assert types(["--no-tree", str(shared["mbox"])], shared["base"]) == [
        "X86_NAME_IN_GENERIC",
        "X86_NAME_IN_GENERIC",
    ]


def test_the_staged_hook_reads_the_staged_build_files(tmp_path) -> None:
    repo = gs.make_repo(tmp_path / "linux")
    for step in (KCONFIG_STEP, HELPER_STEP):
        for _kind, path, *rest in step.edits:
            target = repo / path
            text = rest[-1] if _kind == "write" else target.read_text().replace(rest[0], rest[1])
            target.write_text(text)
    gs.git(repo, "add", "-A")
    assert types(["--staged", "drivers/hv/hv_x86_helper.c"], repo) == []
    # What is staged counts, not the work tree: the rule taken out of the work tree only.
    (repo / "drivers/hv/Makefile").write_text(gs.git(repo, "show", "base:drivers/hv/Makefile"))
    assert types(["--staged", "drivers/hv/hv_x86_helper.c"], repo) == []
    # The same file staged without its build rule is shared code (the rule's edits set
    # aside, as pre-commit stashes what is not staged).
    gs.git(repo, "reset", "-q", "--", "drivers/hv/Kconfig", "drivers/hv/Makefile")
    gs.git(repo, "checkout", "-q", "--", "drivers/hv/Kconfig", "drivers/hv/Makefile")
    assert types(["--staged", "drivers/hv/hv_x86_helper.c"], repo) == [
        "X86_NAME_IN_GENERIC",
        "X86_NAME_IN_GENERIC",
    ]
