"""Helpers for the language server's end-to-end tests: a workspace, a session, waiting.

The server runs as a real subprocess (``python -m hvlint.lsp``) and is driven by
pytest-lsp's client over stdio. Nothing here sleeps: every wait is for a notification from
the server (diagnostics, progress), with a generous time limit for slow CI machines.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple, Union

import hvlint
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

TREE = Path(__file__).parent / "data" / "lsp" / "tree"
# The same shape in the v6.1 layout: HV_REGISTER_* MSRs on x86, no synthetic alias anywhere.
TREE61 = Path(__file__).parent / "data" / "lsp" / "tree61"
# A wait for the server is a wait for a message; this limit only turns a hang into a failure
# (HVLINT_LSP_TIMEOUT shortens it, to see a test fail fast).
TIMEOUT = float(os.environ.get("HVLINT_LSP_TIMEOUT", "90"))
_EXPECT = re.compile(r"/\* expect: ([A-Z0-9_, ]+) \*/")


def server_config() -> ClientServerConfig:
    """Start the server like an editor does: ``python -m hvlint.lsp``, this checkout's hvlint."""
    env = dict(os.environ)
    package_parent = str(Path(hvlint.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    return ClientServerConfig(
        server_command=[sys.executable, "-m", "hvlint.lsp", "-v"], server_env=env
    )


def copy_tree(dest: Path, tree: Path = TREE) -> Path:
    """A private copy of a kernel-shaped test tree (tests edit files in it)."""
    root = dest / "linux"
    shutil.copytree(tree, root)
    return root


def expected(text: str) -> Set[Tuple[int, str]]:
    """(0-based line, TYPE) for every ``/* expect: TYPE */`` marker in ``text``."""
    out = set()
    for n, line in enumerate(text.split("\n")):
        m = _EXPECT.search(line)
        if m:
            out.update((n, t.strip()) for t in m.group(1).split(",") if t.strip())
    return out


def got(diagnostics: Sequence[types.Diagnostic]) -> Set[Tuple[int, str]]:
    """(0-based line, code) of diagnostics, to compare with ``expected``."""
    return {(d.range.start.line, str(d.code)) for d in diagnostics}


def read_commands_as_the_spec_says(client: LanguageClient) -> None:
    """Tell a code action from a command the way editors do: by whether ``command`` is a string.

    lsprotocol's client-side reading takes any object with a ``command`` key for a Command, so
    a CodeAction that carries a command (the server's fallback for some editors) would arrive
    mangled.
    """
    converter = client.protocol._converter

    def structure(obj: dict, _: object) -> "types.Command | types.CodeAction":
        kind = types.Command if isinstance(obj.get("command"), str) else types.CodeAction
        return converter.structure(obj, kind)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)


async def start(
    client: LanguageClient,
    root: Optional[Path],
    options: Optional[dict] = None,
    editor: str = "visual-studio-code",
) -> types.InitializeResult:
    """``initialize``/``initialized`` with a real editor's capabilities, ``root`` the workspace."""
    read_commands_as_the_spec_says(client)
    params = types.InitializeParams(
        capabilities=client_capabilities(editor),
        initialization_options=options,
    )
    if root is not None:
        params.root_uri = root.as_uri()
        params.workspace_folders = [types.WorkspaceFolder(uri=root.as_uri(), name=root.name)]
    return await client.initialize_session(params)


def open_doc(
    client: LanguageClient, path: Path, text: Optional[str] = None, version: int = 1
) -> str:
    """didOpen for ``path`` (its text on disk unless given); returns its URI."""
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="c",
                version=version,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


def change_doc(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """didChange replacing the whole buffer (an editor with full sync)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def edit_range(
    client: LanguageClient, uri: str, version: int, line: int, start: int, end: int, new: str
) -> None:
    """didChange replacing one range of one line (an editor with incremental sync)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=line, character=start),
                        end=types.Position(line=line, character=end),
                    ),
                    text=new,
                )
            ],
        )
    )


async def wait_diagnostics(
    client: LanguageClient,
    uri: str,
    predicate: Callable[[Sequence[types.Diagnostic]], bool],
    what: str = "",
) -> List[types.Diagnostic]:
    """Wait until the diagnostics published for ``uri`` satisfy ``predicate``."""

    async def until() -> List[types.Diagnostic]:
        while True:
            current = client.diagnostics.get(uri)
            if current is not None and predicate(current):
                return list(current)
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    try:
        return await asyncio.wait_for(until(), TIMEOUT)
    except asyncio.TimeoutError:
        last = client.diagnostics.get(uri)
        seen = sorted(got(last)) if last is not None else "nothing"
        raise AssertionError(
            f"diagnostics for {uri} never became {what or 'as expected'}; last: {seen}"
        ) from None


async def wait_index(client: LanguageClient) -> List[object]:
    """Wait for the end of the server's indexing progress; returns that token's reports."""

    def done() -> Optional[List[object]]:
        for token, reports in client.progress_reports.items():
            if str(token).startswith("hvlint-index") and any(
                isinstance(r, types.WorkDoneProgressEnd) for r in reports
            ):
                return reports
        return None

    async def until() -> List[object]:
        while (reports := done()) is None:
            await client.wait_for_notification(types.PROGRESS)
        return reports

    return await asyncio.wait_for(until(), TIMEOUT)


