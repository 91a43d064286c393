"""A new driver is judged by the build rules its own patch brings, also where the patch's
Kconfig and Makefile hunks do not apply to the tree at hand.

The history, made with git: ``older`` (the gate fixture tree with arch Kconfig files, the
top Makefile's ARCH names and drivers/Makefile), ``mid`` (a balloon driver added) and ``newer`` (an mshv_root
driver added just before ``endmenu`` and at the end of drivers/hv/Makefile). The driver
series is posted against ``newer``: its build hunks name mshv_root as context, so they do
not apply to ``mid`` or ``older``. ``merged`` is ``newer`` with the driver taken in and then
narrowed to x86_64 by a later fix: a respin of the wider first version must not widen it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import gate_series as gs
import pytest

X86_KCONFIG = """\
# SPDX-License-Identifier: GPL-2.0
# 32 or 64 bit: ARCH=x86_64 and ARCH=i386 decide, ARCH=x86 asks
config 64BIT
	bool "64-bit kernel" if "$(ARCH)" = "x86"
	default "$(ARCH)" != "i386"
	help
\t  A 64-bit x86 kernel when set, a 32-bit one when not.

config X86_32
	def_bool y
	depends on !64BIT

config X86_64
	def_bool y
	depends on 64BIT

config X86
	def_bool y

config X86_LOCAL_APIC
	def_bool y
	depends on X86_64 || X86_UP_APIC

config X86_UP_APIC
	bool "Local APIC support on uniprocessors"
	depends on X86_32

config HYPERVISOR_GUEST
	bool "Linux guest support"
"""
ARM64_KCONFIG = """\
# SPDX-License-Identifier: GPL-2.0
config ARM64
	def_bool y

config 64BIT
	def_bool y

config CPU_BIG_ENDIAN
	bool "Build big-endian kernel"
"""
TOP_MAKEFILE_ARCH = """\
ARCH		?= $(SUBARCH)
SRCARCH 	:= $(ARCH)

# ARCH names of the x86 folder
ifeq ($(ARCH),i386)
        SRCARCH := x86
endif
ifeq ($(ARCH),x86_64)
        SRCARCH := x86
endif

"""

ENDMENU = "\nendmenu\n"
ARCHES = gs.Step(
    "kbuild: Add the arch Kconfig files and drivers/Makefile",
    "The arch folders' own symbols, and the rule that descends into drivers/hv.",
    [
        ("write", "arch/x86/Kconfig", X86_KCONFIG),
        ("write", "arch/arm64/Kconfig", ARM64_KCONFIG),
        ("write", "drivers/Makefile", "# SPDX-License-Identifier: GPL-2.0\nobj-$(CONFIG_HYPERV)\t\t+= hv/\n"),
        ("replace", "Kconfig", 'source "drivers/hv/Kconfig"\n', 'source "arch/$(SRCARCH)/Kconfig"\n\nsource "drivers/hv/Kconfig"\n'),
        ("replace", "Makefile", "obj-y += drivers/ arch/\n", TOP_MAKEFILE_ARCH + "obj-y += drivers/ arch/\n"),
    ],
)
BALLOON = gs.Step(
    "Drivers: hv: Add the balloon driver",
    "Memory hot-add and ballooning for guests.",
    [
        ("replace", "drivers/hv/Kconfig", "config HYPERV_TIMER\n", (
            "config HYPERV_BALLOON\n\ttristate \"Microsoft Hyper-V Balloon driver\"\n"
            "\tdepends on HYPERV\n\thelp\n\t  Lets the host take memory back from the guest.\n\n"
            "config HYPERV_TIMER\n")),
        ("replace", "drivers/hv/Makefile", "\nhv_vmbus-y", "obj-$(CONFIG_HYPERV_BALLOON)\t+= hv_balloon.o\n\nhv_vmbus-y"),
    ],
)
MSHV_ROOT = gs.Step(
    "Drivers: hv: Add the root partition driver",
    "Lets Linux run as the root partition.",
    [
        ("replace", "drivers/hv/Kconfig", ENDMENU, (
            "\nconfig MSHV_ROOT\n\ttristate \"Microsoft Hyper-V root partition support\"\n"
            "\tdepends on HYPERV && X86_64\n\thelp\n\t  Provides /dev/mshv for a VMM in the root partition.\n"
            + ENDMENU)),
        ("append", "drivers/hv/Makefile", "obj-$(CONFIG_MSHV_ROOT)\t+= mshv_root.o\nmshv_root-y := mshv_root_main.o\n"),
    ],
)

VSM_C = """\
// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual secure mode calls of an x86_64 guest: the VSM code reads the VP's
 * synthetic MSRs directly, so the driver is only built for x86_64.
 */

