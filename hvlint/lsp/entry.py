"""``hvlint lsp`` / ``hvlint-lsp``: start hvlint's language server on stdio.

The server itself lives in :mod:`hvlint.lsp.server`; this entry point only reads its few
options and checks that the optional ``lsp`` extra (pygls) is installed, so a missing
dependency is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import List, NoReturn, Optional

from hvlint import __version__


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"hvlint: error: {message} (see hvlint lsp --help)\n")
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hvlint lsp",
        description="Language Server Protocol server for hvlint, speaking JSON-RPC on stdio.",
    )
    parser.add_argument(
        "--log-file", metavar="FILE", help="append the server's log to FILE (default: stderr)"
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more (-vv for protocol debug)"
    )
    parser.add_argument("--version", action="version", version=f"hvlint-lsp {__version__}")
    return parser


def _configure_logging(verbose: int, log_file: Optional[str]) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler: logging.Handler
    handler = (
        logging.FileHandler(log_file, encoding="utf-8")
        if log_file
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    logging.getLogger("hvlint").setLevel(level)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the language server until the client says ``exit``; return the process exit code."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        from hvlint.lsp.rpc import FrameReader
        from hvlint.lsp.server import create_server
    except ImportError as exc:
        print(
            f"hvlint: the language server needs the lsp extra ({exc.name or exc}): "
            "pip install 'hvlint[lsp]'",
            file=sys.stderr,
        )
        return 2
    try:
        _configure_logging(args.verbose, args.log_file)
    except OSError as exc:
        print(f"hvlint: cannot open log file: {exc}", file=sys.stderr)
        return 2
    server = create_server()
    server.start_io(stdin=FrameReader(sys.stdin.buffer))
    return 0 if server.clean_exit else 1

