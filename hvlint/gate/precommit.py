"""pre-commit hooks: judge what a commit adds (``--staged``) and what a push sends (``--pre-push``).

``hvlint --staged [FILE...]`` is the ``hvlint`` hook. It judges only the lines the staged
change adds (``git diff --cached``), each inside its whole staged file and with the tree's
symbol index around it, so a clean change to a file with old findings passes and a new
fault fails. Every staged C file joins the index whichever FILEs one run is given; FILEs
only choose what is reported. The answers therefore do not depend on how pre-commit splits
the file list between runs. When pre-commit runs with ``--from-ref A --to-ref B`` (it then
exports PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF, as CI does), the change is ``A...B`` and
the files are read from B. ``--whole-files`` judges the FILEs whole instead, exactly as
plain ``hvlint FILE...`` does.

``hvlint --pre-push`` is the ``hvlint-push`` hook: the commits being pushed go to the patch
gate (``--git FROM..TO``), each judged on the lines it adds, merges skipped.

Post-images come from git objects (the index, or commit B), never from the work tree, and
git is always run with argument lists; revisions from the environment are resolved to
commit ids through ``git cat-file`` before they reach a command line.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, List, Mapping, Optional, Set

from hvlint.gate import series as gate
from hvlint.gate import gitrange
from hvlint.gate.options import GateOptions
from hvlint.config import Settings
from hvlint.engine import Linter
from hvlint.gate.patches import Patch, PatchError, read_series
from hvlint.tree.walk import prefilter

FROM_REF, TO_REF = "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"
LOCAL_BRANCH, REMOTE_NAME = "PRE_COMMIT_LOCAL_BRANCH", "PRE_COMMIT_REMOTE_NAME"

# `git diff` options that keep its output the same whatever the user's git config says.
_DIFF = [
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.suppressBlankEmpty=false",
    "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
    "--ignore-submodules=all", "-M", "--src-prefix=a/", "--dst-prefix=b/",
]


class HookError(Exception):
    """A usage or input error of a hook run (one line, exit status 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the pre-commit hooks' options to ``parser``."""
    group = parser.add_argument_group(
        "pre-commit hooks", "judge what a commit or a push adds (see .pre-commit-hooks.yaml)"
    )
    mode = group.add_mutually_exclusive_group()
    mode.add_argument(
        "--staged", action="store_true",
        help="judge only the lines the staged change adds (git diff --cached), in the context "
        "of the whole tree; FILEs choose what is reported (the `hvlint` hook)",
    )
    mode.add_argument(
        "--pre-push", action="store_true",
        help=f"gate the commits being pushed, ${FROM_REF}..${TO_REF}, as --git does "
        "(the `hvlint-push` hook)",
    )
    group.add_argument(
        "--whole-files", action="store_true",
        help="with --staged: judge the FILEs whole, old findings included",
    )


def run(args: GateOptions, settings: Settings, stdin: IO, stdout: IO, stderr: IO) -> Optional[int]:
    """Run a hook; None when the invocation is not about hooks (or is --whole-files)."""
    try:
        if args.whole_files and not args.staged:
            raise HookError("--whole-files goes with --staged")
        if not (args.staged or args.pre_push):
            return None
        for flag, given in (("--git", args.git), ("--patch", args.patch), ("-f/--file", args.file)):
            if given:
                raise HookError(f"{flag} cannot be combined with --staged or --pre-push")
        if args.pre_push:
            return _run_pre_push(args, settings, stdin, stdout, stderr)
        return _run_staged(args, settings, stdout, stderr)
    except (HookError, PatchError, gitrange.GitRangeError, gate.GateError) as exc:
        stderr.write(f"hvlint: error: {exc}\n")
        return 2


# ---------------------------------------------------------------------------------------
# Revisions


def _commit_ids(revs: List[str], top: Path) -> List[str]:
    """Commit ids of ``revs``, which come from the environment, not from trusted code."""
    for rev in revs:
        try:
            gitrange.check_text(rev)
        except gitrange.GitRangeError:
            raise HookError(f"{rev!r} is not a revision") from None
    ids = gitrange.resolve_commits(revs, top)
    missing = [rev for rev in revs if not ids.get(rev)]
    if missing:
        raise HookError(f"{missing[0]!r} is not a commit in {top}")
    return [ids[rev] for rev in revs]  # type: ignore[misc]


def _git_text(args: List[str], top: Path) -> str:
    return gitrange.git(args, top).decode("utf-8", "surrogateescape")


# ---------------------------------------------------------------------------------------
# --staged


@dataclass(frozen=True)
class Change:
    """The change a commit hook judges: the staged one, or pre-commit's FROM...TO."""

    label: str
    diff: List[str]  # `git diff` arguments that name it
    post_rev: str  # where its post-images live: "" (the index, `:path`) or a commit id


def change_from_environment(top: Path, environ: Mapping[str, str]) -> Change:
    """``A...B`` when pre-commit exports both refs (``--from-ref/--to-ref``), else the index."""
    a, b = environ.get(FROM_REF), environ.get(TO_REF)
    if not (a and b):
        return Change("staged changes", ["--cached"], "")
    a_id, b_id = _commit_ids([a, b], top)
    try:
        gitrange.git(["merge-base", a_id, b_id], top)
        diff = [f"{a_id}...{b_id}"]
    except gitrange.GitRangeError:  # unrelated histories: pre-commit falls back to A..B too
        diff = [a_id, b_id]
    return Change(f"{a}...{b}", diff, b_id)


def read_change(change: Change, top: Path) -> Optional[Patch]:
    """The change as one patch (None when it changes nothing)."""
    data = gitrange.git([*_DIFF, *change.diff, "--"], top)
    if not data.strip():
        return None
    patch = read_series(data, kind="diff")[0]
    patch.subject = change.label
    return patch


def _repo_paths(names: List[str], top: Path) -> Optional[Set[str]]:
    """FILEs as paths relative to the top of the work tree (None: no FILE given)."""
    if not names:
        return None
    real_top = top.resolve()
    out = set()
    for name in names:
        path = Path(name) if Path(name).is_absolute() else Path.cwd() / name
        try:
            out.add(path.resolve().relative_to(real_top).as_posix())
        except ValueError:
            raise HookError(f"{name}: outside the git work tree {top}") from None
    return out


def _tree_root(args: GateOptions, top: Path) -> Optional[Path]:
    """The tree the change is judged in: the work tree's top (--root may only name it)."""
    if args.no_tree:
        return None
    if args.root and Path(args.root).resolve() != top.resolve():
        raise HookError(f"--root {args.root}: with --staged the tree is the git work tree {top}")
    return top


def _is_kernel_tree(root: Path) -> bool:
    return (root / "Kconfig").is_file() and (root / "arch").is_dir()


def index_tree(linter: Linter, root: Optional[Path]) -> None:
    """Build the symbol index: a kernel tree's index roots (rules/paths.toml), or for any
    other repository (out-of-tree Hyper-V code) every tracked C file naming Hyper-V things."""
    if root is None:
        return
    if _is_kernel_tree(root):
        linter.prepare()
        return
    names = gitrange.git(["ls-files", "-z"], root).split(b"\0")
    suffixes = tuple(s.encode() for s in linter.data.suffixes)
    files = [root / n.decode("utf-8", "surrogateescape") for n in names if n.endswith(suffixes)]
    linter.prepare(paths=prefilter(files, linter.data.prefilter))


def _run_staged(args: GateOptions, settings: Settings, stdout: IO, stderr: IO) -> Optional[int]:
    top = gitrange.toplevel(Path.cwd())
    wanted = _repo_paths(args.paths, top)
    if args.whole_files:
        if wanted is None:
            raise HookError("--whole-files judges the FILEs given; name them (pre-commit does)")
        return None  # plain `hvlint FILE...`
    root = _tree_root(args, top)
    change = change_from_environment(top, os.environ)
    patch = read_change(change, top)
    if patch is None:
        return 0
    linter = Linter(settings, root)
    index_tree(linter, root)
    series = gate.SeriesGate(linter, root, top)
    series.weigh_series([patch], "the change")
    series.read_post_images(patch, change.post_rev)
    series.check(gate.Source(name=change.label, patches=[patch]), patch)
    linter.save_cache()
    return _report(args, settings, series, root, wanted, stdout, stderr)


def _report(
    args: GateOptions,
    settings: Settings,
    series: gate.SeriesGate,
    root: Optional[Path],
    wanted: Optional[Set[str]],
    stdout: IO,
    stderr: IO,
) -> int:
    """Show the findings on the FILEs asked for, in the chosen format (as the gate does)."""
    if args.verbose:
        gate._verbose(series, root, stderr)
    fmt = gate._format(args)
    findings = [f for f in series.outcome.findings if wanted is None or f.path in wanted]
    if fmt != "checkpatch":  # one change, not a series: no "(patch 1/1: ...)" on each line
        findings = [replace(f, patch=None) for f in findings]
    return gate.emit(args, settings, series, root, findings, fmt, stdout, stderr)


# ---------------------------------------------------------------------------------------
# --pre-push


def pushed_commits(top: Path, environ: Mapping[str, str]) -> Optional[List[str]]:
    """``--git`` ranges for the commits being pushed ([] when none; None when unknown).

    pre-commit exports FROM/TO for a branch the remote knows (or one based on commits it
    knows); for a push that brings a root commit it exports only the local branch and the
    remote name, and every commit the remote lacks is gated. Outside a push, the commits
    on top of the branch's upstream are gated, when it has one.
    """
    a, b = environ.get(FROM_REF), environ.get(TO_REF)
    if a and b:
        a_id, b_id = _commit_ids([a, b], top)
        count = _git_text(["rev-list", "--count", "--no-merges", b_id, f"^{a_id}"], top)
        return [f"{a_id}..{b_id}"] if int(count) else []
    local, remote = environ.get(LOCAL_BRANCH), environ.get(REMOTE_NAME)
    if local and remote:
        (local_id,) = _commit_ids([local], top)
        return _git_text(
            ["rev-list", "--no-merges", "--reverse", local_id, "--not", f"--remotes={remote}"], top
        ).split()
    try:
        base, head = _commit_ids(["@{upstream}", "HEAD"], top)
    except (HookError, gitrange.GitRangeError):  # no upstream, or no commit yet
        return None
    count = _git_text(["rev-list", "--count", "--no-merges", head, f"^{base}"], top)
    return [f"{base}..{head}"] if int(count) else []


def _run_pre_push(args: GateOptions, settings: Settings, stdin: IO, stdout: IO, stderr: IO) -> int:
    if args.paths:
        raise HookError("--pre-push gates commits and takes no FILE (pass_filenames: false)")
    top = gitrange.toplevel(Path.cwd())
    ranges = pushed_commits(top, os.environ)
    if ranges is None:
        stderr.write(
            f"hvlint: nothing to gate: {FROM_REF}/{TO_REF} are not set (not a push) and the "
            "branch has no upstream\n"
        )
        return 0
    if not ranges:
        return 0  # only merges, or nothing the remote lacks
    as_range = replace(args, git=tuple(ranges), paths=())
    return gate.run(as_range, settings, stdin, stdout, stderr) or 0
