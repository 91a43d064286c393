"""The language server survives a bad client (issue 14): raw bytes on a real stdio pipe.

Each test starts ``python -m hvlint.lsp`` as a subprocess, initializes it on a copy of the
kernel-shaped test tree, writes what a broken or hostile client might write, and then checks
that (a) the server still answers and still lints correctly, or ends cleanly when the input
ends, (b) stderr holds one-line log records only (never a traceback), and (c) the one line
says what was refused.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lsp_harness import RawSession, copy_tree, frame

HV_C = "drivers/hv/hv.c"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (ERROR|WARNING|INFO) [\w.]+: ")


def one_line_records(stderr: str) -> None:
    """Every line of stderr is one log record: no traceback, no continuation lines."""
    assert "Traceback" not in stderr, stderr
    for line in stderr.splitlines():
        assert LOG_LINE.match(line), f"not a one-line log record: {line!r}\n{stderr}"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_tree(tmp_path)


@pytest.fixture
def session(tree: Path):
    raw = RawSession()
    raw.initialize(tree)
    yield raw
    if raw.proc.poll() is None:
        raw.proc.kill()
        raw.proc.wait()


def still_serving(session: RawSession, tree: Path) -> None:
    """The server answers a request and lints a file the way it always does."""
    uri = (tree / HV_C).as_uri()
    session.open(uri, (tree / HV_C).read_text())
    diags = session.diagnostics(uri, lambda d: len(d) == 2, "two findings")
    assert {d["code"] for d in diags} == {"GENERIC_REG_PREFIX"}
    hover = session.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": diags[0]["range"]["start"]},
    )
    assert hover["result"]["contents"]["value"].startswith("# HV103 GENERIC_REG_PREFIX")


BAD_FRAMES = {
    "absurd Content-Length": (
        b"Content-Length: 99999999999\r\n\r\n{}",
        "refused a message of 99999999999 bytes (the limit is 64 MiB)",
    ),
    "no header at all": (
        b'{"jsonrpc": "2.0", "id": 77, "method": "shutdown"}\r\n\r\n',
        "bytes that were not a message",
    ),
    "misspelt header": (b"Content-Lenght: 2\r\n\r\n{}", "bytes that were not a message"),
    "length that is not a number": (
        b"Content-Length: twelve\r\n\r\n{}",
        "bytes that were not a message",
    ),
    "length with 5000 digits": (
        b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n",
        "bytes that were not a message",
    ),
    "a 1 MB line without a newline first": (b"x" * 1_000_000, "bytes that were not a message"),
    "header block without Content-Length": (
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
        "message header without a Content-Length",
    ),
    "malformed JSON": (frame(b'{"jsonrpc": "2.0", "id": 5,'), "not JSON"),
    "not UTF-8": (frame(b'{"jsonrpc": "2.0", "method": "\xff\xfe"}'), "not JSON"),
    "JSON nested 100,000 deep": (frame(b"[" * 100_000 + b"]" * 100_000), "nested too deeply"),
    "a JSON array (a batch)": (
        frame(b'[{"jsonrpc": "2.0", "id": 9, "method": "shutdown"}]'),
        "a JSON list, not a message object",
    ),
    "a JSON number": (frame(b"42"), "a JSON int, not a message object"),
    "an object without jsonrpc": (frame(b'{"hello": "world"}'), "not a JSON-RPC 2.0 message"),
    "a notification with a numeric method": (
        frame({"jsonrpc": "2.0", "method": 12}),
        "method is not a string",
    ),
    "unknown notification": (
        frame({"jsonrpc": "2.0", "method": "$/hvlint/nothing", "params": {}}),
        "",
    ),
    "didChange of a document never opened": (
        frame(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": "file:///nowhere/drivers/hv/x.c", "version": 2},
                    "contentChanges": [{"text": "hv_set_register(HV_REGISTER_EOM, 0);"}],
                },
            }
        ),
        "didChange for file:///nowhere/drivers/hv/x.c, which is not open: ignored",
    ),
    "didOpen with params of the wrong type": (
        frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 3}}),
        "refused a message: textDocument/didOpen: ",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FRAMES))
def test_bad_frame_is_refused_and_the_server_keeps_serving(session, tree, name):
    data, logged = BAD_FRAMES[name]
    session.send_bytes(data)
    still_serving(session, tree)
    rc, stderr = session.close()
    assert rc == 0
    one_line_records(stderr)
    assert logged in stderr


def test_oversized_message_is_skipped_whole(session, tree):
    """A real 65 MiB message (over the limit) followed at once by the next frame, with no
    newline between them: the big one is refused, the next one is read."""
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": (tree / "drivers/hv/huge.c").as_uri(),
                    "languageId": "c",
                    "version": 1,
                    "text": "int x;\n" * (65 * 1024 * 1024 // 8),
                }
            },
        }
    ).encode()
    assert len(body) > 64 * 1024 * 1024
    session.send_bytes(frame(body))
    still_serving(session, tree)
    rc, stderr = session.close()
    assert rc == 0
    one_line_records(stderr)
    assert f"refused a message of {len(body)} bytes" in stderr
    # Nothing was published for the refused document.
    assert not [m for m in session.seen if "huge.c" in json.dumps(m.get("params", ""))]


def test_request_with_wrong_types_gets_an_error_answer(session, tree):
    answer = session.request(
        "textDocument/hover",
        {"textDocument": 5, "position": {"line": 0, "character": 0}},
    )
    assert answer["error"]["code"] == -32602  # Invalid Params, for this request's id
    assert "$.params.text_document" in answer["error"]["message"]
    answer = session.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": (tree / HV_C).as_uri()},
            "range": {"start": {"line": -1, "character": 0}, "end": "soon"},
            "context": {"diagnostics": []},
        },
    )
    assert answer["error"]["code"] == -32602
    still_serving(session, tree)
    rc, stderr = session.close()
    assert rc == 0
    one_line_records(stderr)


def test_message_that_is_not_jsonrpc_gets_an_error_answer(session, tree):
    session.send({"jsonrpc": "1.0", "id": 41, "method": "textDocument/hover", "params": {}})
    session.send({"id": 42, "method": "textDocument/hover"})
    for msg_id in (41, 42):
        answer = session.wait(lambda m, i=msg_id: m.get("id") == i, f"answer {msg_id}")
        assert answer["error"]["code"] == -32600  # Invalid Request
    still_serving(session, tree)
    rc, stderr = session.close()
    assert rc == 0
    one_line_records(stderr)


@pytest.mark.parametrize(
    "tail",
    [
        b"Content-Length: 500\r\n\r\n" + b'{"jsonrpc": "2.0", "method"',
        b"Content-Length: 500\r\n",
        b"Content-Le",
    ],
    ids=["body cut short", "headers cut short", "header line cut short"],
)
def test_input_ending_inside_a_message_ends_the_session_cleanly(session, tree, tail):
    session.send_bytes(tail)
    rc, stderr = session.close(shutdown=False)
    assert rc == 1  # exit without shutdown, as the LSP specification says; no crash
    one_line_records(stderr)
    assert "the client closed the connection inside a message" in stderr


def test_uris_the_server_cannot_read(session, tree, tmp_path):
    """Documents that are not files of the workspace get the rules that need no tree, no
    tree-wide fix and no config edit, and never an error."""
    text = (tree / HV_C).read_text()
    outside = tmp_path / "elsewhere" / "drivers" / "hv" / "hv.c"
    outside.parent.mkdir(parents=True)
    outside.write_text(text)
    # A copy of the tree's x86 header outside the workspace: it defines HV_REGISTER_SCONTROL,
    # but its rename must not reach into the workspace.
    x86 = "arch/x86/include/asm/hyperv-tlfs.h"
    outside_header = tmp_path / "elsewhere" / x86
    outside_header.parent.mkdir(parents=True)
    outside_header.write_text((tree / x86).read_text())
    # VS Code's diff view: not named like a C file (the query follows), so not checked at all.
    ignored = "git:/linux/drivers/hv/hv.c?%7B%22ref%22%3A%22HEAD%22%7D"
    session.open(ignored, text)
    uris = [
        "untitled:Untitled-1",
        "https://example.invalid/drivers/hv/hv.c",
        "file:///tmp/a%00b.c",
        outside.as_uri(),
    ]
    for uri in uris:
        session.open(uri, text)
    session.open(outside_header.as_uri(), outside_header.read_text())
    uris.append(outside_header.as_uri())
    for uri in uris:
        session.diagnostics(uri, lambda d: True, "published")
        actions = session.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {
                    "start": {"line": 0, "character": 0},
                    "end": {"line": 30, "character": 0},
                },
                "context": {"diagnostics": []},
            },
        )
        assert "error" not in actions, actions
        titles = [a["title"] for a in actions["result"] or []]
        assert not [t for t in titles if "in the tree" in t or "ignore" in t], (uri, titles)
    # The files outside the workspace are a shared driver and an x86 header by their paths:
    # the rules that need no tree still run, and their fixes stay in the file.
    assert len(session.diagnostics(outside.as_uri(), lambda d: True, "published")) == 2
    header_diags = session.diagnostics(outside_header.as_uri(), lambda d: True, "published")
    assert [d["code"] for d in header_diags] == ["HV_REGISTER_MSR"]
    still_serving(session, tree)
    assert not [m for m in session.seen if ignored in json.dumps(m)]
    rc, stderr = session.close()
    assert rc == 0
    one_line_records(stderr)
    assert not (tree / ".hvlint.toml").exists()


def test_positions_beyond_the_end(session, tree):
    uri = (tree / HV_C).as_uri()
    session.open(uri, (tree / HV_C).read_text())
    session.diagnostics(uri, lambda d: len(d) == 2, "two findings")
    far = {"line": 10**9, "character": 10**9}
    hover = session.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": far})
    assert hover == {"jsonrpc": "2.0", "id": hover["id"], "result": None}
    actions = session.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {"start": far, "end": far},
            "context": {"diagnostics": []},
        },
    )
    assert actions["result"] is None
    # An edit past the end of the buffer is taken as pygls takes it, and linted.
    session.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [
                {"range": {"start": far, "end": far}, "text": "\nvoid f(void) {}\n"},
            ],
        },
    )
    session.diagnostics(uri, lambda d: len(d) == 2, "still two findings")
    rc, stderr = session.close()
    assert rc == 0
    one_line_records(stderr)


def test_workspace_path_with_spaces(tmp_path):
    """Editors percent-encode the URI of a path with a space; the document is still found."""
    root = copy_tree(tmp_path / "my trees")
    session = RawSession()
    session.initialize(root)
    uri = (root / HV_C).as_uri()
    assert "%20" in uri
    session.open(uri, (root / HV_C).read_text())
    session.diagnostics(uri, lambda d: len(d) == 2, "two findings")
    rc, stderr = session.close()
    assert rc == 0
    one_line_records(stderr)


def test_commands_and_resolve_with_bad_arguments(session, tree):
    """Arguments of a command or a code action's data come back from the client: wrong ones
    get an error answer or nothing done, and never a traceback."""
    for params, code in (
        ({"command": "hvlint.ignoreInFile", "arguments": [1]}, -32602),
        ({"command": "no.such.command", "arguments": []}, -32602),
    ):
        answer = session.request("workspace/executeCommand", params)
        assert answer["error"]["code"] == code, answer
    answer = session.request(
        "codeAction/resolve",
        {"title": "hvlint: rename", "data": {"uri": None, "name": 3, "new": "HV_X"}},
    )
    assert "edit" not in answer["result"], answer  # handed back as it came, no edit made
    still_serving(session, tree)
    rc, stderr = session.close()
    assert rc == 0
    one_line_records(stderr)
    assert "refused request" in stderr and "no command 'no.such.command'" in stderr


def test_shutdown_while_a_request_is_running(session, tree):
    """pygls' own shutdown fails (a traceback, and an error for the shutdown) when a command is
    still running; the server's cancels it first, answered Request Cancelled."""
    uri = (tree / HV_C).as_uri()
    session.open(uri, (tree / HV_C).read_text())
    session.diagnostics(uri, lambda d: len(d) == 2, "two findings")
    session.send(
        {
            "jsonrpc": "2.0",
            "id": 61,
            "method": "workspace/executeCommand",
            "params": {
                "command": "hvlint.renameInTree",
                "arguments": [uri, "HV_REGISTER_SCONTROL", "HV_SYN_REG_SCONTROL"],
            },
        }
    )
    # The command waits for the client to apply its edit; this client never answers.
    session.wait(lambda m: m.get("method") == "workspace/applyEdit", "the edit to apply")
    answer = session.request("shutdown")
    assert answer.get("result", "error") is None, answer
    cancelled = session.wait(lambda m: m.get("id") == 61, "the command's answer")
    assert cancelled["error"]["code"] == -32800, cancelled
    rc, stderr = session.close(shutdown=False)
    one_line_records(stderr)


