"""Run as kbuild's checker: lint the one file of the command line with this build's
configuration and print gcc-style diagnostics on stderr, as sparse does.

The build goes on (exit 0) unless ``--fail-build`` is given or ``$HVLINT_FAIL_BUILD`` is 1:
then a finding fails the object as a compiler error would. A file outside any kernel tree
(kbuild's checker-valid.sh probe) is judged with the rules tables only and prints nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Literal, Mapping, TextIO

from hvlint.config import Settings
from hvlint.engine import Linter, find_root
from hvlint.kbuild import buildconf
from hvlint.kbuild.data import load
from hvlint.kbuild.invocation import Invocation, object_tree, source_tree
from hvlint.reporters import get as reporter, meta_for, print_problems
from hvlint.ruledata import RuleData


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the checker's own option to ``parser``."""
    group = parser.add_argument_group(
        "kernel checker", "run by kbuild as make C=1 CHECK=hvlint (the compiler's options, then one C file)"
    )
    group.add_argument(
        "--fail-build", action="store_true",
        help="as kbuild's checker, exit 1 on findings so make stops (default: report and go on; "
        "also $HVLINT_FAIL_BUILD=1)",
    )


def fail_requested(args: argparse.Namespace, environ: Mapping[str, str]) -> bool:
    """Whether findings should fail the build (the option, or the environment variable at 1)."""
    return bool(args.fail_build) or environ.get(load().fail_env, "") == "1"


def run(inv: Invocation, settings: Settings, data: RuleData, args: argparse.Namespace,
        environ: Mapping[str, str], stderr: TextIO) -> Literal["pass", "fail", "error"]:
    """Check ``inv``'s file: "error" on an input problem, "fail" when findings should stop
    the build, else "pass"."""
    kdata = load()
    source = inv.cwd / inv.source
    root = source_tree(inv, kdata) or find_root([source])
    linter = Linter(settings, root, data)
    objtree = object_tree(inv, kdata)
    build = buildconf.build_macros(inv, objtree, kdata, linter.arch_symbols)
    result = linter.lint_build(source, build)
    if args.verbose:
        stderr.writelines(f"hvlint: {note}\n" for note in linter.run_notes("none (rules tables only)"))
        told = f"{build.arch}, {len(build.defines)} macros from {objtree}" if build else "none (judged as a plain run)"
        stderr.write(f"hvlint: build configuration: {told}\n")
        stderr.writelines(f"hvlint: note: {note}\n" for note in result.notes)
    # Paths as the command line gave them, so a build log points where make ran.
    findings = [dataclasses.replace(f, path=inv.source) for f in result.findings]
    meta = meta_for(linter, linter.root, result.files_checked, result.lines_checked, linter.line_text, result.notes, None)
    stderr.write(reporter("text")(findings, meta))
    print_problems(result.problems, stderr)
    if result.problems:
        return "error"
    return "fail" if findings and fail_requested(args, environ) else "pass"