#include <linux/types.h>
#include <asm/mshyperv.h>

static bool hv_vsm_enabled;

u64 hv_vsm_vp_index(void)
{
	u64 index = 0;

	if (hv_vsm_enabled)
		rdmsrl(HV_X64_MSR_VP_INDEX, index);
	return index;
}

void hv_vsm_enable_synic(void)
{
	wrmsrl(HV_X64_MSR_SCONTROL, 1);
	wrmsrl(HV_X64_MSR_EOM, 0);
}
"""
# The findings of VSM_C where it is shared code: each x86 accessor and x86 name is an HV102.
SHARED_FINDINGS = ["X86_NAME_IN_GENERIC"] * 6


def vsm(depends: str, why: str) -> gs.Step:
    """The driver's one patch: its C file, its Kconfig entry (``depends``) and Makefile lines."""
    return gs.Step(
        "Drivers: hv: Add the VSM call driver",
        why,
        [
            ("write", "drivers/hv/hv_vsm_main.c", VSM_C),
            ("replace", "drivers/hv/Kconfig", ENDMENU, (
                "\nconfig HYPERV_VSM\n\ttristate \"Microsoft Hyper-V VSM call driver\"\n"
                f"{depends}\thelp\n\t  Virtual secure mode calls for guests.\n" + ENDMENU)),
            ("append", "drivers/hv/Makefile", "obj-$(CONFIG_HYPERV_VSM)\t+= hv_vsm.o\nhv_vsm-y := hv_vsm_main.o hv_vsm_trace.o\n"),
        ],
    )


X86_ONLY = vsm("\tdepends on HYPERV && X86_64\n", "Built for x86_64 only.")
BOTH = vsm("\tdepends on HYPERV\n", "Built wherever HYPERV is.")
ANY_64BIT = vsm("\tdepends on HYPERV\n\tdepends on 64BIT || COMPILE_TEST\n", "Any 64-bit arch.")
NARROWED = gs.Step(
    "Drivers: hv: vsm: Build on x86_64 only",
    "The driver reads x86 MSRs.",
    [("replace", "drivers/hv/Kconfig", "config HYPERV_VSM\n\ttristate \"Microsoft Hyper-V VSM call driver\"\n\tdepends on HYPERV\n",
      "config HYPERV_VSM\n\ttristate \"Microsoft Hyper-V VSM call driver\"\n\tdepends on HYPERV && X86_64\n")],
)


def commit(repo: Path, step: gs.Step) -> str:
    """``gs.apply_step`` with one more kind of edit: ("append", path, text)."""
    edits = []
    for edit in step.edits:
        if edit[0] == "append":
            text = (repo / edit[1]).read_text()
            edit = ("replace", edit[1], text, text + edit[2])
        edits.append(edit)
    return gs.apply_step(repo, gs.Step(step.subject, step.body, edits))


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Dict[str, Path]:
    """The trees (``older``, ``mid``, ``newer``, ``merged``) as worktrees and the mails of
    each driver series (``x86-only``, ``both``, ``64bit``) posted against ``newer``."""
    top = tmp_path_factory.mktemp("new-driver")
    repo = gs.make_repo(top / "linux")
    made: Dict[str, Path] = {}
    for tag, step in (("older", ARCHES), ("mid", BALLOON), ("newer", MSHV_ROOT)):
        commit(repo, step)
        gs.git(repo, "tag", tag)
    for name, step in (("x86-only", X86_ONLY), ("both", BOTH), ("64bit", ANY_64BIT)):
        gs.git(repo, "checkout", "-q", "-B", name, "newer")
        commit(repo, step)
        made[name] = top / f"{name}.mbox"
        made[name].write_bytes(gs.git(repo, "format-patch", "--stdout", "newer..HEAD").encode())
    gs.git(repo, "checkout", "-q", "-B", "merged", "both")
    commit(repo, NARROWED)
    gs.git(repo, "checkout", "-q", "--detach", "older")
    for tag in ("older", "mid", "newer", "merged"):
        made[tag] = top / f"tree-{tag}"
        gs.git(repo, "worktree", "add", "-q", "--detach", str(made[tag]), tag)
    return made


