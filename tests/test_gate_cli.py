"""The gate's command line: checkpatch's flags, input detection, refusals and exit codes."""

from __future__ import annotations

import json
import os
import re

import gate_series as gs
import pytest


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    top = tmp_path_factory.mktemp("cli")
    repo = gs.make_repo(top / "linux")
    shas = gs.apply_series(repo, gs.SERIES[:7])
    patch7 = gs.git(repo, "format-patch", "--stdout", "-1", shas[6]).encode()
    return {"top": top, "repo": repo, "shas": shas, "patch7": patch7}


def one_line_error(proc, fragment: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == 2, (proc.stdout, err)
    assert err.startswith("hvlint: ") and err.count("\n") == 1 and fragment in err, err
    assert "Traceback" not in err


def test_checkpatch_default_block_form(work):
    proc = gs.run_hvlint(["--format", "checkpatch", "-"], work["repo"], stdin=work["patch7"])
    out = proc.stdout.decode()
    assert proc.returncode == 1
    blocks = out.split("\n\n")
    assert blocks[0].startswith("ERROR: rdmsrl is x86-only")
    assert re.match(r"^#\d+: FILE: drivers/hv/hv\.c:28:$", blocks[0].split("\n")[1])
    assert (
        blocks[0].split("\n")[2] == "+\trdmsrl(HV_X64_MSR_SIMP, simp);"
        "\t/* expect: X86_NAME_IN_GENERIC X86_NAME_IN_GENERIC */"
    )
    assert "total: 2 errors, 0 warnings, 15 lines checked" in out
    assert out.endswith(
        '"[PATCH] Drivers: hv: Enable the SynIC message page" has style problems, please review.\n'
    )


def test_terse_showfile_quiet_no_summary_is_one_line_per_finding(work):
    proc = gs.run_hvlint(
        ["-q", "--terse", "--no-summary", "--showfile"], work["repo"], stdin=work["patch7"]
    )
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 2 and all(line.startswith("drivers/hv/hv.c:28: ERROR: ") for line in lines)
    assert "rdmsrl" in lines[0] and "HV_X64_MSR_SIMP" in lines[1]


def test_emacs_prefix_is_the_input_name_and_line(work, tmp_path):
    patch = tmp_path / "0007-enable-simp.patch"
    patch.write_bytes(work["patch7"])
    out = gs.run_hvlint(["--emacs", str(patch)], work["repo"]).stdout.decode()
    first = out.splitlines()[0]
    lines = work["patch7"].decode().split("\n")
    n = next(i for i, line in enumerate(lines, 1) if line.startswith("+\trdmsrl("))
    assert first.startswith(f"{patch}:{n}: ERROR: rdmsrl is x86-only")
    stdin = gs.run_hvlint(
        ["--terse", "--strict", "--show-types"], work["repo"], stdin=work["patch7"]
    )
    assert stdin.stdout.decode().splitlines()[0].startswith(f"-:{n}: ERROR:X86_NAME_IN_GENERIC: ")
    assert "total: 2 errors, 0 warnings, 1 checks, 15 lines checked" in stdin.stdout.decode()


def test_color(work):
    always = gs.run_hvlint(
        ["--terse", "--color=always", "--show-types"], work["repo"], stdin=work["patch7"]
    )
    assert (
        "\033[31m-:" in always.stdout.decode()
        and "\033[34mX86_NAME_IN_GENERIC:\033[0m" in always.stdout.decode()
    )
    for flag in ("--no-color", "--color=never", "--color=auto"):
        plain = gs.run_hvlint(["--terse", flag], work["repo"], stdin=work["patch7"])
        assert "\033[" not in plain.stdout.decode(), flag


def test_ignore_and_types_filter_and_note(work):
    proc = gs.run_hvlint(
        ["--format", "checkpatch", "--ignore", "X86_NAME_IN_GENERIC", "-"],
        work["repo"],
        stdin=work["patch7"],
    )
    assert proc.returncode == 0
    assert "total: 0 errors, 0 warnings, 15 lines checked" in proc.stdout.decode()
    assert "NOTE: Ignored message types: X86_NAME_IN_GENERIC" in proc.stdout.decode()


def test_no_signoff_is_accepted_and_unknown_flags_are_refused(work):
    assert (
        gs.run_hvlint(["--no-signoff", "--terse"], work["repo"], stdin=work["patch7"]).returncode
        == 1
    )
    one_line_error(
        gs.run_hvlint(["--codespel"], work["repo"], stdin=work["patch7"]), "unrecognized arguments"
    )


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--git=--all"], "starts with '-'"),
        (["--git", "HEAD; touch pwned"], "blanks or control characters"),
        (["--git", "HEAD:Makefile"], "is not a commit"),
        (["--git", "nope..HEAD"], "'nope' is not a commit"),
        (["--git", "HEAD..HEAD"], "no commits in HEAD..HEAD"),
    ],
)
def test_bad_git_ranges(work, args, fragment):
    one_line_error(gs.run_hvlint(args, work["repo"]), fragment)
    assert not (work["repo"] / "pwned").exists()


