"""tools/compare_patch.py on the fixture trees: a generated patch against a reference patch or
against a reference rebuilt from two trees, with the verdicts and the exit status."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import fix_support as fs
from hvlint import tomlcompat

TOOL = Path(__file__).resolve().parent.parent / "tools" / "compare_patch.py"
FACTS = TOOL.parent / "reference" / "hv-msr-prefix.toml"


def compare(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True, timeout=300
    )


def _row(out: str, *cells: str) -> bool:
    return any(all(c in line.split() for c in cells) for line in out.splitlines())


@pytest.fixture
def old(tmp_path):
    return fs.checkout("pre-rename", tmp_path / "old")


def _patch(tmp_path: Path, repo: Path, name: str, *args: str) -> Path:
    proc = fs.hvlint(["--diff", *args], repo)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    path = tmp_path / name
    path.write_bytes(proc.stdout)
    return path


def test_the_same_migration_meets_every_target(tmp_path, old):
    up = _patch(tmp_path, old, "up.patch", "--scheme", "upstream")
    proc = compare(up, "--reference", up, "--tree", old)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _row(proc.stdout, "drivers/hv/hv.c", "HV_REGISTER_SIMP", "HV_MSR_SIMP", "same")
    assert _row(proc.stdout, "hv_get_register", "hv_get_msr", "hv_get_msr", "same")
    assert _row(proc.stdout, "x86", "SVERSION", "same")
    assert "every reference rename made the same way: met" in proc.stdout
    assert "nothing else renamed: met" in proc.stdout


def test_another_scheme_misses_the_targets_and_says_where(tmp_path, old):
    up = _patch(tmp_path, old, "up.patch", "--scheme", "upstream")
    syn = _patch(tmp_path, old, "syn.patch", "--scheme", "syn-reg")
    proc = compare(syn, "--reference", up, "--tree", old)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert _row(
        out, "drivers/hv/hv.c", "HV_REGISTER_SIMP", "HV_MSR_SIMP", "HV_SYN_REG_SIMP", "DIFFERENT"
    )
    # x86 MSRs are renamed alike under both schemes
    assert _row(out, "arch/x86/include/asm/hyperv-tlfs.h", "HV_REGISTER_SIMP", "same")
    assert _row(out, "hv_set_register", "hv_set_msr", "-", "only", "reference")
    # the aliases name the same registers under another prefix
    assert _row(out, "arm64", "SCONTROL", "same", "register")
    assert "every reference rename made the same way: MISSED" in out


def test_a_reference_rebuilt_from_two_trees_sets_other_changes_aside(tmp_path, old):
    """NEW: the tree after mainline's migration and a later, unrelated rename; the reference
    keeps the migration's renames only."""
    up = _patch(tmp_path, old, "up.patch", "--scheme", "upstream")
    new = tmp_path / "new"
    shutil.copytree(old, new)
    fs.git(new, "apply", "-", stdin=up.read_bytes())
    for rel in ("arch/arm64/include/asm/hyperv-tlfs.h", "arch/arm64/hyperv/hv_core.c"):
        path = new / rel
        path.write_text(
            path.read_text().replace("HV_REGISTER_GUEST_OSID", "HV_ARM64_REGISTER_GUEST_OSID")
        )
    facts = tomlcompat.loads(FACTS.read_text())
    files = sorted(
        {line[6:].strip() for line in up.read_text().splitlines() if line.startswith("+++ b/")}
    )
    files.append("arch/arm64/hyperv/hv_core.c")
    subs = "".join(
        f"[[substitution]]\nold = '{s['old']}'\nnew = '{s['new']}'\n" for s in facts["substitution"]
    )
    (tmp_path / "facts.toml").write_text(
        "files = [" + ", ".join(f'"{f}"' for f in files) + "]\n" + subs
    )
    proc = compare(up, "--reference-from", old, new, "--facts", tmp_path / "facts.toml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "HV_ARM64_REGISTER_GUEST_OSID" not in proc.stdout.split("Alias definitions")[0]
    assert "other renames between the trees set aside" in proc.stdout
    assert _row(proc.stdout, "hv_is_synic_reg", "hv_is_synic_msr", "hv_is_synic_msr", "same")
    # one name renamed two ways in one file: x86-only lines take the MSR, shared ones the alias
    assert _row(
        proc.stdout,
        "drivers/hv/hv.c",
        "HV_REGISTER_SCONTROL",
        "HV_MSR_SCONTROL,HV_X64_MSR_SCONTROL",
    )
    assert "not a rename" not in proc.stdout


def test_a_generated_rename_the_reference_lacks_is_reported(tmp_path, old):
    up = _patch(tmp_path, old, "up.patch", "--scheme", "upstream")
    extra = tmp_path / "extra.patch"
    extra.write_text(
        up.read_text().replace(
            "+\tsimp = hv_get_msr(HV_MSR_SIMP);", "+\tsimp = hv_get_msr(HV_X64_MSR_SIMP);"
        )
    )
    proc = compare(extra, "--reference", up, "--tree", old)
    assert proc.returncode == 1
    assert _row(proc.stdout, "drivers/hv/hv.c", "HV_REGISTER_SIMP", "HV_MSR_SIMP", "DIFFERENT")
    assert "nothing else renamed: MISSED" in proc.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["x.patch", "--reference-from", "nope", "nope"], "not a directory"),
        (["x.patch"], "give --reference-from"),
        (["missing.patch", "--reference", "missing.patch", "--tree", "."], "missing.patch"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, fragment):
    (tmp_path / "x.patch").write_text("")
    proc = subprocess.run(
        [sys.executable, str(TOOL), *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and fragment in proc.stderr, proc.stderr


def test_a_patch_that_does_not_apply_is_refused(tmp_path, old):
    up = _patch(tmp_path, old, "up.patch", "--scheme", "upstream")
    (old / "drivers/hv/hv.c").write_text("/* changed */\n")
    proc = compare(up, "--reference", up, "--tree", old)
    assert proc.returncode == 2
    assert "does not apply" in proc.stderr
