"""``--git RANGE``: the commits of a git range as a patch series, like ``checkpatch.pl --git``.

Accepted forms: ``A..B``, ``A...B``, ``A..`` / ``..B`` (the missing side is HEAD), a single
commit (``HEAD``, ``v6.1~3``, a sha), and checkpatch's ``REV-N`` (the N commits ending at
REV). Merges are skipped. Every revision the user typed is resolved to a commit id through
``git cat-file --batch-check`` (read from stdin, never from the command line), and git is
always run with an argument list, never through a shell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from hvlint.gate.patches import Patch, read_series


class GitRangeError(ValueError):
    """The range is not a range of commits, or git failed."""


# Options that keep `git format-patch` output the same whatever the user's git config says.
_FORMAT_PATCH = [
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicPrefix=false",
    "-c",
    "format.signOff=false",
    "format-patch",
    "--stdout",
    "-M",
    "--no-numbered",
    "--no-cover-letter",
    "--no-attach",
    "--no-signature",
    "--no-thread",
    "--no-base",
    "--no-signoff",
    "--no-notes",
    "--src-prefix=a/",
    "--dst-prefix=b/",
]
_RANGE = re.compile(r"^(.*?)(\.\.\.?)(.*)$")
_COUNT = re.compile(r"^(.+)-(\d+)$")


@dataclass
class GitSeries:
    """A git range read as a series: the patches and where they came from."""

    toplevel: Path
    patches: List[Patch]


def git(args: Sequence[str], cwd: Path, stdin: Optional[bytes] = None) -> bytes:
    """Run git with ``args`` in ``cwd``; raise GitRangeError with git's message on failure."""
    import subprocess  # here: a patch mail's run starts no git and need not import it

    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=str(cwd),
            input=stdin if stdin is not None else b"",
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise GitRangeError(f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = msg[-1] if msg else f"exit status {proc.returncode}"
        raise GitRangeError(f"git {args[0] if args else ''}: {detail}")
    return proc.stdout


def toplevel(cwd: Path) -> Path:
    """The top of the git work tree holding ``cwd``."""
    try:
        out = git(["rev-parse", "--show-toplevel"], cwd)
    except GitRangeError:
        raise GitRangeError(f"{cwd}: not inside a git repository") from None
    return Path(out.decode("utf-8", "surrogateescape").strip())


def check_text(expr: str) -> None:
    """Refuse text that cannot be a revision or range (empty, an option, blanks or control
    characters) before it reaches git; raises :class:`GitRangeError`."""
    if not expr:
        raise GitRangeError("empty git range")
    if expr.startswith("-"):
        raise GitRangeError(f"{expr!r} is not a commit range (it starts with '-')")
    if any(ch.isspace() or ord(ch) < 32 or ch == "\x7f" for ch in expr):
        raise GitRangeError(
            f"{expr!r} is not a commit range (it holds blanks or control characters)"
        )


def resolve_commits(revs: Iterable[str], cwd: Path) -> Dict[str, Optional[str]]:
    """Resolve each revision to a commit id (None when it names no commit), in one git call."""
    revs = list(dict.fromkeys(revs))
    if not revs:
        return {}
    query = "".join(f"{rev}^{{commit}}\n" for rev in revs).encode("utf-8")
    out = git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], cwd, stdin=query)
    result: Dict[str, Optional[str]] = {}
    for rev, line in zip(revs, out.decode("utf-8", "replace").splitlines()):
        parts = line.split()
        result[rev] = parts[0] if len(parts) == 2 and parts[1] == "commit" else None
    return result


def revision_args(exprs: Sequence[str], cwd: Path) -> List[List[str]]:
    """Turn each range expression into `git format-patch` revision arguments made of commit ids.

    Raises GitRangeError for anything that is not a commit, a range of commits, or REV-N.
    """
    parsed: List[Tuple[str, Tuple[str, ...]]] = []
    for expr in exprs:
        check_text(expr)
        m = _RANGE.match(expr)
        if m:
            if ".." in m.group(3) or ".." in m.group(1):
                raise GitRangeError(f"{expr!r} is not a commit range")
            parsed.append((m.group(2), (m.group(1) or "HEAD", m.group(3) or "HEAD")))
        else:
            parsed.append(("single", (expr,)))
    names = [r for _, revs in parsed for r in revs]
    counts = {e: _COUNT.match(e) for kind, (e, *_) in parsed if kind == "single"}
    names += [m.group(1) for m in counts.values() if m]
    ids = resolve_commits(names, cwd)
    out: List[List[str]] = []
    for expr, (kind, revs) in zip(exprs, parsed):
        if kind == "single":
            sha = ids.get(revs[0])
            count = counts.get(revs[0])
            if sha:
                out.append(["-1", sha])
            elif count and ids.get(count.group(1)):
                out.append([f"-{int(count.group(2))}", ids[count.group(1)]])
            else:
                raise GitRangeError(f"{expr!r} is not a commit or a commit range")
            continue
        bad = [r for r in revs if not ids.get(r)]
        if bad:
            raise GitRangeError(f"{expr!r} is not a commit range ({bad[0]!r} is not a commit)")
        a, b = (ids[r] for r in revs)
        out.append([f"{a}...{b}"] if kind == "..." else [f"^{a}", b])
    return out


def read_range(exprs: Sequence[str], cwd: Path) -> GitSeries:
    """Read the commits of every range in ``exprs`` (in order) as one series; merges skipped."""
    top = toplevel(cwd)
    patches: List[Patch] = []
    for args in revision_args(exprs, top):
        text = git([*_FORMAT_PATCH, *args, "--"], top)
        found = read_series(text, kind="mbox") if text.strip() else []
        if args[0] == "-1":  # a merge yields its newest non-merge ancestor: not this commit
            found = [p for p in found if p.commit == args[1]]
        patches.extend(found)
    if not patches:
        raise GitRangeError(f"no commits in {' '.join(exprs)} (merges are skipped)")
    for pos, patch in enumerate(patches, 1):
        patch.index, patch.total = pos, len(patches)
    return GitSeries(toplevel=top, patches=patches)


def read_blobs(
    requests: Sequence[Tuple[str, str]], cwd: Path
) -> Dict[Tuple[str, str], Optional[str]]:
    """Read files at commits, ``{(commit, path): text or None when absent}``, in one git call."""
    wanted = list(dict.fromkeys(requests))
    if not wanted:
        return {}
    query = "".join(f"{commit}:{path}\n" for commit, path in wanted).encode(
        "utf-8", "surrogateescape"
    )
    out = git(["cat-file", "--batch"], cwd, stdin=query)
    result: Dict[Tuple[str, str], Optional[str]] = {}
    pos = 0
    for key in wanted:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            result[key] = out[pos : pos + size].decode("utf-8", "surrogateescape")
            pos += size + 1
        else:
            result[key] = None
    return result
