"""The pieces of --fix on their own: diffs, line removal tidy-up, alignment, alias layout,
and the verifier that stops a wrong plan."""

from __future__ import annotations

import os

import pytest

import fix_support as fs
from hvlint.c.cond import ArchSymbols, ConditionEvaluator
from hvlint.fix.alias import NewAlias, block_edit
from hvlint.fix.diff import file_diff
from hvlint.fix.edit import Edit, OverlapError, apply, orphan_lines, rename_aligned, visual_width
from hvlint.fix.plan import Item, Plan
from hvlint.fix.tree import TreeFiles, comment_occurrences, find_names, name_patterns
from hvlint.fix.verify import verify
from hvlint.c.scanner import scan

EVAL = ConditionEvaluator(ArchSymbols({"x86": ("CONFIG_X86",), "arm64": ("CONFIG_ARM64",)}, {}, ()))


def scanned(text: str):
    return scan("arch/x86/include/asm/hyperv-tlfs.h", text, EVAL)


@pytest.mark.parametrize(
    "old, new",
    [
        ("a\nb\nc", "a\nB\nc"),  # no newline at the end, last line kept
        ("a\nb\nc", "a\nb\nC"),  # the last line itself changes
        ("a\nb\n", "a\nb"),  # the final newline goes away
        ("", "x\n"),  # a new file's content
        ("x\n", ""),  # all lines removed
        (
            "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
            "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n",
        ),
    ],
)
def test_diff_applies_with_git_even_at_the_edges(tmp_path, old, new):
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "f.h").write_text(old)
    fs.git(repo, "init", "-q")
    fs.git(repo, "add", "-A")
    fs.git(repo, "commit", "-q", "-m", "x")
    patch = file_diff("f.h", old, new).encode()
    fs.git(repo, "apply", "-", stdin=patch)
    assert (repo / "f.h").read_text() == new


def test_diff_hunk_heading_is_gits():
    old = "int f(void)\n{\n\tint a;\n\n\ta = 1;\n\treturn a;\n}\n"
    new = old.replace("a = 1", "a = 2")
    assert "@@ -2,6 +2,6 @@ int f(void)\n" in file_diff("f.c", old, new)


def test_overlapping_edits_are_refused():
    with pytest.raises(OverlapError):
        apply("abcdef", [Edit(0, 3, "x", "one"), Edit(2, 4, "y", "two")])
    assert apply("abcdef", [Edit(3, 3, "-", "ins"), Edit(3, 4, "D", "rep")]) == "abc-Def"


HEADER = """\
#define HV_X64_MSR_TSC_INVARIANT_CONTROL	0x40000118

/* Register name aliases for temporary compatibility */
#define HV_X64_MSR_SCONTROL		HV_REGISTER_SCONTROL
#define HV_X64_MSR_SIMP			HV_REGISTER_SIMP

/* Hyper-V memory host visibility */
enum hv_mem_host_visibility {
	VMBUS_PAGE_NOT_VISIBLE		= 0,
};
"""


def test_a_heading_left_over_goes_with_its_lines():
    sf = scanned(HEADER)
    assert orphan_lines(sf, {4, 5}) == {3, 6}
    assert orphan_lines(sf, {4}) == set()  # SIMP stays: so does its heading


def test_a_comment_after_the_lines_is_not_a_heading():
    sf = scanned("#define A 1\n/* about A */\n\nint x;\n")
    assert orphan_lines(sf, {1}) == set()


@pytest.mark.parametrize(
    "line, new",
    [
        ("#define HV_REGISTER_SIMP\t\t\t0x40000083\n", "HV_X64_MSR_SIMP"),
        (
            "#define HV_REGISTER_STIMER0_COUNT\t\t(HV_REGISTER_STIMER0_CONFIG + 1)\n",
            "HV_X64_MSR_STIMER0_COUNT",
        ),
        ("#define HV_REGISTER_X 0x40000083\n", "HV_X64_MSR_X"),
    ],
)
def test_rename_keeps_the_value_column(line, new):
    sf = scanned(line)
    old = line.split()[1]
    out = apply(line, [rename_aligned(sf, 8, old, new, "k")])
    assert out.split()[1] == new
    value_at = lambda text: visual_width(text[: text.index(text.split()[2])])  # noqa: E731
    if "\t" in line:
        assert value_at(out) == value_at(line)
    else:
        assert out == line.replace(old, new)


