"""The JSON-RPC boundary of the language server: what a client sends, before any handler sees it.

A client can send anything. Two pieces keep bad input from reaching pygls' own error paths (a
traceback on stderr, a MemoryError, a request left without an answer):

* ``FrameReader`` wraps the byte stream from the client (stdin). pygls reads through it
  (``LanguageServer.start_io(stdin=FrameReader(...))``, its public entry; pygls is not forked
  or patched), and it hands pygls only whole frames whose body is a JSON object. Header lines
  are read at most ``MAX_HEADER_LINE`` bytes at a time and a body is never longer than
  ``MAX_MESSAGE_BYTES``: a larger ``Content-Length`` is refused with one log line, and reading
  goes on from the next message header, as it does after bytes that are not a header at all.
  A body that is not JSON, or not an object, is dropped with one log line: it has no id to
  answer. End of input inside a message ends the session, with one log line.
* ``HvlintProtocol`` (pygls' ``LanguageServerProtocol``, subclassed) turns a message it cannot
  take into one log line and, for a request, an error response with the request's id (Invalid
  Request for a message that is not JSON-RPC 2.0, Invalid Params when its params do not have
  the types the method takes, Server Not Initialized before ``initialize``), instead of
  raising inside pygls' read loop; a command that does not exist or does not take the
  arguments given is answered the same way before pygls raises on it. A didChange for a
  document that was never opened is ignored with a log line. pygls' shutdown, which fails
  while other requests are still running, cancels them first.

This leans on pygls 2.x internals that a subclass may use (``structure_message`` is the JSON
object hook, ``_converter``, ``_result_types``, ``_request_futures``, ``_send_response``,
``_prepare_command_arguments``); pyproject.toml pins
``pygls>=2.0,<3`` and tests/test_lsp_robust.py drives every path over a real pipe.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, BinaryIO, Callable, Dict, Generator, List, Optional
from urllib.parse import unquote

import cattrs
from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import _prepare_command_arguments, lsp_method
from pygls.protocol.json_rpc import (
    JsonRPCNotification,
    JsonRPCRequestMessage,
    JsonRPCResponseMessage,
)

log = logging.getLogger("hvlint.lsp")

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_HEADER_LINE = 8 * 1024
_MIB = 1024 * 1024

# "Name: value" on one line; Content-Length's value is at most 20 digits (int() of a longer
# string can be refused by Python itself).
_HEADER = re.compile(rb"([A-Za-z0-9-]+):[ \t]*([^\r\n]*?)[ \t]*\r?\n")
_LENGTH = re.compile(rb"\d{1,20}")
# While skipping, the next message starts where a line ends in its Content-Length header (a
# frame follows the previous body without a newline, so the header may close a longer line).
_LENGTH_AT_END = re.compile(rb"Content-Length:[ \t]*(\d{1,20})[ \t]*\r?\n\Z", re.IGNORECASE)
_TAIL = 64  # bytes of the previous piece kept while skipping, for a header split across reads

PARSE_ERROR = types.ErrorCodes.ParseError
INVALID_REQUEST = types.ErrorCodes.InvalidRequest
INVALID_PARAMS = types.ErrorCodes.InvalidParams


def _mib(n: int) -> str:
    return f"{n / _MIB:.0f} MiB" if n >= _MIB else f"{n} bytes"


class FrameReader:
    """The client's byte stream, as whole, valid frames for pygls' reader.

    pygls calls ``readline`` until a blank line, then ``read(Content-Length)``; this hands it
    ``Content-Length: N``, a blank line and the body of the next good message, and ``b""``
    at the end of input. Runs on pygls' reader thread; it only reads and logs.
    """

    def __init__(self, raw: BinaryIO, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self._raw = raw
        self._max = max_bytes
        self._pending: List[bytes] = []
        self._skipping = False
        self._skipped = 0

    # -- what pygls calls -----------------------------------------------------------------

    def readline(self) -> bytes:
        """The next header line of a good message, its blank line, or b"" at the end."""
        if not self._pending:
            body = self._next_body()
            if body is None:
                return b""
            self._pending = [b"Content-Length: %d\r\n" % len(body), b"\r\n", body]
        return self._pending.pop(0)

    def read(self, n: int) -> bytes:
        """The body announced by the header just handed out (``n`` is its length)."""
        if not self._pending:
            return b""
        body = self._pending.pop(0)
        assert len(body) == n, (len(body), n)
        return body

    # -- framing --------------------------------------------------------------------------

    def _next_body(self) -> Optional[bytes]:
        """The body of the next message that is a JSON object (None at the end of input)."""
        while True:
            length = self._headers()
            if length is None:
                return None
            if length > self._max:
                log.error(
                    "refused a message of %d bytes (the limit is %s); reading on from the "
                    "next message header",
                    length,
                    _mib(self._max),
                )
                self._skipping = True
                continue
            body = self._read(lambda n=length: self._raw.read(n)) if length else b""
            if len(body) < length:
                log.error(
                    "the client closed the connection inside a message (%d of %d bytes); "
                    "ending the session",
                    len(body),
                    length,
                )
                return None
            problem = _not_an_object(body)
            if problem is None:
                return body
            log.error("dropped a message of %d bytes: %s", length, problem)

    def _headers(self) -> Optional[int]:
        """Read one header block; its Content-Length (None at the end of input)."""
        length: Optional[int] = None
        in_block = False
        tail = b""
        while True:
            line = self._read(lambda: self._raw.readline(MAX_HEADER_LINE))
            if not line:
                if in_block or self._skipped:
                    log.error("the client closed the connection inside a message header")
                return None
            if not self._skipping:
                if line in (b"\r\n", b"\n"):
                    if length is not None:
                        return length
                    if in_block:
                        log.error("skipped a message header without a Content-Length")
                        in_block = False
                    continue  # blank lines between messages do no harm
                header = _HEADER.fullmatch(line)
                value = header.group(2) if header else b""
                is_length = header is not None and header.group(1).lower() == b"content-length"
                if header is not None and (not is_length or _LENGTH.fullmatch(value)):
                    in_block = True
                    if is_length:
                        length = int(value)
                    continue
                # Not a header: skip to the next one, which may close this very line.
                self._skipping, length, in_block, tail = True, None, False, b""
            piece = tail + line
            found = _LENGTH_AT_END.search(piece) if line.endswith(b"\n") else None
            if found is None:
                self._skipped += len(line)
                tail = piece[-_TAIL:]
                continue
            self._skipped += max(0, len(line) - (len(piece) - found.start()))
            self._resynced()
            length, in_block = int(found.group(1)), True

    @staticmethod
    def _read(read: Callable[[], bytes]) -> bytes:
        """One read from the client; b"" (the end) when the stream fails."""
        try:
            return read()
        except (OSError, ValueError) as exc:  # EIO, a closed pipe, a closed file
            log.error("cannot read from the client: %s", _one_line(exc))
            return b""

    def _resynced(self) -> None:
        if self._skipped:
            log.error("skipped %d bytes that were not a message", self._skipped)
        self._skipping, self._skipped = False, 0


def _not_an_object(body: bytes) -> Optional[str]:
    """Why ``body`` cannot be a JSON-RPC message (None when it is a JSON object)."""
    try:
        value = json.loads(body)
    except RecursionError:
        return "JSON nested too deeply"
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        return f"not JSON ({_one_line(exc)})"
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__.replace('dict', 'object')}, not a message object"
    return None


def _one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _structure_error(exc: Exception) -> str:
    """cattrs' error as one line: each wrong field and what was wrong (``$.params.position``)."""
    try:
        parts = cattrs.transform_error(exc, path="$")
    except Exception:  # not a cattrs error
        parts = []
    return _one_line(ValueError("; ".join(parts))) if parts else _one_line(exc)


