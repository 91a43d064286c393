"""The ``hvlint`` command line: options, dispatch to the engine and front ends, exit codes.

Exit codes: 0 clean, 1 findings, 2 usage or input error (one line on stderr each).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import List, NoReturn, Optional, Sequence, TextIO

from hvlint import __version__, ruledata
from hvlint.config import SCHEME_CHOICES, ConfigError, Settings, find_config, load_settings, with_options
from hvlint.engine import Linter, find_root
from hvlint.gate.options import GateOptions
from hvlint.kbuild import data as kbuild_data
from hvlint.kbuild import invocation as kbuild_invocation
from hvlint.reporters import FORMATS, print_problems, report
from hvlint.reporters.summary import summary_line

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad command line: reported as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """All options, the core's and the front ends'."""
    from hvlint.fix import command as fix
    from hvlint.gate import series as gate
    from hvlint.gate import precommit
    from hvlint.kbuild import check

    parser = _Parser(
        prog="hvlint",
        description="Naming linter for the Linux kernel's Hyper-V register names.",
        epilog="Exit status: 0 clean, 1 findings reported, 2 usage or input error. "
        "`hvlint lsp` starts the language server.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="C files, directories, or patches/mbox files")
    parser.add_argument("--root", metavar="DIR", help="kernel tree for context (default: found from the paths)")
    parser.add_argument("--scheme", choices=SCHEME_CHOICES, help="naming scheme (default: auto, the one the tree uses; or the config's)")
    parser.add_argument("--format", dest="format", default="text", choices=sorted(FORMATS), help="output format")
    parser.add_argument("--ignore", action="append", default=[], metavar="TYPES", help="skip these TYPEs or codes")
    parser.add_argument("--types", action="append", default=[], metavar="TYPES", help="only these TYPEs or codes")
    parser.add_argument("--strict", action="store_true", default=None, help="also run CHECK-level rules (HV106)")
    parser.add_argument("--list-types", action="store_true", help="list rule codes and TYPEs, then exit")
    parser.add_argument("--explain", metavar="TYPE", help="print a rule's doc, then exit")
    parser.add_argument("--config", metavar="FILE", help="config file (default: the nearest .hvlint.toml)")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the tree cache (kept in $HVLINT_CACHE_DIR, else "
        "$XDG_CACHE_HOME/hvlint or ~/.cache/hvlint; never in the tree)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="say what was decided and why")
    parser.add_argument("--version", action="version", version=f"hvlint {__version__}")
    precommit.add_arguments(parser)
    gate.add_arguments(parser)
    fix.add_arguments(parser)
    check.add_arguments(parser)
    return parser


def resolve_settings(args: argparse.Namespace, data: ruledata.RuleData, start: Path) -> Settings:
    """Config file first, then command-line options on top."""
    config_path = Path(args.config) if args.config else find_config(start)
    if args.config and not config_path.is_file():
        raise ConfigError(f"{args.config}: no such config file")
    settings = with_options(
        load_settings(config_path, data),
        data,
        scheme=args.scheme,
        scheme_source="--scheme",
        strict=True if args.strict else None,
        ignore=args.ignore,
        types=args.types,
        label="--",
    )
    return replace(settings, use_cache=False) if args.no_cache else settings


def list_types(data: ruledata.RuleData, out: TextIO) -> None:
    """``--list-types``: code, TYPE, severity and summary of every rule."""
    for rule in data.rules:
        extra = " (--strict)" if rule.strict_only else ""
        out.write(f"{rule.code}  {rule.type:<24} {rule.severity:<8} {rule.summary}{extra}\n")


def run(argv: Sequence[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Run hvlint with ``argv``; returns the exit code."""
    from hvlint.fix import command as fix
    from hvlint.gate import series as gate
    from hvlint.gate import precommit

    if argv and argv[0] == "lsp":
        from hvlint.lsp import entry as lsp

        return lsp.main(list(argv[1:]))
    data = ruledata.load()
    parser = build_parser()
    start = kbuild_invocation.compiler_start(argv, kbuild_data.load())
    if start is not None:
        return run_checker(parser, list(argv), data, stderr)
    args = parser.parse_args(list(argv))
    if args.list_types:
        list_types(data, stdout)
        return EXIT_CLEAN
    if args.explain:
        try:
            stdout.write(data.rule(args.explain).doc_markdown())
        except KeyError:
            raise UsageError(f"--explain: unknown rule type '{args.explain}' (see --list-types)") from None
        return EXIT_CLEAN
    paths = [Path(p) for p in args.paths if p != "-"]
    start = Path(args.root) if args.root else (paths[0] if paths else Path.cwd())
    settings = resolve_settings(args, data, start.resolve() if start.exists() else Path.cwd())
    gate_options = GateOptions.from_namespace(args)  # the gate and the hooks take no Namespace
    code = precommit.run(gate_options, settings, stdin, stdout, stderr)
    if code is None:
        code = fix.run(args, settings, stdin, stdout, stderr)
    if code is None:
        code = gate.run(gate_options, settings, stdin, stdout, stderr)
    if code is not None:
        return code
    if args.root:
        root = Path(args.root)
        if not root.is_dir():
            raise UsageError(f"--root {args.root}: not a directory")
    else:
        root = find_root(paths)
    linter = Linter(settings, root, data)
    targets = paths or [linter.root or Path.cwd()]  # no PATH: the tree it stands in
    result = linter.lint_paths(targets, reuse=True)
    if args.verbose:
        stderr.writelines(f"hvlint: {note}\n" for note in linter.run_notes("none (rules tables only)"))
        stderr.write(f"hvlint: checked {result.files_checked} files, {result.lines_checked} lines\n")
        for relpath in sorted({f.path for f in result.findings} | _neutral_checked(linter)):
            for note in linter.file_notes(relpath):
                stderr.write(f"hvlint: {note}\n")
        for note in result.notes:
            stderr.write(f"hvlint: note: {note}\n")
    report(result, linter, args.format, stdout)
    print_problems(result.problems, stderr)
    if args.format == "text" and result.findings and args.summary:
        stderr.write(summary_line(result.findings, fix.fixable(args, settings, result.findings)))
    if result.problems:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN


def run_checker(parser: argparse.ArgumentParser, argv: List[str], data: ruledata.RuleData, stderr: TextIO) -> int:
    """``hvlint [OPTIONS] $(CHECKFLAGS) $(c_flags) FILE.c``, as kbuild runs its checker."""
    from hvlint.kbuild import check

    inv = kbuild_invocation.parse(argv, kbuild_data.load(), Path.cwd())
    args = parser.parse_args(list(inv.own))
    if args.paths:
        raise UsageError(f"as the kernel's checker hvlint takes no PATH before the compiler options ({args.paths[0]})")
    settings = resolve_settings(args, data, (Path.cwd() / inv.source).parent)
    verdict = check.run(inv, settings, data, args, os.environ, stderr)
    return {"pass": EXIT_CLEAN, "fail": EXIT_FINDINGS, "error": EXIT_ERROR}[verdict]


def _neutral_checked(linter: Linter) -> set:
    return {p for p in linter.scanned_paths() if linter.path_class(p) == "neutral" and p.endswith(".c")}


def main(argv: Optional[List[str]] = None) -> int:
    """Console entry point."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        return run(argv, sys.stdin, sys.stdout, sys.stderr)
    except UsageError as exc:
        sys.stderr.write(f"hvlint: error: {exc} (see hvlint --help)\n")
        return EXIT_ERROR
    except ConfigError as exc:
        sys.stderr.write(f"hvlint: error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("hvlint: interrupted\n")
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except MemoryError:
        sys.stderr.write("hvlint: error: out of memory\n")
        return EXIT_ERROR
    except Exception as exc:  # a bug in hvlint: still one line (HVLINT_DEBUG=1 shows the traceback)
        if os.environ.get("HVLINT_DEBUG"):
            raise
        sys.stderr.write(f"hvlint: internal error: {type(exc).__name__}: {exc} (set HVLINT_DEBUG=1 for details)\n")
        return EXIT_ERROR
