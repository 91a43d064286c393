"""The patch gate: judge the lines a patch series adds, the way checkpatch.pl is wired in.

``hvlint [OPTIONS] PATCH...``, ``hvlint -`` (or patch text on stdin with no PATH),
``hvlint --git RANGE``. A series is one run: every touched C file's post-image (from the
tree at the root when there is one, else rebuilt from the hunks) is set as an overlay of
the linter before the next patch, so a define added by patch 2 is known to patch 5. Each
touched file is linted whole, and only findings on lines the patch adds are kept, tagged
with the patch they came from.

The core CLI calls :func:`add_arguments` while building its parser and :func:`run` before
linting files; ``run`` returns None when the invocation is not about patches.
"""

from __future__ import annotations

import argparse
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Dict, List, Optional, Sequence, Tuple

from hvlint import ruledata
from hvlint.gate import buildhunks, gitrange
from hvlint.gate import postimage
from hvlint.findings import Finding, PatchRef
from hvlint.tree.kconfig import is_build_file
from hvlint.gate.patches import AddedLine, NotAPatchError, Patch, PatchError, detect, read_series
from hvlint.gate.postimage import Image, PostImage
from hvlint.gate.options import GateOptions
from hvlint.config import Settings

# Flags that only mean something to the checkpatch output; any of them selects that format
# when --format was not given.
CHECKPATCH_FLAGS = ("terse", "emacs", "showfile", "show_types", "summary_file")


class GateError(Exception):
    """A usage or input error of the gate (one line, exit status 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the patch gate's options (checkpatch.pl's names and meanings) to ``parser``."""
    group = parser.add_argument_group(
        "patch gate", "judge only the lines a patch adds (checkpatch.pl-compatible options)"
    )
    group.add_argument(
        "-g",
        "--git",
        metavar="RANGE",
        action="append",
        default=None,
        help="check the commits of a git range, one patch each (A..B, A...B, HEAD~3.., a "
        "single commit, REV-N); merges are skipped; further PATHs are more ranges",
    )
    mode = group.add_mutually_exclusive_group()
    mode.add_argument("--patch", action="store_true", help="read every PATH as a patch")
    mode.add_argument(
        "-f",
        "--file",
        action="store_true",
        help="read every PATH as a source file, never as a patch",
    )
    group.add_argument(
        "--no-tree",
        action="store_true",
        help="judge patches without a kernel tree (only what the patches and rules/ define)",
    )
    group.add_argument(
        "--terse", action="store_true", help="one line per report (checkpatch format)"
    )
    group.add_argument("--emacs", action="store_true", help="emacs compile window format")
    group.add_argument(
        "--showfile",
        action="store_true",
        help="emit the diffed file's position, not the input file's position",
    )
    group.add_argument(
        "--show-types", action="store_true", help="show the TYPE in each report (checkpatch format)"
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="count",
        default=0,
        help="no banners; no summary for a clean patch (checkpatch format)",
    )
    group.add_argument(
        "--no-summary",
        dest="summary",
        action="store_false",
        default=True,
        help="no summary: checkpatch's per-patch 'total:' lines, the text format's last line on stderr",
    )
    group.add_argument(
        "--summary-file", action="store_true", help="include the file name in the summary"
    )
    group.add_argument(
        "--mailback",
        action="store_true",
        help="print nothing at all unless something is reported",
    )
    group.add_argument(
        "--color",
        nargs="?",
        const="always",
        default="auto",
        choices=("always", "never", "auto"),
        metavar="WHEN",
        help="color the checkpatch format: always, never or auto (a terminal); default auto",
    )
    group.add_argument(
        "--no-color",
        "--nocolor",
        dest="color",
        action="store_const",
        const="never",
        help="same as --color=never",
    )
    group.add_argument(
        "--no-signoff",
        action="store_true",
        help="accepted for checkpatch compatibility (hvlint never checks sign-offs)",
    )


# ---------------------------------------------------------------------------------------
# Inputs


@dataclass
class Source:
    """One input of the series: its patches and how checkpatch would name it."""

    name: str  # as given: a path, "-" for stdin
    patches: List[Patch]
    git: bool = False


