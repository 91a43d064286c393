"""The language server's message handling in process, for the fuzz target (tests/test_fuzz.py).

``run_session(data)`` builds a fresh server, feeds ``data`` (the bytes a client wrote to stdin)
through the same path ``hvlint-lsp`` uses (``FrameReader`` -> pygls' reader and loop ->
``HvlintProtocol`` -> hvlint's handlers), waits until every lint and index job it started has
finished, and returns what came out: the frames written, the log records, and each error pygls
caught from a handler (``report_server_error``; an unknown method, which pygls answers with
Method Not Found, is not an error). Nothing in it talks to a process or a pipe.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from pygls.exceptions import JsonRpcMethodNotFound
from pygls.io_ import StdinAsyncReader, run_async

from hvlint.lsp.rpc import FrameReader
from hvlint.lsp.server import HvlintLanguageServer, create_server

SETTLE_SECONDS = 30.0  # a bound on the jobs after the end of input, not a pause


@dataclass
class Outcome:
    """What one session produced."""

    written: bytes = b""
    records: List[logging.LogRecord] = field(default_factory=list)
    server_errors: List[str] = field(default_factory=list)
    unsettled: bool = False

    def frames(self) -> List[Dict[str, Any]]:
        """The messages the server wrote, parsed (each must be one valid frame)."""
        out, data = [], self.written
        while data:
            head, sep, rest = data.partition(b"\r\n\r\n")
            assert sep, f"a frame without its blank line: {data[:200]!r}"
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            assert len(rest) >= length, "a frame shorter than its Content-Length"
            out.append(json.loads(rest[:length]))
            data = rest[length:]
        return out


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:  # Handler.handle holds its lock
        self.records.append(record)


class _Writer:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data

    def close(self) -> None:
        pass


def _recording_server(outcome: Outcome) -> HvlintLanguageServer:
    server = create_server()

    def report(error: Exception, source: Any) -> None:
        if isinstance(error, JsonRpcMethodNotFound):
            return  # an unknown method: pygls answers Method Not Found, as it should
        outcome.server_errors.append(f"{getattr(source, '__name__', source)}: {error!r}")

    server.report_server_error = report  # type: ignore[method-assign]
    return server


async def _settle(server: HvlintLanguageServer) -> bool:
    """Wait for the server's timers and jobs; False when they did not end in time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_SECONDS
    while loop.time() < deadline:
        pending = [t for t in server._tasks if not t.done()]
        if not pending and not server._timers:
            return True
        if pending:
            await asyncio.wait(pending, timeout=max(0.01, deadline - loop.time()))
        else:
            await asyncio.sleep(0.01)  # a debounce timer is due: let it fire
    return False


def run_session(data: bytes, max_bytes: Optional[int] = None) -> Outcome:
    """Feed ``data`` to a fresh server as its stdin; the outcome once all its work is done."""
    outcome = Outcome()
    capture = _Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    server = _recording_server(outcome)
    writer = _Writer()
    server.protocol.set_writer(writer)
    reader = FrameReader(io.BytesIO(data), **({"max_bytes": max_bytes} if max_bytes else {}))
    stop = threading.Event()

    async def main() -> None:
        try:
            await run_async(
                stop_event=stop,
                reader=StdinAsyncReader(reader, server.thread_pool),
                protocol=server.protocol,
                logger=logging.getLogger("pygls.server"),
                error_handler=server.report_server_error,
            )
        except SystemExit:  # an "exit" notification: pygls ends the process that way
            pass
        outcome.unsettled = not await _settle(server)

    try:
        asyncio.run(main())
    finally:
        server.shutdown_pools()
        server.shutdown()
        root.removeHandler(capture)
        root.setLevel(old_level)
        outcome.written = bytes(writer.data)
        outcome.records = capture.records
    return outcome