def gate(args: List[str], cwd: Path) -> tuple:
    """(TYPEs of the findings on the driver's C file, -v's stderr) of one gate run."""
    proc = gs.run_hvlint(["-v", "--format", "json", *args], cwd)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    found = [f["type"] for f in json.loads(proc.stdout)["findings"] if f["path"] == "drivers/hv/hv_vsm_main.c"]
    return found, proc.stderr.decode()


def test_build_hunks_that_do_not_apply_still_class_the_new_driver(history) -> None:
    for tree in ("mid", "older"):
        found, stderr = gate([str(history["x86-only"])], history[tree])
        assert found == [], tree
        assert "drivers/hv/Kconfig: post-image could not be applied to the tree" in stderr, tree
        assert "drivers/hv/Makefile: post-image could not be applied to the tree" in stderr, tree
        assert ("drivers/hv/hv_vsm_main.c: build rules from the lines the series adds to "
                "drivers/hv/Kconfig, drivers/hv/Makefile alone (their hunks do not apply to the tree)") in stderr
        assert "drivers/hv/hv_vsm_main.c: treated as x86 code" in stderr


def test_without_a_tree_the_hunks_lines_class_the_new_driver(history) -> None:
    found, stderr = gate(["--no-tree", str(history["x86-only"])], history["mid"])
    assert found == []
    assert "drivers/hv/Kconfig: post-image rebuilt from the hunks alone" in stderr
    assert "drivers/hv/Makefile alone (no tree)" in stderr


def test_the_hunks_of_a_driver_built_for_both_arches_keep_its_x86_names_reported(history) -> None:
    for args in ([], ["--no-tree"]):
        for tree in ("mid", "older"):
            found, stderr = gate([*args, str(history["both"])], history[tree])
            assert found == SHARED_FINDINGS, (args, tree)
    # With the tree, Kconfig knows HYPERV is possible on both arches: no "cannot tell".
    _found, stderr = gate([str(history["both"])], history["mid"])
    assert "hv_vsm_main.c: Kconfig cannot tell" not in stderr


def test_the_series_base_itself_agrees(history) -> None:
    # Where the hunks apply, the answer is the same as from their lines alone.
    assert gate([str(history["x86-only"])], history["newer"])[0] == []
    assert gate([str(history["both"])], history["newer"])[0] == SHARED_FINDINGS


def test_a_respin_never_widens_what_a_newer_tree_says(history) -> None:
    # The tree took the driver and narrowed it to x86_64; the respin still says HYPERV alone.
    found, stderr = gate([str(history["both"])], history["merged"])
    assert found == []
    assert "drivers/hv/hv_vsm_main.c: treated as x86 code" in stderr
    # Its hunk does not apply, and its entry for a symbol the tree defines is left out.
    assert "drivers/hv/Kconfig: post-image could not be applied to the tree" in stderr
    assert "lines the series adds to drivers/hv/Kconfig" not in stderr


def test_a_64bit_driver_is_classed_from_the_arch_kconfig(history) -> None:
    # 64BIT: on arm64 always, on x86 by ARCH (x86_64 yes, i386 no, x86 asks): both arches.
    for tree in ("newer", "mid"):
        found, stderr = gate([str(history["64bit"])], history[tree])
        assert found == SHARED_FINDINGS, tree
        assert "hv_vsm_main.c: Kconfig cannot tell" not in stderr, tree
