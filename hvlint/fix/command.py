"""``hvlint --diff`` / ``hvlint --fix``: the renames the findings imply, as a patch or in place.

Only what is certain changes (HV101 renames, HV103 accessor arguments and the alias
definitions they need, and the accessor and helper functions the scheme names otherwise:
rules/migrations.toml); every other finding stays, and stderr says why. PATHs choose which
findings to fix; the edits a fix implies (a definition in an arch header, the uses of a
renamed name) are made wherever they are in the tree. Nothing outside the tree is written.

Exit status: 0 when nothing is left to fix (and, with --diff, nothing would change), 1 when
findings are left or --diff printed changes, 2 on usage or input errors (nothing written).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, List, Optional, Sequence, Tuple

if TYPE_CHECKING:  # the fix modules load only for --diff/--fix: a lint run starts faster
    from hvlint.engine import Linter, LintResult
    from hvlint.findings import Finding
    from hvlint.fix.plan import Plan
    from hvlint.fix.tree import TreeFiles


class FixError(Exception):
    """A usage or input error: one line, exit status 2, nothing written."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --diff, --fix, --fix-comments and --only."""
    group = parser.add_argument_group(
        "fixes",
        "migrate the tree to the scheme: what the findings imply (HV101 renames, HV103 "
        "aliases) and the scheme's accessor names; only what is certain",
    )
    mode = group.add_mutually_exclusive_group()
    mode.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff (git apply or patch -p1 from the tree root); "
        "write nothing",
    )
    mode.add_argument(
        "--fix",
        action="store_true",
        help="write the fixes in place (atomically; a file changed since it was read is not "
        "overwritten)",
    )
    group.add_argument(
        "--fix-comments", action="store_true", help="with --diff/--fix: also rename inside comments"
    )
    group.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME_GLOB",
        help="with --diff/--fix: only fix findings whose name or replacement matches the glob "
        "(HV_REGISTER_SINT*; comma-separated or repeated)",
    )


def run(args: argparse.Namespace, settings, stdin: IO, stdout: IO, stderr: IO) -> Optional[int]:
    """Run --diff/--fix; None when neither was asked for (the core lints as usual)."""
    if not (getattr(args, "diff", False) or getattr(args, "fix", False)):
        if getattr(args, "fix_comments", False) or getattr(args, "only", None):
            stderr.write("hvlint: error: --fix-comments and --only need --diff or --fix\n")
            return 2
        return None
    from hvlint.fix.write import WriteError

    try:
        return _run(args, settings, stdout, stderr)
    except (FixError, WriteError) as exc:
        stderr.write(f"hvlint: error: {exc}\n")
        return 2


def _globs(values: List[str]) -> tuple:
    return tuple(g.strip() for v in values for g in v.split(",") if g.strip())


def _resolve_targets(args: argparse.Namespace) -> tuple:
    from hvlint.engine import find_root

    names = [str(p) for p in args.paths]
    if "-" in names:
        raise FixError("--diff/--fix change files in a tree; they do not read stdin")
    paths = [Path(p) for p in names]
    for p in paths:
        if not p.exists():
            raise FixError(f"{p}: no such file or directory")
    if args.root:
        root = Path(args.root)
        if not root.is_dir():
            raise FixError(f"--root {args.root}: not a directory")
    else:
        root = find_root(paths) or find_root([])  # a path outside any tree: the tree we stand in
        if root is None:
            raise FixError(
                "--diff/--fix need a kernel tree: run inside one (Kconfig and arch/ at its top, "
                "or a .hvlint.toml) or pass --root DIR"
            )
    root = root.resolve()
    for p in paths:
        real = p.resolve()
        if real != root and root not in real.parents:
            raise FixError(f"{p}: outside the tree {root}")
    if not paths:
        cwd = Path.cwd().resolve()
        paths = [cwd if cwd == root or root in cwd.parents else root]
    return root, paths


