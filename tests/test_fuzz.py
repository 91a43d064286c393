"""Fuzz targets (hypothesis-driven) over the scanner and engine, the patch reader, the patch
gate end to end (issue 7), and the language server's message handling (issue 14).

Each target takes bytes made by mutating realistic seeds (kernel-shaped sources and
``git format-patch`` mail written for these tests): bytes inserted, deleted, duplicated and
flipped, and tokens that steer the parsers (directives, comment and literal delimiters, hunk
headers, diff and mbox separators, ``../`` paths) spliced in. What must hold for every input:
  * engine: a decoded source lints without an exception, every finding on a line >= 1;
  * patch reader: a series, or ``PatchError`` with a one-line reason;
  * gate (``hvlint --patch -`` in-process, with and without a tree): exit 0, 1 or 2, never an
    exception, every reported line >= 1;
  * lsp: a client session (initialize, open, edit, hover, code actions, settings, files
    changed on disk, shutdown) with messages mutated (values of the wrong type, positions and
    URIs out of range, keys dropped, messages repeated or reordered) and then its bytes mutated,
    fed to a fresh server in process through the same reader and protocol ``hvlint-lsp`` uses:
    no exception reaches pygls (no handler error, no log record with a traceback, no
    multi-line record), every frame the server writes is valid, and every job ends.

Bounded in CI: ``HVLINT_FUZZ_EXAMPLES`` examples per target (default 100). For a longer run:
``python tests/test_fuzz.py --seconds 600 [--target engine|patches|gate]``, which keeps
drawing fresh random examples until the time is up and stops at the first failure (hypothesis
prints the shrunk input).
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_inputs import ARM64_TLFS, BAD_CALL, HV_C, X86_TLFS, check_patch_reader, write_tree  # noqa: E402

from lsp_inprocess import run_session  # noqa: E402

from hvlint import cli  # noqa: E402
from hvlint.config import Settings  # noqa: E402
from hvlint.engine import Linter  # noqa: E402
from hvlint.tree.walk import decode  # noqa: E402

EXAMPLES = int(os.environ.get("HVLINT_FUZZ_EXAMPLES", "100"))

C_SEEDS = [
    X86_TLFS.encode(),
    ARM64_TLFS.encode(),
    HV_C.encode(),
    (
        "#if defined(CONFIG_X86)\n#define HV_SYN_REG_SCONTROL\tHV_X64_MSR_SCONTROL\n"
        "#elif defined(CONFIG_ARM64)\n#define HV_SYN_REG_SCONTROL\tHV_REGISTER_SCONTROL\n#endif\n"
        "enum hv_register_name {\n\tHV_REGISTER_VP_INDEX = 0x00090003,\n\tHV_REGISTER_EOM,\n};\n"
        "static inline void f(void)\n{\n\t/* hv_set_register(HV_REGISTER_EOM, 0); */\n"
        '\tconst char *s = "HV_REGISTER_EOM";\n\thv_set_register(HV_SYN_REG_SCONTROL,\n'
        "\t\t\t(u64)BIT(3) | 0x1ULL); // hvlint-ignore: HV103\n}\n"
    ).encode(),
]


def _mail(n: int, total: int, path: str, added: str) -> str:
    return (
        f"From {n:040x} Mon Sep 17 00:00:00 2001\n"
        "From: A Tester <tester@example.org>\n"
        f"Subject: [PATCH {n}/{total}] hv: change {n}\n\n"
        "Body text.\n\n"
        "Signed-off-by: A Tester <tester@example.org>\n"
        "---\n"
        f" {path} | 2 +-\n\n"
        f"diff --git a/{path} b/{path}\n"
        "index 1111111..2222222 100644\n"
        f"--- a/{path}\n"
        f"+++ b/{path}\n"
        "@@ -5,4 +5,4 @@ void hv_synic_enable_regs(unsigned int cpu)\n"
        " {\n"
        " \tu64 sctrl = 1;\n"
        f"-\thv_set_register(HV_SYN_REG_SCONTROL, sctrl);\n"
        f"+\t{added}\n"
        " }\n"
        "-- \n2.40.0\n\n"
    )


PATCH_SEEDS = [
    _mail(1, 1, "drivers/hv/hv.c", BAD_CALL).encode(),
    (
        _mail(1, 2, "drivers/hv/hv.c", BAD_CALL)
        + _mail(2, 2, "drivers/hv/hv.c", "wrmsrl(HV_X64_MSR_SCONTROL, 0);")
    ).encode(),
    (
        "diff --git a/drivers/hv/new.c b/drivers/hv/new.c\nnew file mode 100644\n--- /dev/null\n"
        "+++ b/drivers/hv/new.c\n@@ -0,0 +1,3 @@\n+void f(void)\n+{\n+\t" + BAD_CALL + "\n"
    ).encode(),
]

TOKENS = [
    b"\n",
    b"\r\n",
    b"\r",
    b"\0",
    b"\\\n",
    b"/*",
    b"*/",
    b"//",
    b'"',
    b"'",
    b"(",
    b")",
    b"{",
    b"}",
    b",",
    b";",
    b"#if defined(CONFIG_X86)\n",
    b"#else\n",
    b"#endif\n",
    b"#define HV_REGISTER_X ",
    b"enum {",
    b"hv_set_register(",
    b"HV_REGISTER_SCONTROL",
    b"HV_SYN_REG_",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\n@@ -1,3 +1,4 @@\n",
    b"\n@@ -0,0 +0,1 @@\n",
    b"\n+",
    b"\n-",
    b"\n ",
    b"\n\\ No newline at end of file\n",
    b"\ndiff --git a/x.c b/x.c\n",
    b"\n--- a/",
    b"\n+++ b/",
    b"../../",
    b"/etc/passwd",
    b"\nFrom ",
    b"\nSubject: [PATCH 9/1] ",
    b"\nrename from ",
    b"\nGIT binary patch\n",
    b"\n-- \n",
    b"0",
    b"-1",
    b"99999",
    b"1099511627776",
]


@st.composite
def mutated(draw, seeds: List[bytes]) -> bytes:
    """A seed with a few random edits."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["insert", "token", "delete", "duplicate", "flip", "truncate"]))
        pos = draw(st.integers(0, len(data)))
        if op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "token":
            data[pos:pos] = draw(st.sampled_from(TOKENS)) * draw(st.integers(1, 3))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "duplicate":
            end = min(len(data), pos + draw(st.integers(1, 200)))
            data[end:end] = data[pos:end] * draw(st.integers(1, 4))
        elif op == "flip" and data:
            data[min(pos, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del data[pos:]
    return bytes(data)


def fuzz_engine(data: bytes, path: str) -> None:
    """Target: decode like the CLI does, then lint."""
    source = decode(data)
    if source.text is None:
        return
    result = Linter(Settings(strict=True), None).lint_text(path, source.text)
    assert all(f.line >= 1 and f.column >= 1 for f in result.findings), result.findings


def fuzz_patch_reader(data: bytes) -> None:
    """Target: read a series or say why in one line."""
    check_patch_reader(data)


_WORK = tempfile.mkdtemp(prefix="hvlint-fuzz-")
atexit.register(shutil.rmtree, _WORK, True)
_TREE = write_tree(Path(_WORK) / "linux")


def fuzz_gate(data: bytes, with_tree: bool) -> None:
    """Target: the whole patch gate in-process, as ``hvlint --patch -``."""
    argv = ["--format", "json", "--patch", "-"] + (
        ["--root", str(_TREE)] if with_tree else ["--no-tree"]
    )
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    out, err = io.StringIO(), io.StringIO()
    try:
        rc = cli.run(argv, stdin, out, err)
    except (cli.UsageError, cli.ConfigError):  # cli.main turns these into one line, exit 2
        return
    assert rc in (0, 1, 2), (rc, err.getvalue())
    if rc in (0, 1) and out.getvalue().strip():
        for f in json.loads(out.getvalue()).get("findings", []):
            assert f["line"] >= 1, f


_LSP_ROOT = _TREE.as_uri()
_LSP_HV_C = (_TREE / "drivers/hv/hv.c").as_uri()
_LSP_X86 = (_TREE / "arch/x86/include/asm/hyperv-tlfs.h").as_uri()
_POS = {"line": 6, "character": 20}
_RANGE = {"start": {"line": 6, "character": 17}, "end": {"line": 6, "character": 37}}


def _lsp_session() -> List[dict]:
    """A realistic session against the fuzz tree: what an editor sends, in order."""
    doc = {"uri": _LSP_HV_C}
    return [
        {
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": _LSP_ROOT,
                "capabilities": {
                    "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}
                },
                "workspaceFolders": [{"uri": _LSP_ROOT, "name": "linux"}],
                "initializationOptions": {"hvlint": {"debounceMs": 0, "scheme": "auto"}},
            },
        },
        {"method": "initialized", "params": {}},
        {
            "method": "textDocument/didOpen",
            "params": {"textDocument": {**doc, "languageId": "c", "version": 1, "text": HV_C}},
        },
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": _LSP_X86, "languageId": "c", "version": 1, "text": X86_TLFS}
            },
        },
        {
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {**doc, "version": 2},
                "contentChanges": [{"range": _RANGE, "text": "HV_SYN_REG_SCONTROL"}],
            },
        },
        {
            "id": 2,
            "method": "textDocument/hover",
            "params": {"textDocument": doc, "position": _POS},
        },
        {
            "id": 3,
            "method": "textDocument/codeAction",
            "params": {
                "textDocument": {"uri": _LSP_X86},
                "range": {
                    "start": {"line": 5, "character": 0},
                    "end": {"line": 5, "character": 40},
                },
                "context": {"diagnostics": []},
            },
        },
        {
            "id": 4,
            "method": "codeAction/resolve",
            "params": {
                "title": "hvlint: rename",
                "data": {
                    "uri": _LSP_X86,
                    "name": "HV_REGISTER_SCONTROL",
                    "new": "HV_X64_MSR_SCONTROL",
                    "everywhere": True,
                },
            },
        },
        {
            "method": "workspace/didChangeConfiguration",
            "params": {"settings": {"hvlint": {"strict": True}}},
        },
        {
            "method": "workspace/didChangeWatchedFiles",
            "params": {"changes": [{"uri": _LSP_X86, "type": 2}]},
        },
        {"method": "textDocument/didSave", "params": {"textDocument": doc}},
        {"method": "textDocument/didClose", "params": {"textDocument": doc}},
        {"id": "stray", "result": {"applied": True}},  # a response to nothing the server asked
        {"id": 5, "method": "shutdown"},
        {"method": "exit"},
    ]


