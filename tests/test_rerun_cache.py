"""A rerun on an unchanged tree reads nothing but what changed, and says exactly what a run
without the cache says: the same bytes on stdout and stderr, the same exit code, in every
output format, after edits, deletions, new files and build-file changes.

Files are settled (mtime in the past) after every change, as in test_cache: hvlint does not
store a file changed in the last two seconds.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Tuple

import pytest

from hvlint import cli
from test_cache import FILES, edit, reads, settle, settle_file, stored

TIMER_C = "drivers/clocksource/hyperv_timer.c"
KERNEL_SHAPED = {
    **FILES,
    # Shared code that Kconfig builds only for x86 (HYPERV_TIMER: def_bool HYPERV && X86):
    # its x86 names are fine while the Makefile says so.
    TIMER_C: (
        "// SPDX-License-Identifier: GPL-2.0\n"
        "#include <clocksource/hyperv_timer.h>\n\n"
        "static u64 read_hv_clock_msr(void)\n{\n"
        "\treturn hv_get_register(HV_X64_MSR_SCONTROL);\n"
        "}\n"
    ),
    "drivers/hv/hv_common.c": (
        "// SPDX-License-Identifier: GPL-2.0\n"
        "#include <asm/mshyperv.h>\n\n"
        "/* Written by J\xe9r\xf4me, checked as Latin-1. */\n"
        "void hv_common_init(void)\n{\n"
        "\thv_set_register(HV_X64_MSR_SCONTROL, 1);\t/* hvlint-ignore: HV101 */\n"
        "}\n"
    ),
    "drivers/net/ethernet/foo/foo_main.c": "int foo_probe(void)\n{\n\treturn 0;\n}\n",
    "arch/x86/hyperv/hv_init.c": (
        "// SPDX-License-Identifier: GPL-2.0\n"
        "#include <asm/mshyperv.h>\n\n"
        "void hyperv_init(void)\n{\n"
        "\tu64 v = hv_get_register(HV_SYN_REG_SCONTROL);\n"
        "\twrmsrl(HV_X64_MSR_SCONTROL, v);\n"
        "}\n"
    ),
}
LATIN1 = "drivers/hv/hv_common.c"
FORMATS = ("text", "json", "checkpatch", "sarif")


def write(root: Path, rel: str, text: str, age: int = 40) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("latin-1" if rel == LATIN1 else "utf-8"))
    settle_file(path, age)


def run(root: Path, *args: str) -> Tuple[int, str, str]:
    """hvlint ARGS on the whole tree, in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([*args, str(root)], io.StringIO(), out, err)
    return code, out.getvalue(), err.getvalue()


def assert_like_cold(root: Path) -> None:
    """Every format, from the cache (twice: after the change, then fully warm) and without."""
    for fmt in FORMATS:
        cold = run(root, "--no-cache", "--format", fmt)
        assert cold[0] == (2 if "Latin-1" in cold[2] else 1) and cold[1], cold
        assert run(root, "--format", fmt) == cold, fmt
        assert run(root, "--format", fmt) == cold, fmt


@pytest.fixture
def kernel_tree(tree, cache_dir) -> Path:
    files = dict(KERNEL_SHAPED)
    latin1 = files.pop(LATIN1)
    root = tree(files)
    write(root, LATIN1, latin1)
    settle(root)
    return root


def test_an_unchanged_tree_is_not_read_again(kernel_tree, cache_dir, monkeypatch) -> None:
    cold = run(kernel_tree, "--format", "json")
    assert '"X86_NAME_IN_GENERIC"' in cold[1] and "checked as Latin-1" in cold[2]
    tables = stored(cache_dir)
    assert tables["files:prefilter"]["drivers/net/ethernet/foo/foo_main.c"][1] is False
    assert {TIMER_C, LATIN1, "drivers/hv/hv.c"} <= set(tables["files:lint"])
    seen = reads(monkeypatch)
    assert run(kernel_tree, "--format", "json") == cold
    assert seen == []
    edit(kernel_tree, "drivers/hv/hv.c", "flags);", "flags);\n\thv_set_register(HV_X64_MSR_SCONTROL, 0);")
    again = run(kernel_tree, "--format", "json")
    assert seen == [(kernel_tree / "drivers/hv/hv.c").as_posix()]  # the one changed file
    assert again == run(kernel_tree, "--no-cache", "--format", "json") != cold


def test_reruns_give_the_cold_runs_bytes_through_every_change(kernel_tree) -> None:
    root = kernel_tree
    assert_like_cold(root)
    # A .c file edited: one more finding.
    edit(root, "drivers/hv/hv.c", "flags);", "flags);\n\thv_set_register(HV_X64_MSR_SCONTROL, 0);")
    assert_like_cold(root)
    # A header edited: the name is no longer x86-only, in every file that uses it.
    edit(root, "arch/arm64/include/asm/hyperv-tlfs.h", "#endif\n", "#define HV_DEPRECATING_AEOI_RECOMMENDED\tBIT(9)\n#endif\n")
    assert_like_cold(root)
    # A file deleted, a new one added.
    (root / "drivers/hv/hv.c").unlink()
    write(root, "drivers/hv/hv_balloon.c", "void b(void)\n{\n\thv_set_register(HV_X64_MSR_SCONTROL, 0);\n}\n")
    assert_like_cold(root)
    # The Makefile builds the timer everywhere now: its x86 names become findings.
    before = run(root, "--format", "json")[1]
    write(root, "drivers/clocksource/Makefile", "obj-y\t\t+= hyperv_timer.o\n", age=35)
    assert_like_cold(root)
    assert run(root, "--format", "json")[1] != before
    # The Makefile's old rule back; then Kconfig lets arm64 build the timer through it.
    write(root, "drivers/clocksource/Makefile", "obj-$(CONFIG_HYPERV_TIMER)\t\t+= hyperv_timer.o\n", age=30)
    assert_like_cold(root)
    assert run(root, "--format", "json")[1] == before
    edit(root, "drivers/hv/Kconfig", "def_bool HYPERV && X86\n", "def_bool HYPERV\n", age=25)
    assert_like_cold(root)
    assert run(root, "--format", "json")[1] != before
    # The Latin-1 file rewritten as UTF-8: its read problem goes away.
    write(root, LATIN1, KERNEL_SHAPED[LATIN1].replace("\xe9", "e").replace("\xf4", "o"), age=20)
    assert_like_cold(root)
    assert "Latin-1" not in run(root, "--format", "text")[2]


def test_settings_that_change_findings_are_not_answered_from_the_cache(kernel_tree) -> None:
    plain = run(kernel_tree, "--format", "json")
    strict = run(kernel_tree, "--format", "json", "--strict")
    assert strict == run(kernel_tree, "--no-cache", "--format", "json", "--strict")
    ignored = run(kernel_tree, "--format", "json", "--ignore", "HV102")
    assert '"HV102"' not in ignored[1] and '"HV102"' in plain[1]
    assert run(kernel_tree, "--format", "json") == plain
