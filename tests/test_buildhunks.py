"""What the build hunks of a patch add, read on their own (hvlint/gate/buildhunks.py): the
hunks are real ``git diff`` output of kernel-shaped Kconfig and Makefile changes."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Dict, List

import gate_series as gs
from conftest import write_tree

from hvlint.gate import buildhunks
from hvlint.gate.patches import Hunk, read_series
from hvlint.tree.kbuild import Rule, read_rules
from hvlint.tree.kconfig import BuildClasses, Kconfig

HV_KCONFIG = """\
# SPDX-License-Identifier: GPL-2.0

menu "Microsoft Hyper-V guest support"

config HYPERV
	tristate "Microsoft Hyper-V client drivers"
	depends on (X86 && X86_LOCAL_APIC && HYPERVISOR_GUEST) \\
		|| (ARM64 && !CPU_BIG_ENDIAN)
	help
\t  Runs Linux as a Hyper-V guest.

config HYPERV_UTILS
	tristate "Microsoft Hyper-V Utilities driver"
	depends on HYPERV && CONNECTOR && NLS
	help
\t  Time sync, shutdown and key-value pairs.

if HYPERV

config HYPERV_BALLOON
	tristate "Microsoft Hyper-V Balloon driver"
	help
\t  Memory hot-add and ballooning.

endif

endmenu
"""
HV_MAKEFILE = """\
# SPDX-License-Identifier: GPL-2.0
obj-$(CONFIG_HYPERV)		+= hv_vmbus.o
obj-$(CONFIG_HYPERV_UTILS)	+= hv_utils.o
obj-$(CONFIG_HYPERV_BALLOON)	+= hv_balloon.o