def test_git_outside_a_repository(tmp_path):
    one_line_error(gs.run_hvlint(["--git", "HEAD"], tmp_path), "not inside a git repository")


def test_not_a_patch_and_mixed_inputs(work, tmp_path):
    note = tmp_path / "notes.txt"
    note.write_text("Hello,\n\nthis is not a patch.\n")
    one_line_error(
        gs.run_hvlint(["--patch", str(note)], work["repo"]), "does not appear to be a unified-diff"
    )
    patch = tmp_path / "p.patch"
    patch.write_bytes(work["patch7"])
    one_line_error(
        gs.run_hvlint([str(patch), "drivers/hv/hv.c"], work["repo"]),
        "not a patch, but other inputs are patches",
    )
    quiet = gs.run_hvlint(["--mailback", "--patch", str(note)], work["repo"])
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")


def test_patch_paths_never_leave_the_root(work, tmp_path):
    evil = (
        "diff --git a/drivers/hv/hv.c b/drivers/hv/hv.c\n"
        "--- a/../../etc/passwd\n+++ b/../../etc/passwd\n"
        "@@ -1 +1 @@\n-root:x:0:0:root:/root:/bin/bash\n+HV_REGISTER_SCONTROL\n"
    )
    one_line_error(gs.run_hvlint(["-"], work["repo"], stdin=evil.encode()), "refusing path")
    # A symlink in the tree that points outside it is not followed either.
    tree = tmp_path / "linux"
    gs.make_repo(tree)
    outside = tmp_path / "secret.c"
    outside.write_text("int secret;\n")
    os.symlink(outside, tree / "drivers/hv/link.c")
    diff = (
        "--- a/drivers/hv/link.c\n+++ b/drivers/hv/link.c\n"
        "@@ -1 +1,2 @@\n int secret;\n+int more;\n"
    )
    one_line_error(
        gs.run_hvlint(["--root", str(tree), "-"], tmp_path, stdin=diff.encode()),
        "leaves the tree root",
    )


def test_empty_stdin_and_no_path_lints_the_tree(work):
    proc = gs.run_hvlint([], work["repo"], stdin=b"")
    assert proc.returncode == 1
    assert (
        "drivers/hv/hv.c:" in proc.stdout.decode()
        and "[HV102 X86_NAME_IN_GENERIC]" in proc.stdout.decode()
    )


HV_C_LINES = (gs.TREE / "drivers/hv/hv.c").read_text().splitlines()


def test_file_mode_with_checkpatch_flags(work):
    proc = gs.run_hvlint(["-f", "--terse", "--show-types", "drivers/hv/hv.c"], gs.TREE)
    assert proc.returncode == 1
    out = proc.stdout.decode().splitlines()
    assert out[0].startswith(
        "drivers/hv/hv.c:48: WARNING:GENERIC_REG_PREFIX: hv_set_register() takes"
    )
    assert out[-1] == f"total: 0 errors, 2 warnings, {len(HV_C_LINES)} lines checked"
    text = gs.run_hvlint(["-f", "drivers/hv/hv.c"], gs.TREE)
    assert text.stdout.decode().startswith("drivers/hv/hv.c:48:18: warning:")