_URIS = [
    "untitled:Untitled-1",
    "file:///",
    "file:///etc/passwd",
    "file:///tmp/a%00b.c",
    "file://host/share/x.c",
    "file:" + "/a" * 3000 + ".c",
    "git:/x.c?ref=HEAD",
    "",
    "%%%",
    _LSP_ROOT + "/../../x.c",
    _LSP_ROOT + "/drivers/hv/missing.c",
]
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.sampled_from([-1, 0, 1, 2**31, 2**63, -(2**63), 10**30, 0.5, float("1e308")])
    | st.sampled_from(_URIS)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value, prefix=()):
    """Every (path, value) inside a JSON value."""
    yield prefix, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _set(message, path, new):
    if not path:
        return new
    parent = message
    for key in path[:-1]:
        parent = parent[key]
    if new is _DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return message


_DROP = object()


@st.composite
def lsp_stream(draw) -> bytes:
    """A session with mutated messages, framed, then maybe with its bytes mutated too."""
    messages = [dict(m, jsonrpc="2.0") for m in _lsp_session()]
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["value", "drop", "repeat", "move"]))
        i = draw(st.integers(0, len(messages) - 1))
        if op in ("value", "drop"):
            paths = [p for p, _v in _paths(messages[i]) if p and p[0] != "jsonrpc" or op == "value"]
            path = draw(st.sampled_from(paths)) if paths else ()
            if op == "drop" and not path:
                continue
            new = _DROP if op == "drop" else draw(_JSON)
            messages[i] = _set(json.loads(json.dumps(messages[i])), path, new)
        elif op == "repeat":
            messages.insert(i, json.loads(json.dumps(messages[i])))
        else:
            messages.insert(draw(st.integers(0, len(messages) - 1)), messages.pop(i))
    bodies = [
        json.dumps(m, allow_nan=False).encode() if not isinstance(m, bytes) else m for m in messages
    ]
    data = b"".join(b"Content-Length: %d\r\n\r\n" % len(b) + b for b in bodies)
    if draw(st.booleans()):
        data = draw(mutated([data]))
    return data


