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
# A wait for the server is a wait for a message; this limit only turns a hang into a failure.
TIMEOUT = 90.0
_EXPECT = re.compile(r"/\* expect: ([A-Z0-9_, ]+) \*/")


def server_config() -> ClientServerConfig:
    """Start the server like an editor does: ``python -m hvlint.lsp``, this checkout's hvlint."""
    env = dict(os.environ)
    package_parent = str(Path(hvlint.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    return ClientServerConfig(
        server_command=[sys.executable, "-m", "hvlint.lsp", "-v"], server_env=env
    )


def copy_tree(dest: Path) -> Path:
    """A private copy of the kernel-shaped test tree (tests edit files in it)."""
    root = dest / "linux"
    shutil.copytree(TREE, root)
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