def apply_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply LSP text edits (single-line ranges, ASCII text) to ``text``, as an editor would."""
    lines = text.split("\n")
    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        s, e = edit.range.start, edit.range.end
        head = "\n".join(lines[: s.line]) + ("\n" if s.line else "") + lines[s.line][: s.character]
        tail = (
            lines[e.line][e.character :]
            + ("\n" if e.line + 1 < len(lines) else "")
            + "\n".join(lines[e.line + 1 :])
        )
        lines = (head + edit.new_text + tail).split("\n")
    return "\n".join(lines)


def edits_by_uri(edit: types.WorkspaceEdit) -> Dict[str, List[types.TextEdit]]:
    """The text edits of a WorkspaceEdit per document, from ``changes`` or ``documentChanges``."""
    out: Dict[str, List[types.TextEdit]] = {}
    for uri, edits in (edit.changes or {}).items():
        out.setdefault(uri, []).extend(edits)
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit):
            out.setdefault(change.text_document.uri, []).extend(change.edits)
    return out


class RawSession:
    """The server as a subprocess on pipes, fed raw bytes: what no well-behaved client sends.

    A thread reads the server's stdout frame by frame into a queue; ``stderr`` is collected
    whole at the end (``close``). Every wait is bounded by TIMEOUT.
    """

    def __init__(self) -> None:
        import queue
        import subprocess
        import threading

        config = server_config()
        self.proc = subprocess.Popen(
            config.server_command,
            env=config.server_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: "queue.Queue[Optional[dict]]" = queue.Queue()
        self.seen: List[dict] = []
        self._next_id = 1000
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._stderr: List[bytes] = []
        self._err_reader = threading.Thread(
            target=lambda: self._stderr.append(self.proc.stderr.read()), daemon=True
        )
        self._err_reader.start()

    def _read(self) -> None:
        import json

        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line == b"\r\n":
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put(json.loads(out.read(length)))

    # -- sending ----------------------------------------------------------------------------

    def send_bytes(self, data: bytes) -> None:
        """Write ``data`` to the server's stdin as it is."""
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict) -> None:
        """Send one well-formed frame."""
        self.send_bytes(frame(message))

    def request(self, method: str, params: object = None) -> dict:
        """Send a request and wait for its response (a dict with ``result`` or ``error``)."""
        self._next_id += 1
        msg_id = self._next_id
        message = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.wait(lambda m: m.get("id") == msg_id and "method" not in m, f"answer {msg_id}")

    def notify(self, method: str, params: object) -> None:
        """Send a notification."""
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    # -- receiving --------------------------------------------------------------------------

    def wait(self, predicate: Callable[[dict], bool], what: str) -> dict:
        """The first message (seen before or arriving within TIMEOUT) that satisfies ``predicate``."""
        import queue
        import time

        for m in self.seen:
            if predicate(m):
                return m
        deadline = time.monotonic() + TIMEOUT
        while True:
            left = deadline - time.monotonic()
            try:
                m = self.messages.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise AssertionError(f"no {what} within {TIMEOUT}s") from None
            if m is None:
                raise AssertionError(f"the server closed stdout before {what}")
            self.seen.append(m)
            if predicate(m):
                return m

    def diagnostics(self, uri: str, predicate: Callable[[list], bool], what: str) -> list:
        """Wait until the diagnostics published for ``uri`` satisfy ``predicate``."""

        def latest(m: dict) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            if m["params"]["uri"] != uri:
                return False
            last = [
                x["params"]["diagnostics"]
                for x in self.seen
                if x.get("method") == "textDocument/publishDiagnostics"
                and x["params"]["uri"] == uri
            ]
            return bool(last) and predicate(last[-1])

        return self.wait(latest, f"diagnostics for {uri} ({what})")["params"]["diagnostics"]

    # -- the session ------------------------------------------------------------------------

    def initialize(self, root: Optional[Path]) -> dict:
        """``initialize`` and ``initialized``, ``root`` the workspace folder."""
        params: dict = {"processId": None, "capabilities": {}}
        if root is not None:
            params["rootUri"] = root.as_uri()
            params["workspaceFolders"] = [{"uri": root.as_uri(), "name": root.name}]
        answer = self.request("initialize", params)
        self.notify("initialized", {})
        return answer

    def open(self, uri: str, text: str, version: int = 1) -> None:
        """didOpen of a C document."""
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "c", "version": version, "text": text}},
        )

    def close(self, shutdown: bool = True) -> Tuple[Optional[int], str]:
        """End the session (``shutdown``/``exit``, or just end of input); (exit code, stderr)."""
        import subprocess

        try:
            if shutdown:
                self.request("shutdown")
                self.notify("exit", None)
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the server is gone already: its exit code says how
        try:
            rc = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = None
        self._err_reader.join(TIMEOUT)
        return rc, b"".join(self._stderr).decode("utf-8", "replace")


def frame(message: "dict | bytes") -> bytes:
    """One LSP frame: a Content-Length header and the body (JSON for a dict)."""
    import json

    body = message if isinstance(message, bytes) else json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body
