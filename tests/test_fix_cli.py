"""--diff/--fix from the command line: bad input, refusals, limits, exit codes, safety."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

import fix_support as fs
from hvlint import cli
from hvlint.fix import write as fix_write


@pytest.fixture
def repo(tmp_path):
    return fs.checkout("pre-rename", tmp_path / "linux")


def one_line_error(proc, fragment: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == 2, (proc.stdout.decode(), err)
    assert err.startswith("hvlint: ") and err.count("\n") == 1 and fragment in err, err
    assert not proc.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--diff", "drivers/hv/nope.c"], "no such file or directory"),
        (["--fix", "--root", "no-such-dir"], "not a directory"),
        (["--diff", "--fix"], "not allowed with"),
        (["--only", "HV_REGISTER_SINT*"], "need --diff or --fix"),
        (["--fix-comments"], "need --diff or --fix"),
        (["--fix", "Kconfig"], "not a C source"),
        (["--fix", "--types", "HV999"], "unknown rule type"),
        (["--fix", "-"], ""),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(repo, args, fragment):
    before = fs.snapshot(repo)
    one_line_error(fs.hvlint(args, repo), fragment)
    assert fs.snapshot(repo) == before


def test_path_outside_the_tree_is_refused(repo, tmp_path):
    outside = tmp_path / "elsewhere.c"
    outside.write_text("int x;\n")
    (repo / "drivers/ext").symlink_to(tmp_path, target_is_directory=True)
    before = fs.snapshot(repo)
    one_line_error(fs.hvlint(["--fix", str(outside)], repo), "outside the tree")
    one_line_error(fs.hvlint(["--fix", "drivers/ext/elsewhere.c"], repo), "outside the tree")
    assert fs.snapshot(repo) == before


def test_no_tree_is_an_error(tmp_path):
    (tmp_path / "hv.c").write_text("void f(void) { hv_set_register(HV_REGISTER_EOM, 0); }\n")
    one_line_error(fs.hvlint(["--fix", "hv.c"], tmp_path), "need a kernel tree")
    assert "HV_REGISTER_EOM" in (tmp_path / "hv.c").read_text()


def test_exit_status(repo):
    assert fs.hvlint(["--diff"], repo).returncode == 1  # changes pending
    assert fs.hvlint(["--fix"], repo).returncode == 0  # all fixed, nothing left
    clean = fs.hvlint(["--diff"], repo)
    assert clean.returncode == 0 and clean.stdout == b""


def test_paths_choose_the_findings_and_the_edits_follow_them(repo):
    """Fixing one file's calls adds the aliases those calls need in the arch headers, and
    nothing else: the HV101 definitions (in another file) are not selected."""
    proc = fs.hvlint(["--diff", "drivers/hv/hv_common.c"], repo)
    files = [
        line.split(" b/")[1]
        for line in proc.stdout.decode().splitlines()
        if line.startswith("diff --git")
    ]
    assert files == [
        "arch/arm64/include/asm/hyperv-tlfs.h",
        "arch/x86/include/asm/hyperv-tlfs.h",
        "drivers/hv/hv_common.c",
    ]
    assert "5 accessor calls (HV103), 10 alias definitions" in proc.stderr.decode()
    # No rename in this run, so the x86 aliases name what x86 defines today.
    assert "+#define HV_SYN_REG_VP_INDEX\t\t(HV_X64_MSR_VP_INDEX)\n" in proc.stdout.decode()


def test_only_selects_by_name_and_says_what_it_skipped(repo):
    proc = fs.hvlint(["--diff", "--only", "HV_REGISTER_SINT*,HV_SYN_REG_SINT*"], repo)
    err = proc.stderr.decode()
    assert "2 renames (HV101), 2 accessor calls (HV103), 2 alias definitions" in err
    assert "HV_REGISTER_SCONTROL [HV101 HV_REGISTER_MSR]: not selected by --only" in err


def test_symlinked_file_is_not_written_and_its_fixes_are_left(repo):
    real = repo / "drivers/hv/hv_common.c"
    shared = repo.parent / "shared" / "hv_common.c"
    shared.parent.mkdir()
    shared.write_bytes(real.read_bytes())
    real.unlink()
    real.symlink_to(shared)
    proc = fs.hvlint(["--fix"], repo)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert real.is_symlink()
    assert "hv_common.c is a symbolic link" in err
    # Its calls stay, and so do the renames of the names it uses on both arches.
    assert "HV_REGISTER_CRASH_P0" in real.read_text()
    assert (
        "#define HV_REGISTER_CRASH_P0" in (repo / "arch/x86/include/asm/hyperv-tlfs.h").read_text()
    )
    assert "HV_SYN_REG_SIMP" in (repo / "drivers/hv/hv.c").read_text()
    for arch in fs.compiled_arches():
        assert fs.compile_errors(repo, arch) == {}


def test_a_file_edited_during_the_run_is_not_overwritten(repo, monkeypatch):
    """Someone saves drivers/hv/hv.c between hvlint's read and its write: hvlint writes
    nothing at all (a rename must not land half-way) and says why, in one line."""
    victim = repo / "drivers/hv/hv.c"
    real_temp_copy = fix_write._temp_copy

    def edit_then_stage(path, data, mode):
        if path == victim and b"edited" not in victim.read_bytes():
            victim.write_bytes(victim.read_bytes() + b"/* edited */\n")
        return real_temp_copy(path, data, mode)

    monkeypatch.setattr(fix_write, "_temp_copy", edit_then_stage)
    monkeypatch.chdir(repo)
    before = fs.snapshot(repo)
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["--fix"], io.StringIO(), out, err)
    assert code == 2
    assert err.getvalue().count("\n") == 1 and "drivers/hv/hv.c: changed on disk" in err.getvalue()
    after = fs.snapshot(repo)
    assert after.pop("drivers/hv/hv.c").endswith(b"/* edited */\n")
    before.pop("drivers/hv/hv.c")
    assert after == before
    assert not [p for p in Path(repo).rglob("*.hvlint-tmp")]


def test_write_refuses_paths_that_leave_the_root(tmp_path):
    root = tmp_path / "linux"
    root.mkdir()
    (tmp_path / "outside.c").write_text("x\n")
    (root / "link").symlink_to(tmp_path)
    for rel in ("../outside.c", "/etc/passwd", "link/outside.c", "a/../../outside.c"):
        with pytest.raises(fix_write.WriteError):
            fix_write.target_path(root, rel)
    with pytest.raises(fix_write.WriteError):
        fix_write.write_changes(root, [fix_write.FileChange("link/outside.c", b"x\n", b"y\n")])
    assert (tmp_path / "outside.c").read_text() == "x\n"


def test_put_back_when_a_later_file_changed(tmp_path):
    """All or nothing: when the second file changed on disk, the first, already replaced,
    gets its old bytes back."""
    for name in ("a.h", "b.h"):
        (tmp_path / name).write_bytes(b"old\n")
    os.chmod(tmp_path / "a.h", 0o600)
    changes = [
        fix_write.FileChange("a.h", b"old\n", b"new\n"),
        fix_write.FileChange("b.h", b"old\n", b"new\n"),
    ]
    (tmp_path / "b.h").write_bytes(b"someone else\n")
    with pytest.raises(fix_write.WriteError, match="b.h: changed on disk"):
        fix_write.write_changes(tmp_path, changes)
    assert (tmp_path / "a.h").read_bytes() == b"old\n"
    assert (tmp_path / "a.h").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "b.h").read_bytes() == b"someone else\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.h", "b.h"]


def test_fix_comments_renames_only_where_the_name_is_certain(repo):
    proc = fs.hvlint(["--fix", "--fix-comments"], repo)
    assert proc.returncode == 0, proc.stderr.decode()
    x86 = (repo / "arch/x86/include/asm/hyperv-tlfs.h").read_text()
    assert "HV_X64_MSR_SCONTROL enables the SynIC" in x86  # x86-only comment: the MSR
    generic = (repo / "include/asm-generic/mshyperv.h").read_text()
    assert "Writing HV_SYN_REG_EOM tells" in generic  # shared comment next to a rewritten call
    shared = (repo / "include/asm-generic/hyperv-tlfs.h").read_text()
    assert "(HV_REGISTER_SCONTROL)" in shared  # shared comment, no call in that file: unknown
    hv = (repo / "drivers/hv/hv.c").read_text()
    assert 'pr_debug("wrote HV_REGISTER_SCONTROL' in hv  # strings never change


def test_a_file_that_is_not_utf8_is_left_alone_with_its_reason(repo):
    common = repo / "drivers/hv/hv_common.c"
    common.write_bytes(common.read_bytes() + b"/* caf\xe9 */\n")
    before = common.read_bytes()
    proc = fs.hvlint(["--fix"], repo)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert common.read_bytes() == before
    assert "CRASH_P0 [HV103 GENERIC_REG_PREFIX]: drivers/hv/hv_common.c is not UTF-8" in err
    assert "and that call is left: drivers/hv/hv_common.c is not UTF-8" in err
    for arch in fs.compiled_arches():
        assert fs.compile_errors(repo, arch) == {}