def _plan(args: argparse.Namespace, settings) -> "Tuple[Linter, LintResult, TreeFiles, Plan]":
    """Lint the targets as --fix does and plan the fixes; nothing is written."""
    from hvlint.fix import data as fix_data
    from hvlint.engine import Linter
    from hvlint.fix.plan import Options, Planner
    from hvlint.fix.tree import TreeFiles
    from hvlint.fix.verify import verify

    root, targets = _resolve_targets(args)
    linter = Linter(settings, root)
    # A migration also fixes the calls of the accessors the scheme renames. Only the rules see
    # the wider accessor lists: the linter was opened with the plain data, so the tree cache
    # (which does not depend on accessors) stays the one a lint run uses.
    linter.data = fix_data.with_migration_accessors(linter.data)
    # The tree is walked once: the root's candidate files serve the lint and the search for uses.
    walked = linter.candidate_files(root) if any(t.resolve() == root for t in targets) else None
    inputs = [t for t in targets if t.resolve() != root] + list(walked or [])
    result = linter.lint_paths(inputs)
    explicit = {linter.relpath(p) for p in targets if not p.is_dir()}
    for problem in result.problems:
        if problem.path in explicit or not problem.path:
            raise FixError(str(problem))
    if settings.scheme == "auto":
        linter.settings = replace(
            settings, scheme=linter.scheme.name
        )  # one scheme for the whole run
    tree = TreeFiles(linter, walked)
    options = Options(
        only=_globs(args.only),
        fix_comments=bool(args.fix_comments),
        whole_tree=walked is not None,
    )
    migration = fix_data.load_migration(linter.settings.scheme)
    planner = Planner(linter, tree, fix_data.load(), result.findings, options, migration)
    return linter, result, tree, planner.plan(lambda p: verify(linter, tree, p))


def _run(args: argparse.Namespace, settings, stdout: IO, stderr: IO) -> int:
    from hvlint.fix.diff import tree_diff
    from hvlint.fix.write import FileChange, write_changes

    linter, result, tree, plan = _plan(args, settings)
    if args.diff:
        stdout.write(
            tree_diff((rel, plan.old_texts[rel], plan.new_texts[rel]) for rel in plan.new_texts)
        )
    elif plan.new_texts:
        write_changes(
            linter.root,
            [
                FileChange(rel, tree.snapshot(rel).data, text.encode("utf-8"))
                for rel, text in sorted(plan.new_texts.items())
            ],
        )
    _report(plan, args, linter.scheme.name, [str(p) for p in result.problems], stderr)
    if plan.left or (args.diff and plan.new_texts):
        return 1
    return 0


def fixable(args: argparse.Namespace, settings, findings: "Sequence[Finding]") -> Optional[int]:
    """How many of a lint run's ``findings`` ``hvlint --fix`` with the same PATHs and options
    would settle: its own plan, made as --fix makes it (verified), with nothing written. None
    when --fix could not run here (no kernel tree, stdin, an unreadable file)."""
    from hvlint.fix.plan import FIXABLE

    if not any(f.code in FIXABLE for f in findings):
        return 0  # only rules --fix never touches: no need to plan
    try:
        _linter, result, _tree, plan = _plan(args, settings)
    except FixError:
        return None
    # As --fix counts: what it found and does not report as left (a HV102 on the register of a
    # rewritten call goes with the call).
    settled = {_where(f) for f in result.findings} - {_where(left.finding) for left in plan.left}
    return sum(1 for f in findings if _where(f) in settled)


def _where(f: "Finding") -> tuple:
    return (f.path, f.line, f.column, f.code, f.name)


def _report(
    plan: Plan, args: argparse.Namespace, scheme: str, problems: List[str], err: IO
) -> None:
    """What was fixed, what is left and why, on stderr (stable order)."""
    verb = "would fix" if args.diff else "fixed"
    files = len(plan.new_texts)
    functions, aliases = plan.count("function"), plan.count("aliasname")
    err.write(
        f"hvlint: {verb}: {plan.count('rename')} renames (HV101), "
        f"{plan.count('call')} accessor calls (HV103), "
        f"{plan.count('alias')} alias definitions"
        + (f", {functions} function{'s' if functions != 1 else ''} renamed" if functions else "")
        + (f", {aliases} alias{'es' if aliases != 1 else ''} renamed" if aliases else "")
        + f"; {files} file{'s' if files != 1 else ''} "
        f"{'to change' if args.diff else 'changed'} (scheme {scheme})\n"
    )
    if args.verbose:
        for item in sorted(plan.items, key=lambda it: it.key):
            err.write(f"hvlint: {verb}: {item.code} {item.title}\n")
    for left in sorted(plan.left, key=lambda x: x.finding.sort_key()):
        f = left.finding
        err.write(
            f"hvlint: left: {f.path}:{f.line}:{f.column}: {f.name} [{f.code} {f.type}]: "
            f"{left.reason}\n"
        )
    for note in sorted(set(plan.notes)):
        err.write(f"hvlint: note: {note}\n")
    for problem in problems:
        err.write(f"hvlint: note: {problem}: not changed\n")
    if plan.left:
        err.write(f"hvlint: {len(plan.left)} finding{'s' if len(plan.left) != 1 else ''} left\n")