# -- FrameReader on its own: the framing cases a pipe test cannot aim at exactly -------------


def frames_read(data: bytes, max_bytes: int = 1 << 20) -> list:
    """The bodies FrameReader hands to pygls for ``data``, read the way pygls reads."""
    import io

    from hvlint.lsp.rpc import FrameReader

    reader, out = FrameReader(io.BytesIO(data), max_bytes=max_bytes), []
    while True:
        header = reader.readline()
        if not header:
            return out
        assert header.startswith(b"Content-Length: ") and reader.readline() == b"\r\n"
        out.append(json.loads(reader.read(int(header.split(b":")[1]))))


MSG = {"jsonrpc": "2.0", "method": "initialized", "params": {}}


@pytest.mark.parametrize(
    "data",
    [
        frame(MSG) + frame(MSG),
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + frame(MSG) + frame(MSG),
        b"content-length:  %d \n\n" % len(json.dumps(MSG)) + json.dumps(MSG).encode() + frame(MSG),
        b"\r\n\r\n" + frame(MSG) + b"\r\n" + frame(MSG),
        # Skipping garbage: the next header closes a long line, or straddles a read.
        b"g" * 20_000 + frame(MSG) + frame(MSG),
        b"g" * (8 * 1024 - 5) + frame(MSG) + frame(MSG),
        frame(b"[1, 2]") + frame(MSG) + frame(b"{") + frame(MSG),
        # Over the limit: refused unread, the next message found right after its body.
        frame(
            {"jsonrpc": "2.0", "method": "x", "params": {"pad": "p" * 3000}},
        )
        + frame(MSG)
        + frame(MSG),
    ],
    ids=[
        "plain",
        "content-type first",
        "lower case, LF only",
        "blank lines between",
        "20 kB of garbage first",
        "garbage up to a read boundary",
        "bad bodies between",
        "a message over the limit",
    ],
)
def test_frame_reader_finds_every_good_message(data):
    assert frames_read(data, max_bytes=2048) == [MSG, MSG]


def test_frame_reader_ends_on_a_failing_stream(caplog):
    from hvlint.lsp.rpc import FrameReader

    class Broken:
        def readline(self, limit: int) -> bytes:
            raise OSError(5, "Input/output error")

    assert FrameReader(Broken()).readline() == b""
    assert "cannot read from the client: [Errno 5] Input/output error" in caplog.text
