"""The tree cache: the index and Kconfig map come back from it only while the tree's files
are unchanged; it lives outside the tree, and a cache that cannot be used costs nothing but
time.

Files are given an mtime a minute old ("settled"): hvlint does not store a file changed in
the last two seconds, since a second change within the same clock tick would not show.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest

import gate_series as gs
from hvlint import engine
from hvlint.tree import kconfig
from hvlint.config import Settings
from hvlint.engine import Linter
from test_kconfig import KCONFIG

X86_H = "arch/x86/include/asm/hyperv-tlfs.h"
ARM64_H = "arch/arm64/include/asm/hyperv-tlfs.h"
HV_C = "drivers/hv/hv.c"

FILES = {
    X86_H: (
        "#ifndef _ASM_X86_HYPERV_TLFS_H\n#define _ASM_X86_HYPERV_TLFS_H\n"
        "#define HV_X64_MSR_SCONTROL\t\t0x40000080\n"
        "#define HV_SYN_REG_SCONTROL\t\tHV_X64_MSR_SCONTROL\n"
        "#define HV_DEPRECATING_AEOI_RECOMMENDED\tBIT(9)\n"
        "#endif\n"
    ),
    ARM64_H: (
        "#ifndef _ASM_ARM64_HYPERV_TLFS_H\n#define _ASM_ARM64_HYPERV_TLFS_H\n"
        "#define HV_REGISTER_SCONTROL\t\t0x000A0010\n"
        "#define HV_SYN_REG_SCONTROL\t\tHV_REGISTER_SCONTROL\n"
        "#endif\n"
    ),
    HV_C: (
        "// SPDX-License-Identifier: GPL-2.0\n"
        "#include <asm/mshyperv.h>\n\n"
        "void hv_synic_enable_regs(unsigned int cpu)\n{\n"
        "\tu64 flags = HV_DEPRECATING_AEOI_RECOMMENDED;\n"
        "\thv_set_register(HV_SYN_REG_SCONTROL, flags);\n"
        "}\n"
    ),
    **KCONFIG,
}


def settle(root: Path, age: int = 60) -> None:
    """Give every file under ``root`` an mtime ``age`` seconds in the past."""
    for path in root.rglob("*"):
        if path.is_file():
            settle_file(path, age)


def settle_file(path: Path, age: int) -> None:
    """Give one file an mtime ``age`` seconds in the past (its ctime becomes now)."""
    when = time.time() - age
    os.utime(path, (when, when))


def edit(root: Path, rel: str, old: str, new: str, age: int = 30) -> None:
    """Change one file and settle it (at a different mtime than before)."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    settle_file(path, age)


def lint(root: Path, settings: Optional[Settings] = None) -> List[tuple]:
    linter = Linter(settings or Settings(), root)
    result = linter.lint_paths([root / HV_C])
    return [(f.path, f.line, f.type) for f in result.findings]