def test_rename_delete_and_binary_in_one_commit(tmp_path):
    repo = gs.make_repo(tmp_path / "linux")
    gs.git(repo, "mv", "drivers/hv/hv_common.c", "drivers/hv/hv_core.c")
    core = repo / "drivers/hv/hv_core.c"
    core.write_text(
        core.read_text().replace(
            "\thv_vp_index[cpu] = msr_vp_index;\n",
            "\thv_vp_index[cpu] = msr_vp_index;\n\thv_set_register(HV_REGISTER_SCONTROL, 1);\n",
        )
    )
    (repo / "arch/x86/hyperv/hv_init.c").unlink()
    (repo / "drivers/hv/hv_fw.bin").write_bytes(bytes(range(256)))
    gs.git(repo, "add", "-A")
    gs.git(repo, "commit", "-q", "-m", "Drivers: hv: Rename hv_common.c to hv_core.c")
    proc = gs.run_hvlint(["--git", "HEAD", "--format", "json"], repo)
    found = [(f["path"], f["line"], f["type"]) for f in json.loads(proc.stdout)["findings"]]
    line = core.read_text().split("\n").index("\thv_set_register(HV_REGISTER_SCONTROL, 1);") + 1
    assert found == [("drivers/hv/hv_core.c", line, "GENERIC_REG_PREFIX")]
    mbox = gs.git(repo, "format-patch", "--stdout", "-M", "-1", "HEAD").encode()
    base = tmp_path / "base"
    gs.git(repo, "worktree", "add", "-q", str(base), "base")
    again = gs.run_hvlint(["--root", str(base), "--format", "json"], tmp_path, stdin=mbox)
    assert [
        (f["path"], f["line"], f["type"]) for f in json.loads(again.stdout)["findings"]
    ] == found


def test_a_copied_file_keeps_its_source(tmp_path):
    """A copy (format-patch -C) leaves the source file as it was: a later patch to the source
    still applies to it, inside its real #ifdef."""
    repo = gs.make_repo(tmp_path / "linux")
    hv = repo / "drivers/hv/hv.c"
    steps = [
        ("Drivers: hv: Add an x86 hook", "\n#ifdef CONFIG_X86\nvoid hv_x86_hook(void)\n{\n}\n#endif\n"),
        ("Drivers: hv: Copy hv.c for the new core", None),
        ("Drivers: hv: Fill the x86 hook", None),
    ]
    hv.write_text(hv.read_text() + steps[0][1])
    gs.git(repo, "commit", "-qam", steps[0][0])
    (repo / "drivers/hv/hv_copy.c").write_text(hv.read_text() + "/* the copy */\n")
    gs.git(repo, "add", "-A")
    gs.git(repo, "commit", "-qm", steps[1][0])
    hv.write_text(hv.read_text().replace("void hv_x86_hook(void)\n{\n", "void hv_x86_hook(void)\n{\n\twrmsrl(HV_X64_MSR_SCONTROL, 1);\n"))
    gs.git(repo, "commit", "-qam", steps[2][0])
    mbox = gs.git(repo, "format-patch", "--stdout", "-C", "--find-copies-harder", "base..HEAD").encode()
    assert b"copy from drivers/hv/hv.c" in mbox
    base = tmp_path / "base"
    gs.git(repo, "worktree", "add", "-q", str(base), "base")
    proc = gs.run_hvlint(["-v", "--root", str(base), "--format", "json"], tmp_path, stdin=mbox)
    assert json.loads(proc.stdout)["findings"] == [], proc.stdout
    assert b"drivers/hv/hv.c: post-image the patch applied to the tree" in proc.stderr