def fuzz_lsp(data: bytes) -> None:
    """Target: the server's message handling, in process, from raw client bytes."""
    out = run_session(data, max_bytes=4096)
    assert not out.server_errors, out.server_errors
    tracebacks = [r for r in out.records if r.exc_info or "\n" in r.getMessage()]
    assert not tracebacks, [r.getMessage()[:500] for r in tracebacks]
    assert not out.unsettled, "a job of the server never ended"
    for message in out.frames():
        assert message.get("jsonrpc") == "2.0", message


PATHS = st.sampled_from(
    ["drivers/hv/hv.c", "arch/x86/include/asm/hyperv-tlfs.h", "include/asm-generic/x.h"]
)
TARGETS: Dict[str, Callable] = {
    "engine": lambda: given(mutated(C_SEEDS), PATHS)(fuzz_engine),
    "patches": lambda: given(st.one_of(mutated(PATCH_SEEDS), mutated(C_SEEDS)))(fuzz_patch_reader),
    "gate": lambda: given(mutated(PATCH_SEEDS), st.booleans())(fuzz_gate),
    "lsp": lambda: given(lsp_stream())(fuzz_lsp),
}


def _bounded(target: str, examples: int) -> Callable:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(TARGETS[target]())


def test_fuzz_engine() -> None:
    _bounded("engine", EXAMPLES)()


def test_fuzz_patch_reader() -> None:
    _bounded("patches", EXAMPLES)()


def test_fuzz_gate() -> None:
    _bounded("gate", max(10, EXAMPLES // 2))()


def test_fuzz_lsp() -> None:
    _bounded("lsp", max(10, EXAMPLES // 2))()


def main(argv: List[str] = None) -> int:
    """Run the fuzz targets with fresh random examples until the time budget is spent."""
    ap = argparse.ArgumentParser(description="time-bounded fuzzing of hvlint's readers")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--target", choices=sorted(TARGETS), action="append")
    args = ap.parse_args(argv)
    targets = args.target or sorted(TARGETS)
    deadline = time.monotonic() + args.seconds
    rounds = 0
    while time.monotonic() < deadline:
        for target in targets:
            _bounded(target, 50)()
        rounds += 1
    print(f"fuzzed {', '.join(targets)}: {rounds} rounds of 50 examples each, no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