def reads(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """Record every source file the engine reads from here on."""
    seen: List[str] = []
    real = engine.read_source

    def recording(path):
        seen.append(Path(path).as_posix())
        return real(path)

    monkeypatch.setattr(engine, "read_source", recording)
    return seen


def sections_of(cache_file: Path) -> Dict:
    """The sections of a cache file: a header line (the key; per section its offset, length
    and digest), then the sections' JSON one after the other."""
    header, body = cache_file.read_bytes().split(b"\n", 1)
    out = {}
    for name, (start, length, digest) in json.loads(header)["sections"].items():
        blob = body[start : start + length]
        assert hashlib.blake2b(blob, digest_size=16).hexdigest() == digest, name
        out[name] = json.loads(blob)
    return out


def stored(cache_dir: Path) -> Dict:
    """The sections of the one cache file."""
    files = list(cache_dir.glob("tree-*.json"))
    assert len(files) == 1, files
    return sections_of(files[0])


def rewrite(cache_file: Path, sections: Dict) -> None:
    """Store other sections under a valid header, as if hvlint had written them."""
    header = json.loads(cache_file.read_bytes().split(b"\n", 1)[0])
    blobs = [json.dumps(data).encode() for data in sections.values()]
    spans, offset = {}, 0
    for name, blob in zip(sections, blobs):
        spans[name] = [offset, len(blob), hashlib.blake2b(blob, digest_size=16).hexdigest()]
        offset += len(blob)
    header["sections"] = spans
    cache_file.write_bytes(json.dumps(header).encode() + b"\n" + b"".join(blobs))


def test_second_run_takes_the_index_from_the_cache(tree, cache_dir, monkeypatch) -> None:
    root = tree(FILES)
    settle(root)
    first = lint(root)
    assert ("drivers/hv/hv.c", 6, "X86_NAME_IN_GENERIC") in first  # x86-only per the index
    assert set(stored(cache_dir)["files:index"]) >= {X86_H, ARM64_H, HV_C}
    seen = reads(monkeypatch)
    assert lint(root) == first
    assert [p for p in seen if p.endswith(".h")] == []  # no header was read again
    assert seen == [(root / HV_C).as_posix()]  # only the file being linted


def test_a_changed_header_is_read_again(tree, cache_dir) -> None:
    root = tree(FILES)
    settle(root)
    assert ("drivers/hv/hv.c", 6, "X86_NAME_IN_GENERIC") in lint(root)
    # arm64 gains the definition: the name is no longer x86-only.
    edit(root, ARM64_H, "#endif\n", "#define HV_DEPRECATING_AEOI_RECOMMENDED\tBIT(9)\n#endif\n")
    assert ("drivers/hv/hv.c", 6, "X86_NAME_IN_GENERIC") not in lint(root)
    # A change this very moment (not settled) is seen too, and is not stored.
    (root / ARM64_H).write_text(FILES[ARM64_H], encoding="utf-8")
    assert ("drivers/hv/hv.c", 6, "X86_NAME_IN_GENERIC") in lint(root)
    assert ARM64_H not in stored(cache_dir)["files:index"]


def test_new_and_deleted_headers_count(tree, cache_dir) -> None:
    root = tree(FILES)
    settle(root)
    lint(root)
    extra = root / "arch/arm64/include/asm/mshyperv.h"
    extra.write_text("#define HV_DEPRECATING_AEOI_RECOMMENDED\t0\n", encoding="utf-8")
    settle_file(extra, 20)
    assert ("drivers/hv/hv.c", 6, "X86_NAME_IN_GENERIC") not in lint(root)
    extra.unlink()
    assert ("drivers/hv/hv.c", 6, "X86_NAME_IN_GENERIC") in lint(root)
    assert "arch/arm64/include/asm/mshyperv.h" not in stored(cache_dir)["files:index"]


def build_arch(root: Path, rel: str):
    linter = Linter(Settings(), root)
    found = linter.build_arch(rel)
    linter.save_cache()  # as every front end does at the end of a run
    return found[0] if found else None


def test_kconfig_map_and_parses_come_from_the_cache(tree, cache_dir, monkeypatch) -> None:
    root = tree(KCONFIG)
    settle(root)
    assert build_arch(root, "drivers/clocksource/hyperv_timer.c") == "x86"
    kconfig_section = stored(cache_dir)["kconfig"]
    assert "drivers/hv/Kconfig" in kconfig_section["parsed"]

    def no_parsing(*_args):
        raise AssertionError("Kconfig parsed again although nothing changed")

    monkeypatch.setattr(kconfig.Kconfig, "_parse", no_parsing)
    monkeypatch.setattr(kconfig.Kconfig, "_follow_sources", no_parsing)
    assert build_arch(root, "drivers/clocksource/hyperv_timer.c") == "x86"
    assert build_arch(root, "drivers/hv/hv_arm.c") == "arm64"


def test_a_kconfig_edit_is_seen(tree, cache_dir) -> None:
    root = tree(KCONFIG)
    settle(root)
    assert build_arch(root, "drivers/clocksource/hyperv_timer.c") == "x86"
    edit(root, "drivers/hv/Kconfig", "def_bool HYPERV && X86\n", "def_bool HYPERV\n")
    assert build_arch(root, "drivers/clocksource/hyperv_timer.c") is None


def test_a_file_appearing_where_osource_looks_is_seen(tree, cache_dir) -> None:
    files = dict(KCONFIG)
    files["Kconfig"] += 'osource "drivers/extra/Kconfig"\n'
    root = tree(files)
    settle(root)
    assert build_arch(root, "drivers/clocksource/hyperv_timer.c") == "x86"
    # A second definition of the symbol that arm64 can enable too.
    (root / "drivers/extra").mkdir()
    (root / "drivers/extra/Kconfig").write_text("config HYPERV_TIMER\n\tdef_bool HYPERV\n", encoding="utf-8")
    settle_file(root / "drivers/extra/Kconfig", 20)  # no other file changes
    assert build_arch(root, "drivers/clocksource/hyperv_timer.c") is None


def test_a_damaged_cache_is_ignored_and_replaced(tree, cache_dir) -> None:
    root = tree(FILES)
    settle(root)
    first = lint(root)
    (cache_file,) = cache_dir.glob("tree-*.json")
    good = cache_file.read_bytes()
    header, body = good.split(b"\n", 1)
    for damage in (
        b"{not json",
        b'{"key": 1}\n{}',
        b"\xff\xfe\x00",
        b"",
        good[: len(good) // 2],  # cut short
        header + b"\n" + body.replace(b"HV_DEPRECATING_AEOI_RECOMMENDED", b"HV_DEPRECATING_AEOI_RECOMMENDEX"),
        header + b"\n" + body[:-10],  # a section cut short
    ):
        cache_file.write_bytes(damage)
        assert lint(root) == first
        assert stored(cache_dir)["files:index"]


def test_entries_of_the_wrong_shape_are_not_trusted(tree, cache_dir) -> None:
    root = tree(FILES)
    settle(root)
    first = lint(root)
    (cache_file,) = cache_dir.glob("tree-*.json")
    sections = stored(cache_dir)
    for entry in sections["files:index"].values():
        del entry[1][1:]  # evidence gone
    for rel in sections["files:build"]:
        sections["files:build"][rel][1] = ["x86", 3, [], None]  # an answer of the wrong shape
    rewrite(cache_file, sections)
    assert lint(root) == first
    sections = stored(cache_dir)
    del sections["build"]  # the answers' Kconfig fingerprint: Kconfig itself is asked
    sections["kconfig"]["files"] = "nonsense"
    rewrite(cache_file, sections)
    assert lint(root) == first
    sections = stored(cache_dir)
    del sections["build"]
    sections["kconfig"]["files"][0] = "not a pair"
    sections["kconfig"]["parsed"] = {"drivers/hv/Kconfig": [["HYPERV"]]}
    rewrite(cache_file, sections)
    assert lint(root) == first
    sections = stored(cache_dir)
    for entry in sections["files:index"].values():
        if entry[1][0]:
            entry[1][0] = [["HV_ONLY_A_NAME"]]  # a definition of the wrong shape
    rewrite(cache_file, sections)
    assert lint(root) == first


def test_a_cache_that_cannot_be_written_costs_nothing(tree, tmp_path_factory, monkeypatch) -> None:
    blocker = tmp_path_factory.mktemp("user") / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("HVLINT_CACHE_DIR", str(blocker / "cache"))  # under a regular file
    root = tree(FILES)
    settle(root)
    assert ("drivers/hv/hv.c", 6, "X86_NAME_IN_GENERIC") in lint(root)


def test_no_home_folder_means_no_cache(tree, monkeypatch) -> None:
    for name in ("HVLINT_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)

    def nowhere() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(nowhere))
    root = tree(FILES)
    settle(root)
    assert ("drivers/hv/hv.c", 6, "X86_NAME_IN_GENERIC") in lint(root)


def test_never_in_the_tree(tree, monkeypatch) -> None:
    root = tree(FILES)
    settle(root)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    monkeypatch.setenv("HVLINT_CACHE_DIR", str(root / ".cache" / "hvlint"))
    monkeypatch.delenv("HVLINT_NO_CACHE", raising=False)
    assert lint(root)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def test_switched_off_by_option_and_environment(tree, cache_dir, monkeypatch) -> None:
    root = tree(FILES)
    settle(root)
    assert lint(root, Settings(use_cache=False))
    assert not cache_dir.exists()
    monkeypatch.setenv("HVLINT_NO_CACHE", "1")
    assert lint(root)
    assert not cache_dir.exists()


def test_no_cache_flag_of_the_console_script(tree, cache_dir) -> None:
    root = tree(FILES)
    settle(root)
    proc = gs.run_hvlint(["--no-cache", "-v", HV_C], cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert b"hvlint: tree cache: off" in proc.stderr
    assert not cache_dir.exists()


def test_gate_gives_the_same_answer_from_the_cache(tmp_path, cache_dir) -> None:
    """The console script gates a real series twice: the second run reads the cache and
    says so under -v, the findings are the same, and the tree is untouched."""
    repo = gs.make_repo(tmp_path / "linux")
    shas = gs.apply_series(repo, gs.SERIES)
    mbox = tmp_path / "series.mbox"
    mbox.write_bytes(gs.git(repo, "format-patch", "--stdout", f"{shas[0]}~1..{shas[-1]}").encode())
    gs.git(repo, "checkout", "-q", "base")
    settle(repo)
    runs = [gs.run_hvlint(["-v", "--format", "json", str(mbox)], cwd=repo) for _ in range(2)]
    assert [r.returncode for r in runs] == [1, 1], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    assert json.loads(runs[0].stdout)["findings"]
    assert b"(nothing usable stored, updated)" in runs[0].stderr
    assert b"(read)" in runs[1].stderr
    assert str(cache_dir).encode() in runs[1].stderr
    assert gs.git(repo, "status", "--porcelain", "--ignored") == ""