def test_new_block_goes_inside_the_include_guard_when_nothing_anchors_it():
    text = "#ifndef _H\n#define _H\n\nunion u { int a; };\n\n#endif\n"
    sf = scan("arch/arm64/include/asm/hyperv-tlfs.h", text, EVAL)
    aliases = [
        NewAlias("HV_SYN_REG_SIMP", "HV_REGISTER_SIMP", 1, "k"),
        NewAlias("HV_SYN_REG_SCONTROL", "HV_REGISTER_SCONTROL", 0, "k"),
    ]
    out = apply(text, [block_edit(sf, aliases, [], set(), "/* aliases */", "({target})", "k")])
    assert out == (
        "#ifndef _H\n#define _H\n\nunion u { int a; };\n\n/* aliases */\n"
        "#define HV_SYN_REG_SCONTROL\t(HV_REGISTER_SCONTROL)\n"
        "#define HV_SYN_REG_SIMP\t\t(HV_REGISTER_SIMP)\n\n#endif\n"
    )


def test_verifier_stops_a_rename_that_would_break_a_use(tmp_path):
    """A plan that renames the x86 definition of HV_REGISTER_SCONTROL but not its uses
    changes what those uses mean on x86: the verifier names the item and why."""
    root = fs.checkout("pre-rename", tmp_path / "linux")
    linter, _findings = fs.linter_for(root)
    tree = TreeFiles(linter)
    rel = "arch/x86/include/asm/hyperv-tlfs.h"
    text = tree.snapshot(rel).text
    off = text.index("#define HV_REGISTER_SCONTROL") + len("#define ")
    edit = Edit(
        off, off + len("HV_REGISTER_SCONTROL"), "HV_X64_MSR_SCONTROL", "rename:HV_REGISTER_SCONTROL"
    )
    item = Item(
        "rename:HV_REGISTER_SCONTROL",
        "HV101",
        "def only",
        [],
        {"HV_REGISTER_SCONTROL", "HV_X64_MSR_SCONTROL"},
        [(rel, edit)],
    )
    plan = Plan([item], [], [], {rel: text}, {rel: apply(text, [edit])}, {rel: [edit]})
    failures = verify(linter, tree, plan)
    assert list(failures) == ["rename:HV_REGISTER_SCONTROL"]
    assert "0x40000080 on x86" in failures["rename:HV_REGISTER_SCONTROL"]
    # The overlays are gone: the index sees the disk again.
    assert linter.resolver.resolve("HV_REGISTER_SCONTROL", "x86").value == 0x40000080


def test_names_are_found_as_whole_identifiers_only():
    """A name counts where no identifier character (``$`` included) touches it."""
    text = "HV_A HV_AB xHV_A HV_A_ $HV_A HV_A$ (HV_A) é HV_AB;\nHV_A"
    found = find_names(text, name_patterns(["HV_A", "HV_AB"]))
    assert found == [("HV_A", 0), ("HV_AB", 5), ("HV_A", 36), ("HV_AB", 44), ("HV_A", 51)]
    assert find_names(text, name_patterns([])) == []


def test_comment_occurrences_keep_to_the_comments():
    sf = scanned("/* HV_A */ HV_A; // HV_A\nx = HV_A; /* HV_A */\n/* HV_A")
    assert comment_occurrences(sf, name_patterns(["HV_A"])) == [
        ("HV_A", 3),
        ("HV_A", 20),
        ("HV_A", 38),
        ("HV_A", 49),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_snapshot_refuses_a_link_to_something_not_a_file(tmp_path):
    """A symlink to a FIFO is not read (reading would wait for a writer forever)."""
    root = fs.checkout("pre-rename", tmp_path / "linux")
    linter, _findings = fs.linter_for(root)
    os.mkfifo(root / "fifo")
    (root / "drivers" / "hv" / "link.h").symlink_to(root / "fifo")
    (root / "drivers" / "hv" / "dir.h").symlink_to(root / "drivers")
    tree = TreeFiles(linter)
    assert tree.snapshot("drivers/hv/link.h") is None
    assert tree.snapshot("drivers/hv/dir.h") is None
