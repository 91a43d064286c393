"""``hvlint --fix`` on the fixture trees, checked for real: the fixed sources pass
``gcc -fsyntax-only`` for x86 (the host gcc) and for arm64 (Debian's aarch64-linux-gnu-gcc;
skipped where it is not installed), hvlint then reports exactly what --fix said it left, and
a second run changes nothing.

The compile is a syntax and type check of each file against the fixture's stub headers, with
``-DCONFIG_X86`` or ``-DCONFIG_ARM64``, not a kernel build: the files are those hvlint's own
path and Kconfig classes say each arch builds. The kernel builds of fixed real trees are
tests/test_compile_check.py's tool (tools/compile_check.py)."""

from __future__ import annotations

import os
import stat
import pytest

import fix_support as fs

NAMES = sorted(fs.CASES)


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    """Each case fixed once: name -> (repo, first run, second run, snapshot between them)."""
    out = {}
    for name in NAMES:
        case = fs.CASES[name]
        repo = fs.checkout(case.tree, tmp_path_factory.mktemp(name) / "linux")
        first = fs.hvlint(["--fix", *case.args], repo)
        between = fs.snapshot(repo)
        second = fs.hvlint(["--fix", *case.args], repo)
        out[name] = (repo, first, second, between)
    return out


@pytest.mark.parametrize("arch", ["x86", "arm64"])
@pytest.mark.parametrize("name", NAMES)
def test_fixed_tree_compiles_for_each_arch(name, arch, fixed):
    if fs.arch_gcc(arch) is None:
        pytest.skip(f"no {fs.ARCH_GCC[arch]} installed")
    case = fs.CASES[name]
    repo = fixed[name][0]
    errors = fs.compile_errors(repo, arch)
    if arch in case.broken:
        # The build was broken before by x86 names in shared code; only the calls hvlint
        # refused to touch (and said so) may still break it.
        left = fs.left_report(fixed[name][1].stderr.decode())
        assert errors and all(
            any(n in msg for (_p, _c, n) in left) for msg in errors.values()
        ), errors
    else:
        assert errors == {}, errors


@pytest.mark.parametrize("name", NAMES)
def test_hvlint_reports_exactly_what_fix_left(name, fixed):
    """No fixed finding comes back, and nothing new appears: the findings on the fixed tree
    are the ones --fix listed as left (by file, rule and name)."""
    repo, first, _second, _between = fixed[name]
    assert first.returncode in (0, 1), first.stderr.decode()
    assert fs.findings_after(repo, fs.CASES[name].args) == fs.left_report(first.stderr.decode())


@pytest.mark.parametrize("name", NAMES)
def test_second_fix_changes_nothing(name, fixed):
    repo, first, second, between = fixed[name]
    assert fs.snapshot(repo) == between
    err = second.stderr.decode()
    assert (
        "0 renames (HV101), 0 accessor calls (HV103), 0 alias definitions; 0 files changed" in err
    )
    assert fs.left_report(err) == fs.left_report(first.stderr.decode())
    assert second.returncode == (1 if fs.left_report(err) else 0)


def test_one_shot_fix_fixes_every_rename_and_call(fixed):
    """The pre-rename tree: every HV101 and HV103 finding is fixed in one run (exit 0 needs
    nothing left at all, and this tree has no other finding)."""
    repo, first, _s, _b = fixed["pre-rename"]
    assert first.returncode == 0, first.stderr.decode()
    assert (
        "15 renames (HV101), 22 accessor calls (HV103), 26 alias definitions; 8 files changed"
        in first.stderr.decode()
    )
    text = (repo / "arch/x86/include/asm/hyperv-tlfs.h").read_text()
    assert "#define HV_REGISTER_" not in text
    assert (
        "HV_REGISTER_SCONTROL enables the SynIC" in text
    )  # comments change only with --fix-comments
    assert "temporary compatibility" not in text
    arm = (repo / "arch/arm64/include/asm/hyperv-tlfs.h").read_text()
    assert "#define HV_SYN_REG_CRASH_P0\t\t(HV_REGISTER_CRASH_P0)\n" in arm


def test_fix_keeps_file_modes_and_leaves_no_temporary_files(tmp_path):
    repo = fs.checkout("pre-rename", tmp_path / "linux")
    header = repo / "arch/x86/include/asm/hyperv-tlfs.h"
    os.chmod(header, 0o640)
    script = repo / "drivers/hv/hv.c"
    os.chmod(script, 0o755)
    before = set(fs.snapshot(repo))
    proc = fs.hvlint(["--fix"], repo)
    assert proc.returncode == 0, proc.stderr.decode()
    assert stat.S_IMODE(header.stat().st_mode) == 0o640
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    assert set(fs.snapshot(repo)) == before