def _read_bytes(name: str, stdin: IO) -> bytes:
    if name == "-":
        stream = getattr(stdin, "buffer", stdin)
        data = stream.read()
        return data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    try:
        return Path(name).read_bytes()
    except IsADirectoryError:
        raise GateError(f"{name}: is a directory, not a patch") from None
    except OSError as exc:
        raise GateError(f"{name}: cannot read: {exc.strerror or exc}") from None


def _is_terminal(stream: IO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _positional(args: GateOptions) -> List[str]:
    return [str(v) for v in args.paths]


def _patch_inputs(args: GateOptions, stdin: IO) -> Optional[List[Tuple[str, bytes]]]:
    """The inputs to read as patches, or None when this is not a patch invocation."""
    paths = _positional(args)
    if args.file:
        return None
    if not paths:
        if args.patch or not _is_terminal(stdin):
            data = _read_bytes("-", stdin)
            if data.strip() or args.patch:
                return [("-", data)]
        return None
    inputs: List[Tuple[str, bytes]] = []
    sources = []
    suffixes = tuple(ruledata.load().suffixes)
    for name in paths:
        if name == "-":
            inputs.append((name, _read_bytes(name, stdin)))
            continue
        path = Path(name)
        if path.is_dir() or (not args.patch and path.suffix in suffixes):
            sources.append(name)
            continue
        data = _read_bytes(name, stdin)
        if args.patch or detect(data):
            inputs.append((name, data))
        else:
            sources.append(name)
    if not inputs:
        return None
    if sources:
        raise GateError(
            f"{sources[0]}: not a patch, but other inputs are patches "
            "(use --patch or -f to say how to read them)"
        )
    return inputs


# ---------------------------------------------------------------------------------------
# The run


@dataclass
class Outcome:
    """What the gate found, and what the reporters need to show it."""

    findings: List[Finding] = field(default_factory=list)
    # What the scanner said about whole post-images (unbalanced #if, undecodable bytes): the
    # files' state, not the patch's naming, so it is shown with -v and never fails the gate.
    notes: List[str] = field(default_factory=list)
    sections: List[dict] = field(default_factory=list)
    added: Dict[Tuple[Optional[PatchRef], str, int], AddedLine] = field(default_factory=dict)
    relative_lines: Dict[PatchRef, int] = field(default_factory=dict)
    images: Dict[str, Image] = field(default_factory=dict)
    files_checked: int = 0
    lines_checked: int = 0
    how: Dict[str, str] = field(default_factory=dict)

    def input_line(self, f: Finding) -> Optional[int]:
        """checkpatch's ``#N`` for a finding: the line of the input that added it."""
        added = self.added.get((f.patch, f.path, f.line))
        if added is None:
            return None
        return (
            added.input_line - self.relative_lines.get(f.patch, 0) if f.patch else added.input_line
        )

    def added_text(self, f: Finding) -> Optional[str]:
        """The added line a finding is on."""
        added = self.added.get((f.patch, f.path, f.line))
        return added.text if added else None

    def source_line(self, path: str, line: int) -> str:
        """A line of the last post-image of ``path``."""
        image = self.images.get(path)
        if image and 0 < line <= len(image.lines):
            return image.lines[line - 1]
        return ""


def _vname(source: Source, patch: Patch) -> Tuple[str, str]:
    """(checkpatch's name for a patch, the file name of its emacs prefix)."""
    if source.git and patch.commit:
        return f'Commit {patch.commit[:12]} ("{patch.subject}")', patch.commit
    if len(source.patches) > 1:
        if patch.commit:
            return f'Commit {patch.commit[:12]} ("{patch.subject}")', source.name
        return f'Patch {patch.index}/{patch.total} ("{patch.subject}")', source.name
    if source.name == "-":
        return (f'"{patch.raw_subject}"' if patch.raw_subject else "Your patch"), "-"
    return source.name, source.name


def reportable(data) -> "re.Pattern[str]":
    """What an added line must hold for a rule to report it: the rules' name prefixes and
    accessors (rules/), a preprocessor line, or a suppression comment.

    A touched file whose added lines hold none of these is not linted (its post-image still
    joins the index), so a long series of unrelated changes costs no scanning.
    """
    words = set(data.prefilter) | set(data.indexed_prefixes) | set(data.x86_prefixes)
    words |= set(data.msr_accessors) | set(data.register_prefixes)
    for scheme in data.schemes.values():
        words |= {scheme.alias_prefix, *scheme.accessors}
    words |= {"#", "hvlint"}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


class SeriesGate:
    """Walks a series patch by patch, keeping the post-images as linter overlays."""

    def __init__(self, linter, root: Optional[Path], git_dir: Optional[Path]):
        self.linter = linter
        self.root = root
        self.real_root = root.resolve() if root else None
        self.suffixes = tuple(linter.data.suffixes)
        self.reportable = reportable(linter.data)
        self.git_dir = git_dir
        self.state: Dict[str, Image] = {}
        self.dirty: Dict[str, None] = {}  # paths whose state the linter has not seen yet
        self.blobs: Dict[Tuple[str, str], Optional[str]] = {}
        self.outcome = Outcome()

    def is_source(self, path: Optional[str]) -> bool:
        """Whether hvlint reads this path (a C source or header)."""
        return bool(path) and path.endswith(self.suffixes)  # type: ignore[union-attr]

    def is_followed(self, path: Optional[str]) -> bool:
        """A C file, or a build file (Makefile, Kbuild, Kconfig*) that classes C files."""
        return self.is_source(path) or (bool(path) and is_build_file(path))  # type: ignore[arg-type]

    # -- pre-images ------------------------------------------------------------------

    def _tree_image(self, path: str) -> Optional[Image]:
        if self.root is None:
            return None
        target = (self.root / path).resolve()
        try:
            target.relative_to(self.real_root)
        except ValueError:
            raise GateError(f"refusing path {path!r}: it leaves the tree root") from None
        try:
            return postimage.split_lines(target.read_bytes().decode("utf-8", "surrogateescape"))
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as exc:
            raise GateError(f"{path}: cannot read: {exc.strerror or exc}") from None

    def prefetch_git(self, patches: Sequence[Patch]) -> None:
        """Read every post-image and the series' base images from git in one call; the
        base images replace the work tree's files, so patch 1 does not see patch 5."""
        assert self.git_dir is not None
        wanted: List[Tuple[str, str]] = []
        first_touch: Dict[str, str] = {}
        for patch in patches:
            for fd in patch.files:
                for path in (fd.old_path, fd.new_path):
                    if self.is_followed(path) and path not in first_touch:
                        first_touch[path] = patch.commit or ""
                if self.is_followed(fd.new_path) and not fd.binary and patch.commit:
                    wanted.append((patch.commit, fd.new_path))  # type: ignore[arg-type]
        base = [(f"{commit}^", path) for path, commit in first_touch.items() if commit]
        self.blobs = gitrange.read_blobs(wanted + base, self.git_dir)
        for commit_parent, path in base:
            text = self.blobs.get((commit_parent, path))
            self.state[path] = postimage.split_lines(text or "")
            if is_build_file(path):
                self.linter.set_build_overlay(path, text)
            else:
                self.dirty[path] = None

    def read_post_images(self, patch: Patch, rev: str) -> None:
        """Take the post-images of one patch that has no commit (a staged change) from git
        revision ``rev`` (``:`` for the index)."""
        assert self.git_dir is not None
        paths = [fd.new_path for fd in patch.files if self.is_followed(fd.new_path) and not fd.binary]
        blobs = gitrange.read_blobs([(rev, path) for path in paths], self.git_dir)  # type: ignore[misc]
        self.blobs.update({(patch.commit or "", path): text for (_rev, path), text in blobs.items()})

    def weigh_series(self, patches: Sequence[Patch], label: str = "") -> None:
        """Hand the linter what the whole series adds (its added lines) as scheme evidence,
        before any patch is judged: where the tree defines no aliases, a rename series is
        judged by the aliases it brings, from its first patch on (rules/schemes.toml).

        A file of the tree that already holds every line the series adds to it (the series
        is applied in this checkout, or staged) counts as the tree without those lines, so
        the series is not counted twice, once as the tree's.
        """
        added: Dict[str, List[str]] = {}
        for patch in patches:
            for fd in patch.files:
                if not fd.binary and self.is_source(fd.new_path):
                    added.setdefault(fd.new_path, []).extend(a.text for h in fd.hunks for a in h.added)
        evidence: Counter = Counter()
        held: Dict[str, Counter] = {}
        for path, lines in added.items():
            found = self.linter.text_evidence(path, "\n".join(lines)) if any(x.strip() for x in lines) else Counter()
            evidence.update(found)
            tree = self._tree_image(path) if found else None
            if tree is not None and set(lines) <= set(tree.lines):
                held[path] = found
        name = label or ("the series" if len(patches) > 1 else "the patch")
        self.linter.set_series_evidence(name, evidence, held)

    # -- one patch -------------------------------------------------------------------

    def _post_image(self, patch: Patch, fd) -> PostImage:
        if self.git_dir is not None:  # from prefetch_git() or read_post_images()
            text = self.blobs.get((patch.commit or "", fd.new_path))
            if text is not None:
                return postimage.given(text, fd.hunks)
        if fd.status == "added":
            pre: Optional[Image] = Image([], True)
        elif fd.old_path in self.state:
            pre = self.state[fd.old_path]
            if fd.status == "copied":  # hunks apply in place: the source keeps its lines
                pre = Image(list(pre.lines), pre.exact, pre.missing_newline)
        else:
            pre = self._tree_image(fd.old_path)
        return postimage.build(pre, fd.hunks)

    def _flush(self, keep: Optional[str] = None) -> None:
        """Hand the linter every post-image it has not seen (before it lints anything) but
        ``keep``'s."""
        for path in [p for p in self.dirty if p != keep]:
            self.linter.set_overlay(path, self.state[path].text())
            del self.dirty[path]

    @staticmethod
    def _gone(fd) -> Optional[str]:
        """The old path of a file the patch deletes or renames away (a copy keeps it)."""
        if fd.old_path and fd.old_path != fd.new_path and fd.status != "copied":
            return fd.old_path
        return None

    def _known_text(self, path: Optional[str]) -> str:
        """The text of ``path`` before this patch, from the series or the tree ("" when
        neither knows all of it)."""
        known = self.state.get(path) if path in self.state else self._tree_image(path) if path else None
        return known.text() if known is not None and known.exact else ""

    def _update_build_file(self, patch: Patch, fd) -> None:
        """A patch's Makefile, Kbuild or Kconfig change: later files are classed with it."""
        if self._gone(fd) and is_build_file(fd.old_path):
            self.state[fd.old_path] = Image([], True)
            self.linter.set_build_overlay(fd.old_path, None)  # deleted, or renamed away
        if fd.new_path and is_build_file(fd.new_path) and not fd.binary:
            before = self._known_text(fd.old_path) if fd.status != "added" else ""
            post = self._post_image(patch, fd)
            if post.overlay.exact:  # a Makefile rebuilt from its hunks alone would lose rules
                self.state[fd.new_path] = post.overlay
                self.linter.set_build_overlay(fd.new_path, post.overlay.text())
                self.outcome.how[fd.new_path] = post.how
                return
            self.outcome.how[fd.new_path] = "build-lines" if self.root is not None else "build-lines-no-tree"
            builds = self.linter.series_builds()
            if builds is not None:  # the lines the hunks add still count, beside the tree's
                text = buildhunks.use_added_lines(builds, fd.new_path, fd.hunks, before)
                self.state[fd.new_path] = postimage.split_lines(text)

    def _update(self, patch: Patch) -> List[Tuple[str, PostImage]]:
        """Build the post-images of one patch; return the C files it adds lines to."""
        touched: List[Tuple[str, PostImage]] = []
        for fd in patch.files:
            if is_build_file(fd.old_path or "") or is_build_file(fd.new_path or ""):
                self._update_build_file(patch, fd)
                continue
            post = None
            if self.is_source(fd.new_path) and not fd.binary:
                post = self._post_image(patch, fd)
            if self._gone(fd) and self.is_source(fd.old_path):
                self.state[fd.old_path] = Image([], True)  # deleted, or renamed away
                self.dirty[fd.old_path] = None
            if post is None:
                continue
            path = fd.new_path
            self.state[path] = post.overlay
            self.dirty[path] = None
            self.outcome.images[path] = post.image
            self.outcome.how[path] = post.how
            touched.append((path, post))
        return touched

    def check(self, source: Source, patch: Patch) -> None:
        """Judge one patch: update the post-images, lint its C files, keep added lines."""
        ref = patch.ref()
        vname, filename = _vname(source, patch)
        self.outcome.sections.append(
            {"key": ref, "vname": vname, "filename": filename, "lines_checked": patch.lines_checked}
        )
        self.outcome.lines_checked += patch.lines_checked
        if source.git:
            self.outcome.relative_lines[ref] = patch.first_line - 1
        found: List[Finding] = []
        for path, post in self._update(patch):
            if not any(self.reportable.search(a.text) for a in post.added.values()):
                # HV102 judges any name of arch-neutral code: lint it when an added line names
                # something only x86 declares (the tree, or the series so far).
                if self.linter.path_class(path) != "neutral":
                    continue
                self._flush(keep=path)
                if not self.linter.may_name_x86(path, "\n".join(a.text for a in post.added.values())):
                    continue
            self.dirty.pop(path, None)  # lint_text() below sets this one's overlay
            self._flush()
            result = self.linter.lint_text(path, post.image.text())
            if post.index_image is not None:
                self.linter.set_overlay(path, post.index_image.text())
            self.outcome.files_checked += 1
            if post.image.exact:  # a rebuilt image's unbalanced #if is an artefact, not news
                self.outcome.notes.extend(str(p) for p in result.problems)
            for f in result.findings:
                added = post.added.get(f.line)
                if added is None:
                    continue
                moved = f.with_patch(ref)
                if added.line != f.line:
                    moved = _shift(moved, added.line - f.line)
                self.outcome.added[(ref, moved.path, moved.line)] = added
                found.append(moved)
        self.outcome.findings.extend(sorted(found, key=Finding.sort_key))


def _shift(f: Finding, lines: int) -> Finding:
    from dataclasses import replace

    return replace(f, line=f.line + lines, end_line=f.end_line + lines)


# ---------------------------------------------------------------------------------------
# Entry point


def _resolve_root(args: GateOptions, hint: Path) -> Optional[Path]:
    from hvlint.engine import find_root

    if args.no_tree:
        return None
    given = args.root
    if given:
        root = Path(given)
        if not root.is_dir():
            raise GateError(f"--root {given}: not a directory")
        return root
    return find_root([hint])


def _format(args: GateOptions) -> str:
    fmt = args.format
    if fmt == "text" and any(getattr(args, name) for name in CHECKPATCH_FLAGS):
        return "checkpatch"
    return fmt


def _color(args: GateOptions, stdout: IO) -> bool:
    if args.color == "always":
        return True
    if args.color == "never" or os.environ.get("NO_COLOR"):
        return False
    return _is_terminal(stdout)


def _read_sources(args: GateOptions, stdin: IO) -> Optional[Tuple[List[Source], Path]]:
    """The series to judge and the folder to look for a tree from, or None (not a patch run)."""
    if args.git:
        exprs = list(args.git) + _positional(args)
        series = gitrange.read_range(exprs, Path.cwd())
        return [Source(name=" ".join(exprs), patches=series.patches, git=True)], series.toplevel
    inputs = _patch_inputs(args, stdin)
    if inputs is None:
        return None
    sources = []
    for name, data in inputs:
        try:  # undetected --patch input is read as a bare diff, as read_series does anyway
            patches = read_series(data)
        except PatchError as exc:
            if not (args.mailback and isinstance(exc, NotAPatchError)):
                raise GateError(f"{'stdin' if name == '-' else name}: {exc}") from None
            patches = []
        sources.append(Source(name=name, patches=patches))
    return sources, Path.cwd()


def _checkpatch_options(args: GateOptions, settings: Settings, stdout: IO) -> dict:
    return {
        "terse": args.terse,
        "emacs": args.emacs,
        "showfile": args.showfile,
        "show_types": args.show_types,
        "quiet": args.quiet,
        "summary": args.summary,
        "summary_file": args.summary_file,
        "color": _color(args, stdout),
        "strict": settings.strict,
        "ignored": sorted(t for t in settings.ignore if not t[2:].isdigit()),
    }


def _run_files(args: GateOptions, settings: Settings, stdout: IO, stderr: IO) -> Optional[int]:
    """``-f`` with checkpatch output: lint source files, one checkpatch section per file."""
    from hvlint.reporters import print_problems, report
    from hvlint.engine import Linter

    if _format(args) != "checkpatch":
        return None  # the core lints files in every other format
    names = _positional(args) or ["."]
    root = _resolve_root(args, Path(names[0]))
    linter = Linter(settings, root)
    result = linter.lint_paths([Path(n) for n in names])
    print_problems(result.problems, stderr)
    if args.mailback and not result.findings:
        return 2 if result.problems else 0
    sections: List[dict] = []
    for name in names:
        rel = linter.relpath(Path(name))
        scanned = linter.scanned(rel)
        if scanned is not None:
            sections.append(
                {"key": rel, "vname": name, "filename": name, "lines_checked": scanned.line_count}
            )
    listed = {s["key"] for s in sections}
    for path in dict.fromkeys(f.path for f in result.findings):
        if path not in listed:
            scanned = linter.scanned(path)
            lines = scanned.line_count if scanned is not None else 0
            sections.append({"key": path, "vname": path, "filename": path, "lines_checked": lines})
    options = {"checkpatch": _checkpatch_options(args, settings, stdout), "sections": sections}
    report(result, linter, "checkpatch", stdout, options)
    if result.problems:
        return 2
    return 1 if result.findings else 0


def _verbose(gate: SeriesGate, root: Optional[Path], stderr: IO) -> None:
    linter = gate.linter
    stderr.writelines(f"hvlint: {note}\n" for note in linter.run_notes("none (--no-tree or no kernel tree found)"))
    hows = {
        "applied": "the patch applied to the tree",
        "in-tree": "the tree already holds the patch",
        "sparse": "rebuilt from the hunks alone",
        "given": "read from git",
        "build-lines": "could not be applied to the tree; the entries and rules its hunks add "
        "count besides the tree's",
        "build-lines-no-tree": "rebuilt from the hunks alone; the entries and rules they add count",
    }
    lines = [f"{path}: post-image {hows.get(how, how)}" for path, how in gate.outcome.how.items()]
    lines += buildhunks.verbose_notes(linter, list(gate.outcome.images))
    lines += [f"note: {note}" for note in gate.outcome.notes]
    stderr.writelines(f"hvlint: {line}\n" for line in lines)


def run(args: GateOptions, settings: Settings, stdin: IO, stdout: IO, stderr: IO) -> Optional[int]:
    """Run the gate; None when the invocation is not about patches (the core lints files).

    ``args`` is made once at the command line (GateOptions.from_namespace) or by a Python
    caller; the exit status is 0 (clean), 1 (findings) or 2 (usage or input error)."""
    from hvlint.engine import Linter

    try:
        if args.file:
            return _run_files(args, settings, stdout, stderr)
        found = _read_sources(args, stdin)
        if found is None:
            return None
        sources, hint = found
        if not any(s.patches for s in sources):
            return 0  # --mailback and nothing that looks like a patch: checkpatch says nothing
        root = _resolve_root(args, hint)
        linter = Linter(settings, root)
        linter.prepare()
        git_dir = hint if sources[0].git else None
        gate = SeriesGate(linter, root, git_dir)
        gate.weigh_series([p for source in sources for p in source.patches])
        if git_dir is not None:
            gate.prefetch_git(sources[0].patches)
        for source in sources:
            for patch in source.patches:
                gate.check(source, patch)
        linter.save_cache()
    except (GateError, PatchError, gitrange.GitRangeError) as exc:
        stderr.write(f"hvlint: error: {exc}\n")
        return 2
    outcome = gate.outcome
    if args.verbose:
        _verbose(gate, root, stderr)
    return emit(args, settings, gate, root, outcome.findings, _format(args), stdout, stderr)


def emit(
    args: GateOptions,
    settings: Settings,
    gate: SeriesGate,
    root: Optional[Path],
    findings: List[Finding],
    fmt: str,
    stdout: IO,
    stderr: IO,
) -> int:
    """Write ``findings`` of a gate run in format ``fmt`` (the text format's summary line on
    ``stderr``: --fix changes a tree, not a patch, so it counts nothing fixable); the exit
    status (0 or 1)."""
    from hvlint.reporters import get, meta_for
    from hvlint.reporters.summary import summary_line

    if args.mailback and not findings:
        return 0
    outcome = gate.outcome
    options = {
        "checkpatch": _checkpatch_options(args, settings, stdout),
        "sections": outcome.sections,
        "input_line": outcome.input_line,
        "added_text": outcome.added_text,
    }
    counts = (outcome.files_checked, outcome.lines_checked)
    meta = meta_for(gate.linter, root, *counts, outcome.source_line, options=options)
    stdout.write(get(fmt)(findings, meta))
    if fmt == "text" and findings and args.summary:
        stderr.write(summary_line(findings, None))
    return 1 if findings else 0