hv_vmbus-y := vmbus_drv.o hv.o connection.o
hv_utils-y := hv_util.o hv_kvp.o
"""


def hunks(tmp_path: Path, path: str, old: str, new: str) -> List[Hunk]:
    """The hunks of ``git diff`` turning ``old`` into ``new`` at ``path``."""
    repo = tmp_path / "linux"
    (repo / path).parent.mkdir(parents=True)
    (repo / path).write_text(old)
    gs.git(repo, "init", "-q")
    gs.git(repo, "add", "-A")
    gs.git(repo, "commit", "-q", "-m", "base")
    (repo / path).write_text(new)
    diff = gs.git(repo, "diff")
    return read_series(diff.encode())[0].files[0].hunks


def builds(files: Dict[str, str]) -> BuildClasses:
    """Build classes of no tree that know ``files`` (as a series' overlays would be)."""
    found = BuildClasses(None, Kconfig(None, {"x86": ("X86", "X86_64"), "arm64": ("ARM64",)}))
    for path, text in files.items():
        found.set_overlay(path, text)
    return found


def test_kconfig_entries_keep_the_blocks_around_them(tmp_path) -> None:
    # The hunk starts in HYPERV_BALLOON's help text; its `if HYPERV` line is no context of
    # the hunk but stands above that context in the file the hunk did not apply to.
    new = HV_KCONFIG.replace("\nendif\n", (
        "\nconfig HYPERV_VSM\n\ttristate \"VSM calls\"\n\tdepends on X86_64\n"
        "\tselect HYPERV_VSM_CORE if X86_64\n\tdefault m if HYPERV_UTILS\n"
        '\nsource "drivers/hv/vsm/Kconfig"\n\nendif\n'))
    found = hunks(tmp_path, "drivers/hv/Kconfig", HV_KCONFIG, new)
    assert found[0].lines[0] == (" ", "\thelp")
    for pre, block in ((HV_KCONFIG, ["(HYPERV)"]), ("", [])):
        text, names = buildhunks.kconfig_lines(found, pre, builds({}))
        assert names == {"HYPERV_VSM": 25}  # the line of the patch's new file
        entry = builds({"k/Kconfig": text}).kconfig.entries("HYPERV_VSM", "x86")[0]
        assert entry[2:7] == [
            "tristate", ["(y)"], [*block, "(X86_64)"], [["(m)", "(HYPERV_UTILS)"]], [["HYPERV_VSM_CORE", "(X86_64)"]]]
        source = 'source "drivers/hv/vsm/Kconfig"\n'
        assert (f"if (HYPERV)\n{source}endif\n" if block else f"\n{source}") in text


def test_an_entry_of_a_symbol_the_tree_defines_is_left_out(tmp_path) -> None:
    new = HV_KCONFIG.replace("endmenu\n", (
        "config HYPERV_BALLOON\n\ttristate \"a second definition\"\n\tdepends on HYPERV\n\n"
        "config HYPERV_VSM\n\ttristate \"VSM calls\"\n\tdepends on HYPERV && X86_64\n\nendmenu\n"))
    found = hunks(tmp_path, "drivers/hv/Kconfig", HV_KCONFIG, new)
    text, names = buildhunks.kconfig_lines(found, HV_KCONFIG, builds({"drivers/hv/Kconfig": HV_KCONFIG}))
    assert list(names) == ["HYPERV_VSM"] and "HYPERV_BALLOON" not in text


def test_a_source_line_the_file_already_has_is_not_added_twice(tmp_path) -> None:
    old = HV_KCONFIG.replace("endmenu\n", 'source "drivers/hv/vsm/Kconfig"\n\nendmenu\n')
    new = old.replace("endmenu\n", 'source "drivers/hv/vsm/Kconfig"\n\nendmenu\n')
    found = hunks(tmp_path, "drivers/hv/Kconfig", HV_KCONFIG, new)
    assert buildhunks.kconfig_lines(found, old, builds({})) == ("", {})


def test_makefile_rules_added_less_what_the_folder_builds(tmp_path) -> None:
    new = HV_MAKEFILE + (
        "obj-$(CONFIG_HYPERV_VSM)\t+= hv_vsm.o hv_balloon.o\n"
        "hv_vsm-y := hv_vsm_main.o hv_vsm_trace.o\n"
        "hv_utils-y += hv_fcopy.o\n"
        "ifdef CONFIG_X86_64\nobj-$(CONFIG_HYPERV_VSM) += hv_vsm_x86.o\nendif\n"
    )
    known = read_rules(HV_MAKEFILE, "drivers/hv/Makefile")
    rules = buildhunks.makefile_rules(hunks(tmp_path, "drivers/hv/Makefile", HV_MAKEFILE, new), "drivers/hv/Makefile", known)
    assert [(r.target, r.condition, r.objects, r.where) for r in rules] == [
        ("obj", "HYPERV_VSM", ["hv_vsm.o"], "drivers/hv/Makefile:8"),  # hv_balloon.o: the tree's
        ("hv_vsm", "y", ["hv_vsm_main.o", "hv_vsm_trace.o"], "drivers/hv/Makefile:9"),
        ("obj", "(X86_64) && (HYPERV_VSM)", ["hv_vsm_x86.o"], "drivers/hv/Makefile:12"),
    ]  # hv_utils-y: a composite object the folder already makes


def test_the_added_rules_build_the_file_without_a_tree(tmp_path) -> None:
    new = HV_MAKEFILE + "obj-$(CONFIG_HYPERV_VSM)\t+= hv_vsm.o\nhv_vsm-y := hv_vsm_main.o\n"
    found = builds({"drivers/hv/Kconfig": "config HYPERV_VSM\n\ttristate \"VSM\"\n\tdepends on HYPERV && X86_64\n"})
    text = buildhunks.use_added_lines(found, "drivers/hv/Makefile", hunks(tmp_path, "drivers/hv/Makefile", HV_MAKEFILE, new), "")
    assert text == ""
    assert found.arch_of("drivers/hv/hv_vsm_main.c")[0] == "x86"
    assert found.unapplied_files("drivers/hv/hv_vsm_main.c") == ["drivers/hv/Makefile"]
    assert isinstance(found.kbuild.rules("drivers/hv")[0], Rule)


def arch_tree(root: Path, hv_kconfig: str, hv_makefile: str) -> Path:
    """A tree with x86 and arm64 Kconfig files and drivers/hv's, settled (the tree cache
    trusts it)."""
    write_tree(root, {
        "Kconfig": 'source "arch/$(SRCARCH)/Kconfig"\n\nsource "drivers/hv/Kconfig"\n',
        "arch/x86/Kconfig": "config X86_64\n\tdef_bool y\n",
        "arch/arm64/Kconfig": "config ARM64\n\tdef_bool y\n",
        "drivers/hv/Kconfig": hv_kconfig,
        "drivers/hv/Makefile": hv_makefile,
    })
    for path in root.rglob("*"):
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    return root


def test_a_symbol_the_tree_lacks_is_unknown_not_n(tmp_path) -> None:
    # The driver was made against a tree that has HYPERV_VMBUS; this one does not define it.
    root = arch_tree(tmp_path / "tree", HV_KCONFIG, HV_MAKEFILE + "obj-$(CONFIG_HYPERV_VTL)\t+= hv_vtl.o\n")
    new = HV_KCONFIG.replace("endmenu\n", "config HYPERV_VTL\n\ttristate \"VTL\"\n\tdepends on X86_64 && HYPERV_VMBUS\n\nendmenu\n")
    found = BuildClasses(root, Kconfig(root, {"x86": ("X86", "X86_64"), "arm64": ("ARM64",)}))
    assert found.kconfig.state("HYPERV_VMBUS", "x86") == (False, True)
    buildhunks.use_added_lines(found, "drivers/hv/Kconfig", hunks(tmp_path, "drivers/hv/Kconfig", HV_KCONFIG, new), HV_KCONFIG)
    assert found.kconfig.state("HYPERV_VMBUS", "x86") == (None, None)
    assert found.arch_of("drivers/hv/hv_vtl.c")[0] == "x86"
    assert "drivers/hv/Kconfig:27 (the patch's line)" in found.arch_of("drivers/hv/hv_vtl.c")[1]


def test_states_judged_with_symbols_left_open_neither_reach_nor_come_from_the_tree_cache(tmp_path) -> None:
    from hvlint.tree import cache

    vtl = "config HYPERV_VTL\n\ttristate \"VTL\"\n\tdepends on X86_64 && HYPERV_VMBUS\n"
    root = arch_tree(tmp_path / "tree", vtl, HV_MAKEFILE)
    arches = {"x86": ("X86", "X86_64"), "arm64": ("ARM64",)}
    open_ = (["HYPERV_VMBUS"], (None, True))
    for left_open, want in (open_, ([], (False, True)), ([], (False, True)), open_):
        tree_cache = cache.open_for(root, "left-open test")
        kconfig = Kconfig(root, arches, tree_cache)
        kconfig.leave_open(left_open)
        assert kconfig.state("HYPERV_VTL", "x86") == want, left_open
        tree_cache.save()