def _usable_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


class Rejected:
    """A message that cannot be handled: why, and the id to answer (None: nothing to answer)."""

    def __init__(self, msg_id: Any, code: int, reason: str) -> None:
        self.id = msg_id if _usable_id(msg_id) else None
        self.code = code
        self.reason = reason


def _shape_problem(data: Dict[str, Any]) -> Optional[str]:
    """What makes ``data`` not a JSON-RPC 2.0 request, notification or response."""
    if data.get("jsonrpc") != "2.0":
        return f"jsonrpc is {data.get('jsonrpc')!r}, not '2.0'"
    if "method" in data:
        if not isinstance(data["method"], str):
            return "method is not a string"
        if "id" in data and not _usable_id(data["id"]):
            return "id is neither a number nor a string"
        if "params" in data and not isinstance(data["params"], (dict, list, type(None))):
            return "params is neither an object nor an array"
        return None
    if "id" not in data or not ("result" in data or "error" in data):
        return "neither a request, a notification nor a response"
    if data["id"] is not None and not _usable_id(data["id"]):
        return "id is neither a number nor a string"
    return None


class HvlintProtocol(LanguageServerProtocol):
    """pygls' protocol, answering what it cannot take instead of raising in the read loop."""

    def structure_message(self, data: Dict[str, Any]) -> Any:
        """The object hook of pygls' JSON reader: a message object, or ``Rejected``.

        pygls calls it for every JSON object, innermost first; only those with a ``jsonrpc``
        key are messages. Unlike pygls' own, it never raises (and so never logs a traceback).
        """
        if "jsonrpc" not in data:
            return data
        problem = _shape_problem(data)
        if problem is not None:
            return Rejected(data.get("id"), INVALID_REQUEST, problem)
        if "method" in data:
            kind = self.get_message_type(data["method"]) or (
                JsonRPCRequestMessage if "id" in data else JsonRPCNotification
            )
        elif "error" in data:
            kind = types.ResponseErrorMessage
        else:
            kind = self._result_types.pop(data["id"], None) or JsonRPCResponseMessage
        try:
            return self._converter.structure(data, kind)
        except Exception as exc:
            reason = _structure_error(exc)
            if "method" in data:
                return Rejected(data.get("id"), INVALID_PARAMS, f"{data['method']}: {reason}")
            # A response the server cannot read: the request that waits for it fails (its
            # caller logs that) instead of waiting for ever.
            log.error("unreadable response to request %r: %s", data["id"], reason)
            return types.ResponseErrorMessage(
                id=data["id"],
                error=types.ResponseError(code=INVALID_PARAMS, message=reason),
            )

    def handle_message(self, message: Any) -> None:
        """Hand a message to pygls; answer (or log) one that cannot be handled."""
        if isinstance(message, dict):  # an object with no jsonrpc key at all
            message = Rejected(message.get("id"), INVALID_REQUEST, "not a JSON-RPC 2.0 message")
        if isinstance(message, Rejected):
            what = f"request {message.id!r}" if message.id is not None else "a message"
            log.error("refused %s: %s", what, message.reason)
            if message.id is not None:
                self._send_response(
                    message.id,
                    error=types.ResponseError(code=message.code, message=message.reason),
                )
            return
        if isinstance(message, types.ExecuteCommandRequest):
            problem = self._command_problem(message.params)
            if problem is not None:
                self.handle_message(Rejected(message.id, INVALID_PARAMS, problem))
                return
        method = getattr(message, "method", None)
        if method not in (None, types.INITIALIZE, types.EXIT) and not self._initialized():
            msg_id = getattr(message, "id", None)
            log.error("refused %s before initialize", method)
            if msg_id is not None:
                self._send_response(
                    msg_id,
                    error=types.ResponseError(
                        code=types.ErrorCodes.ServerNotInitialized,
                        message=f"{method} before initialize",
                    ),
                )
            return
        super().handle_message(message)

    def _command_problem(self, params: types.ExecuteCommandParams) -> Optional[str]:
        """Why pygls would refuse this command (it raises, and logs a traceback, for that)."""
        handler = self.fm.commands.get(params.command)
        if handler is None:
            return f"workspace/executeCommand: no command {params.command!r}"
        try:
            _prepare_command_arguments(handler, params, self._converter)
        except Exception as exc:
            return f"workspace/executeCommand {params.command}: {_one_line(exc)}"
        return None

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        """pygls' shutdown, with the requests still running cancelled first: pygls cancels
        them while iterating the table their cancellation removes them from."""
        current = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current and not future.done():
                future.cancel()
        return (yield from super().lsp_shutdown(*args))

    def _initialized(self) -> bool:
        try:
            return self.workspace is not None
        except RuntimeError:  # pygls makes the workspace when it answers initialize
            return False

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """pygls' didChange, for open documents only (one it never saw is ignored)."""
        if self._is_open(params.text_document.uri, "didChange"):
            yield from super().lsp_text_document__did_change(params)

    def _is_open(self, uri: str, what: str) -> bool:
        if self.workspace.text_documents.get(document_key(uri)) is not None:
            return True
        log.warning("%s for %s, which is not open: ignored", what, uri)
        return False


def document_key(uri: str) -> str:
    """The key pygls' workspace files an open document under (its URI, percent-decoded)."""
    return unquote(uri)
