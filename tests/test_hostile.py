"""Hostile and broken input (issue 7), through the real ``hvlint`` command.

Every input here must end with a normal result or a one-line error (exit 0, 1 or 2, no
traceback, see ``assert_orderly``), within a hang detector and a memory cap, and must leave
every file as it was (the whole temporary tree is hashed before and after). Where a broken
file sits next to good ones, the good ones must still be checked: the tree always holds one
known finding (drivers/hv/hv.c line 7) that has to survive.

Unreadable files: the tests run as root in CI, and root reads a ``chmod 000`` file anyway, so
that case only means something for other users and is skipped for root. What stays
meaningful for everyone: a FIFO (opening it would block forever, so it doubles as a hang
trap), a dangling symlink, and a symlink to /proc/self/mem (a regular file by stat whose read
fails with EIO, even for root). A directory named ``foo.c`` is walked like any directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostile_inputs import (
    ADVERSARIAL,
    BAD_CALL,
    MIB,
    HV_C,
    KNOWN_LINE,
    KNOWN_PATH,
    Outcome,
    assert_orderly,
    hvlint,
    tree_digest,
    write_tree,
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A kernel-shaped tree with one known finding, inside a workspace folder."""
    return write_tree(tmp_path / "ws" / "linux")


def run_checked(
    args, tree: Path, cwd: Path = None, stdin: bytes = None, prelude: str = ""
) -> Outcome:
    """Run hvlint and check the invariants every hostile input shares."""
    workspace = tree.parent.parent  # the test's tmp_path: the tree, patches, sentinels
    before = tree_digest(workspace)
    out = hvlint(args, cwd or tree, stdin=stdin, prelude=prelude)
    assert_orderly(out)
    assert tree_digest(workspace) == before, "hvlint changed, added or removed a file"
    return out


def assert_known_finding(out: Outcome) -> None:
    """The good file next to the hostile one was still checked."""
    lines = [f["line"] for f in out.findings_at(KNOWN_PATH)]
    assert KNOWN_LINE in lines, out.stdout[:2000]


def put(tree: Path, rel: str, data) -> str:
    path = tree / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return rel


# --- source files --------------------------------------------------------------------------


def _nested_ifs(depth: int) -> str:
    return "#if defined(CONFIG_PM_SLEEP)\n" * depth + "\t" + BAD_CALL + "\n" + "#endif\n" * depth


SOURCES = {
    "empty": b"",
    "only-newlines": b"\n" * 1000,
    "nul-bytes": b"void f(void)\n{\n\t" + BAD_CALL.encode() + b"\0\0\0\n}\n",
    "binary-junk": bytes(range(256)) * 64
    + b"HV_REGISTER_SCONTROL hv_set_register("
    + bytes(range(256)),
    "invalid-utf8": b"/* caf\xc3\x28 \xed\xa0\x80 \xff\xfe */\nvoid f(void)\n{\n\t"
    + BAD_CALL.encode()
    + b"\n}\n",
    "latin-1": "/* Copyright (c) M\u00fcller, se\u00f1or */\nvoid f(void)\n{\n\t".encode("latin-1")
    + BAD_CALL.encode()
    + b"\n}\n",
    "crlf": HV_C.replace("\n", "\r\n").encode(),
    "lone-cr": HV_C.replace("\n", "\r").encode(),
    "unterminated-comment": (
        "void f(void)\n{\n\t" + BAD_CALL + "\n}\n/* " + BAD_CALL + "\n"
    ).encode(),
    "unterminated-string": ('static const char *s = "' + BAD_CALL + "\n").encode(),
    "unterminated-char": ("static char c = '\\" + "\n").encode(),
    "unterminated-if": ("#ifdef CONFIG_X86\nvoid f(void)\n{\n\t" + BAD_CALL + "\n}\n").encode(),
    "unterminated-call": ("void f(void)\n{\n\thv_set_register(HV_REGISTER_SCONTROL,\n").encode(),
    "stray-endif-else": b"#endif\n#else\n#elif 1\nint x;\n#endif\n",
    "backslash-at-eof": b"#define HV_REGISTER_FOO 0x40000080 \\",
    "nested-ifs-100000": _nested_ifs(100_000).encode(),
    "define-cycle": (
        "#define HV_SYN_REG_A HV_SYN_REG_B\n#define HV_SYN_REG_B HV_SYN_REG_A\n"
        "#define HV_REGISTER_C HV_REGISTER_D\n#define HV_REGISTER_D HV_REGISTER_C\n"
        "void f(void)\n{\n\thv_set_register(HV_SYN_REG_A, 0);\n"
        "\thv_set_register(HV_REGISTER_C, 0);\n}\n"
    ).encode(),
    "deep-expression-define": (
        "#define HV_REGISTER_DEEP\t" + "+".join(["1"] * 990) + "\n"
    ).encode(),
    "huge-number-in-if": ("#if 1" + "1" * 5000 + "\nint x;\n#endif\n").encode(),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_hostile_source_next_to_a_good_one(tree: Path, name: str) -> None:
    """Each broken source, given with a good file, ends orderly and the good file is checked."""
    rel = put(tree, f"drivers/hv/hostile_{name.replace('-', '_')}.c", SOURCES[name])
    out = run_checked(["--format", "json", KNOWN_PATH, rel], tree)
    assert_known_finding(out)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_hostile_source_in_a_walked_tree(tree: Path, name: str) -> None:
    """The same files found by walking the tree (the prefilter and the index see them too)."""
    put(tree, f"include/asm-generic/hostile_{name.replace('-', '_')}.h", SOURCES[name])
    out = run_checked(["--format", "json", "."], tree)
    assert_known_finding(out)


def test_crlf_positions_match_lf(tree: Path) -> None:
    """A CRLF file reports the same lines and columns as its LF twin."""
    put(tree, "drivers/hv/crlf.c", HV_C.replace("\n", "\r\n"))
    out = run_checked(["--format", "json", KNOWN_PATH, "drivers/hv/crlf.c"], tree)
    spans = lambda path: [
        (f["line"], f["column"], f["end_column"], f["code"])  # noqa: E731
        for f in out.findings_at(path)
    ]
    assert spans("drivers/hv/crlf.c") == spans(KNOWN_PATH)


def test_invalid_utf8_still_checked(tree: Path) -> None:
    """Bytes that are not UTF-8 do not hide the findings around them."""
    put(tree, "drivers/hv/latin.c", SOURCES["latin-1"])
    out = run_checked(["--format", "json", "drivers/hv/latin.c"], tree)
    assert [f["line"] for f in out.findings_at("drivers/hv/latin.c")] == [4]


def test_unterminated_comment_hides_what_it_holds(tree: Path) -> None:
    """The call before an unterminated comment is reported, the one inside it is not."""
    put(tree, "drivers/hv/open_comment.c", SOURCES["unterminated-comment"])
    out = run_checked(["--format", "json", "drivers/hv/open_comment.c"], tree)
    assert [f["line"] for f in out.findings_at("drivers/hv/open_comment.c")] == [3]


def test_ten_megabyte_single_line(tree: Path) -> None:
    """A 10 MB line (with a finding at its far end) is read, and the column is right."""
    filler = "int hv_pad = " + "1+" * (5 * 1024 * 1024) + "1; "
    put(tree, "drivers/hv/long_line.c", "void f(void)\n{\n" + filler + BAD_CALL + "\n}\n")
    out = run_checked(["--format", "json", "drivers/hv/long_line.c"], tree)
    found = out.findings_at("drivers/hv/long_line.c")
    assert [(f["line"], f["column"]) for f in found] == [
        (3, len(filler) + 1 + len("hv_set_register("))
    ]


def test_hundred_thousand_nested_ifs_keep_the_finding(tree: Path) -> None:
    """100,000 nested #ifs (on a symbol that does not pin the arch): the call in the middle is
    still seen."""
    put(tree, "drivers/hv/deep.c", "void f(void)\n{\n" + _nested_ifs(100_000) + "}\n")
    out = run_checked(["--format", "json", "drivers/hv/deep.c"], tree)
    assert [f["line"] for f in out.findings_at("drivers/hv/deep.c")] == [100_003]


def test_ten_thousand_deep_define_chain(tree: Path) -> None:
    """A 10,000-deep chain of defines in an indexed x86 header, linted itself (HV101 resolves
    every HV_REGISTER_* define there) and used from shared code, ends orderly."""
    chain = "".join(
        f"#define HV_REGISTER_CHAIN{i}\tHV_REGISTER_CHAIN{i + 1}\n" for i in range(10_000)
    )
    put(
        tree,
        "arch/x86/include/asm/hyperv-chain.h",
        chain + "#define HV_REGISTER_CHAIN10000\t0x40000080\n",
    )
    put(
        tree,
        "drivers/hv/chain.c",
        "void f(void)\n{\n\thv_set_register(HV_REGISTER_CHAIN0, 0);\n}\n",
    )
    out = run_checked(
        [
            "--format",
            "json",
            "arch/x86/include/asm/hyperv-chain.h",
            "drivers/hv/chain.c",
            KNOWN_PATH,
        ],
        tree,
    )
    assert_known_finding(out)


def test_define_cycle_in_index(tree: Path) -> None:
    """A -> B -> A across two indexed headers ends orderly."""
    put(tree, "arch/x86/include/asm/cycle_a.h", "#define HV_REGISTER_LOOP_A\tHV_REGISTER_LOOP_B\n")
    put(tree, "arch/x86/include/asm/cycle_b.h", "#define HV_REGISTER_LOOP_B\tHV_REGISTER_LOOP_A\n")
    put(
        tree, "drivers/hv/loop.c", "void f(void)\n{\n\thv_set_register(HV_REGISTER_LOOP_A, 0);\n}\n"
    )
    out = run_checked(["--format", "json", "drivers/hv/loop.c", KNOWN_PATH], tree)
    assert_known_finding(out)


# --- paths that cannot be read ---------------------------------------------------------------


def _fifo(tree: Path) -> str:
    os.mkfifo(tree / "drivers/hv/fifo.c")
    return "drivers/hv/fifo.c"


def _dangling(tree: Path) -> str:
    os.symlink("no-such-file.c", tree / "drivers/hv/dangling.c")
    return "drivers/hv/dangling.c"


def _dir_named_c(tree: Path) -> str:
    (tree / "drivers/hv/dir.c").mkdir()
    return "drivers/hv/dir.c"


def _proc_mem(tree: Path) -> str:
    # A regular file by stat whose read fails (EIO) even for root.
    os.symlink("/proc/self/mem", tree / "drivers/hv/mem.c")
    return "drivers/hv/mem.c"


def _missing(tree: Path) -> str:
    return "drivers/hv/never_written.c"


def _chmod_000(tree: Path) -> str:
    if os.geteuid() == 0:
        pytest.skip(
            "root reads a chmod 000 file; "
            "the FIFO, dangling-symlink and /proc/self/mem cases cover it"
        )
    rel = put(tree, "drivers/hv/locked.c", HV_C)
    os.chmod(tree / rel, 0)
    return rel


UNREADABLE = {
    "fifo": _fifo,
    "dangling-symlink": _dangling,
    "proc-self-mem": _proc_mem,
    "missing": _missing,
    "chmod-000": _chmod_000,
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_file_is_reported_and_the_rest_checked(tree: Path, name: str) -> None:
    """Named on the command line: one line naming it, exit 2, the good file still checked."""
    rel = UNREADABLE[name](tree)
    target = os.path.basename(os.readlink(tree / rel)) if os.path.islink(tree / rel) else ""
    out = run_checked(["--format", "json", KNOWN_PATH, rel], tree)
    assert out.rc == 2
    named = [
        line for line in out.error_lines if Path(rel).name in line or (target and target in line)
    ]
    assert len(named) == 1, out.stderr
    assert_known_finding(out)


def test_directory_named_like_a_source(tree: Path) -> None:
    """A directory called dir.c, named on the command line, is walked like any directory."""
    rel = _dir_named_c(tree)
    put(tree, rel + "/inner.c", HV_C)
    out = run_checked(["--format", "json", KNOWN_PATH, rel], tree)
    assert_known_finding(out)
    assert [f["line"] for f in out.findings_at(rel + "/inner.c")] == [KNOWN_LINE]


@pytest.mark.parametrize(
    "make",
    [_fifo, _dangling, _dir_named_c, _proc_mem],
    ids=["fifo", "dangling-symlink", "directory-named-c", "proc-self-mem"],
)
def test_unreadable_entries_in_a_walked_tree(tree: Path, make) -> None:
    """Met while walking a directory: never opened blindly (a FIFO would hang), the rest checked."""
    make(tree)
    out = run_checked(["--format", "json", "drivers/hv"], tree)
    assert_known_finding(out)


def test_directory_symlink_loops(tree: Path) -> None:
    """Symlinks to ".", to an ancestor and to each other: the walk ends, each file once."""
    hv = tree / "drivers/hv"
    os.symlink(".", hv / "self")
    os.symlink("../..", hv / "up")
    os.symlink("ping", hv / "pong")
    os.symlink("pong", hv / "ping")
    (tree / "drivers/hv/sub").mkdir()
    os.symlink(str(tree), tree / "drivers/hv/sub/root-again")
    for target in (".", "drivers", "drivers/hv"):
        out = run_checked(["--format", "json", target], tree)
        assert [f["line"] for f in out.findings_at(KNOWN_PATH)].count(KNOWN_LINE) == 1


# --- patches -----------------------------------------------------------------------------


def _patch(path_a: str, path_b: str, added: str = BAD_CALL) -> str:
    return (
        "From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n"
        "From: A Tester <tester@example.org>\n"
        "Subject: [PATCH] hostile path\n\n"
        "---\n"
        f"diff --git a/{path_a} b/{path_b}\n"
        "new file mode 100644\n"
        "--- /dev/null\n"
        f"+++ b/{path_b}\n"
        "@@ -0,0 +1,3 @@\n"
        "+void f(void)\n+{\n"
        f"+\t{added}\n"
        "-- \n2.40.0\n\n"
    )


def _modify_patch(path: str, quoted: bool = False) -> str:
    a, b = (f'"a/{path}"', f'"b/{path}"') if quoted else (f"a/{path}", f"b/{path}")
    return (
        "From 2222222222222222222222222222222222222222 Mon Sep 17 00:00:00 2001\n"
        "From: A Tester <tester@example.org>\n"
        "Subject: [PATCH] modify outside\n\n"
        "---\n"
        f"diff --git {a} {b}\n"
        f"--- {a}\n"
        f"+++ {b}\n"
        "@@ -1,1 +1,2 @@\n"
        " root:x:0:0:root:/root:/bin/bash\n"
        f"+{BAD_CALL}\n"
        "-- \n2.40.0\n\n"
    )


ESCAPES = {
    "dotdot-etc-passwd": _modify_patch("../../etc/passwd"),
    "dotdot-sentinel": _modify_patch("../../secret/passwd.c"),
    "deep-dotdot": _modify_patch("drivers/hv/../../../../secret/passwd.c"),
    "absolute": _modify_patch("/etc/passwd"),
    "new-file-dotdot": _patch("../../secret/new.c", "../../secret/new.c"),
    "quoted-dotdot": _modify_patch("../../secret/passwd.c", quoted=True),
    "octal-escaped-dotdot": _modify_patch("\\056\\056/\\056\\056/secret/passwd.c", quoted=True),
}

# Records every file the process opens; fails loudly (exit 99) if one is outside the allowed set.
AUDIT = """
import os, sys
_SENTINELS = {os.path.realpath(p) for p in os.environ["HVLINT_TEST_SENTINELS"].split(os.pathsep)}
def _hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if os.path.realpath(path) in _SENTINELS:
            os.write(2, ("hvlint: TEST-VIOLATION opened " + path + "\\n").encode())
            os._exit(99)
sys.addaudithook(_hook)
"""


@pytest.mark.parametrize("name", sorted(ESCAPES))
@pytest.mark.parametrize("with_tree", [True, False], ids=["tree", "no-tree"])
def test_patch_cannot_reach_outside_the_root(
    tree: Path, name: str, with_tree: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Patch headers that name ../../etc/passwd and friends: nothing outside the root is opened
    (an audit hook in the hvlint process watches every open), and the run ends orderly."""
    workspace = tree.parent
    secret = workspace.parent / "secret"
    secret.mkdir(exist_ok=True)
    (secret / "passwd.c").write_text("root:x:0:0:root:/root:/bin/bash\n")
    patch = workspace / "escape.patch"
    patch.write_text(ESCAPES[name])
    monkeypatch.setenv(
        "HVLINT_TEST_SENTINELS",
        os.pathsep.join([str(secret / "passwd.c"), str(secret / "new.c"), "/etc/passwd"]),
    )
    args = ["--patch", str(patch)] + ([] if with_tree else ["--no-tree"])
    out = run_checked(args, tree, prelude=AUDIT)
    assert "TEST-VIOLATION" not in out.stderr


def _hunk_patch(header: str) -> str:
    context = "" if "+0," in header else " \tu64 sctrl = 1;\n"
    return (
        "diff --git a/drivers/hv/hv.c b/drivers/hv/hv.c\n"
        "--- a/drivers/hv/hv.c\n"
        "+++ b/drivers/hv/hv.c\n"
        f"{header}\n{context}"
        f"+\t{BAD_CALL}\n"
    )


HUNK_HEADERS = {
    "line-zero": "@@ -0,0 +0,1 @@",
    "far-beyond-the-file": "@@ -1099511627776,1 +1099511627776,2 @@",
    "huge-count": "@@ -6,1 +6,1099511627776 @@",
    "negative": "@@ --5,1 +-5,2 @@",
    "no-numbers": "@@ @@",
}


@pytest.mark.parametrize("name", sorted(HUNK_HEADERS))
@pytest.mark.parametrize("with_tree", [True, False], ids=["tree", "no-tree"])
def test_hostile_hunk_headers(tree: Path, name: str, with_tree: bool) -> None:
    """Hunk headers naming line 0, line 2**40 or absurd counts: bounded memory (a post-image
    is never padded out to the line a header names), and every reported line is >= 1."""
    patch = tree.parent / "hunk.patch"
    patch.write_text(_hunk_patch(HUNK_HEADERS[name]))
    out = run_checked(
        ["--format", "json", "--patch", str(patch)] + ([] if with_tree else ["--no-tree"]), tree
    )
    if out.rc in (0, 1):
        assert all(f["line"] >= 1 and f["column"] >= 1 for f in out.json()["findings"]), out.stdout


def _mbox(n: int) -> bytes:
    """n one-line patches, each touching drivers/hv/hv.c."""
    parts = []
    for i in range(1, n + 1):
        parts.append(
            f"From {i:040x} Mon Sep 17 00:00:00 2001\n"
            "From: A Tester <tester@example.org>\n"
            f"Subject: [PATCH {i}/{n}] hv: step {i}\n\n"
            "---\n"
            "diff --git a/drivers/hv/hv.c b/drivers/hv/hv.c\n"
            "--- a/drivers/hv/hv.c\n"
            "+++ b/drivers/hv/hv.c\n"
            "@@ -6,0 +7,1 @@\n"
            f"+\tsctrl += {i};\n"
            "-- \n2.40.0\n\n"
        )
    return "".join(parts).encode()


def test_hundred_thousand_patch_mbox(tree: Path) -> None:
    """A 100,000-patch mbox, from a file: a normal result or a one-line error, in bounded
    time and memory (the hang detector and the address-space cap of run_checked)."""
    (tree.parent / "series.mbox").write_bytes(_mbox(100_000))
    run_checked(["--patch", str(tree.parent / "series.mbox")], tree)


def test_empty_and_junk_patch_input(tree: Path) -> None:
    """Empty stdin, an empty patch file and a patch file of junk."""
    (tree.parent / "empty.patch").write_bytes(b"")
    (tree.parent / "junk.patch").write_bytes(bytes(range(256)) * 16)
    run_checked(["--patch", "-"], tree, stdin=b"")
    run_checked(["-"], tree, stdin=b"")
    run_checked(["--patch", str(tree.parent / "empty.patch")], tree)
    run_checked(["--patch", str(tree.parent / "junk.patch")], tree)
    run_checked(["--patch", "-"], tree, stdin=bytes(range(256)) * 16)


# --- --git ---------------------------------------------------------------------------------


def _git(tree: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", *args], cwd=tree, check=True, env=env, capture_output=True)


NOT_RANGES = [
    "not a range",
    "",
    " ",
    "..",
    "...",
    "a..b..c",
    "HEAD~100000",
    "no-such-ref..HEAD",
    "HEAD..no-such-ref",
    "--output=PWNED",
    "-p",
    "--exec=touch PWNED",
    "HEAD;touch PWNED",
    "$(touch PWNED)",
    "HEAD\nHEAD",
    "@{-1}",
    "^",
    "HEAD^{tree}",
    ":/no such message",
]


@pytest.mark.parametrize("text", NOT_RANGES)
def test_git_given_text_that_is_not_a_range(tree: Path, text: str) -> None:
    """--git with anything that is not a commit range: exit 2 with one line, and no option
    smuggled into git (nothing written)."""
    _git(tree, "init", "-q")
    _git(tree, "add", "-A")
    _git(tree, "commit", "-q", "-m", "base")
    out = run_checked(["--git", text], tree)
    assert out.rc == 2, (out.rc, out.stdout[:500], out.stderr)
    assert len(out.error_lines) == 1, out.stderr
    assert not (tree / "PWNED").exists() and not (tree.parent / "PWNED").exists()


def test_git_outside_a_repository(tree: Path) -> None:
    """--git where there is no repository: one line, exit 2."""
    out = run_checked(["--git", "HEAD~1.."], tree)
    assert out.rc == 2 and len(out.error_lines) == 1, out.stderr


# --- 1 MB adversarial lines: linear time ----------------------------------------------------

# Child process: lint one adversarial text once; print the CPU seconds the lint took and the
# number of findings. Its own process, so a quadratic case fails its own test (by the hang
# detector) and no other.
_TIME_ONE = """
import sys, time
sys.path[:0] = [sys.argv[4]]
from hostile_inputs import ADVERSARIAL
from hvlint.config import Settings
from hvlint.engine import Linter
text = ADVERSARIAL[sys.argv[1]](int(sys.argv[3]))
linter = Linter(Settings(), None)
start = time.process_time()
result = linter.lint_text(sys.argv[2], text)
print(time.process_time() - start, len(result.findings))
"""
# The issue asks for under a second per 1 MB line; measured alone on the 2-core machine, a
# linear scanner takes up to 0.8 s on the worst of these. CI runs them two at a time next to
# other work, so the assertion keeps a generous margin (CPU time of the lint alone, not
# start-up) and checks the shape as well: four times the input may cost at most eight times
# the CPU (linear is four, quadratic sixteen). A line dense with real findings (100,000 of
# them, each made, worded and sorted) gets a larger absolute allowance, same growth rule.
ABSOLUTE_BOUND_S = 3.0
DENSE_FINDINGS = 1000
DENSE_BOUND_S = 10.0
GROWTH = 8.0
MEASURABLE_S = 0.25  # below this the 1 MB run is clearly linear; no second run needed


def _lint_cpu(name: str, path: str, size: int):
    proc = subprocess.run(
        [sys.executable, "-c", _TIME_ONE, name, path, str(size), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    seconds, findings = proc.stdout.split()[-2:]
    return float(seconds), int(findings)


@pytest.mark.parametrize(
    "path",
    ["drivers/hv/adversarial.c", "arch/x86/include/asm/adversarial.h"],
    ids=["shared-c", "x86-header"],
)
@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_one_megabyte_adversarial_input_is_linear(name: str, path: str) -> None:
    """Regexes and scans stay linear on 1 MB adversarial inputs: bounded CPU, linear growth."""
    seconds, findings = _lint_cpu(name, path, MIB)
    bound = ABSOLUTE_BOUND_S if findings <= DENSE_FINDINGS else DENSE_BOUND_S
    assert seconds < bound, (
        f"{name} as {path}: {seconds:.2f}s of CPU for 1 MB ({findings} findings)"
    )
    if seconds < MEASURABLE_S:
        return
    quarter, _ = _lint_cpu(name, path, MIB // 4)
    assert seconds < GROWTH * max(quarter, 0.05), (
        f"{name} as {path}: {quarter:.2f}s for 256 KB "
        f"but {seconds:.2f}s for 1 MB ({findings} findings)"
    )
