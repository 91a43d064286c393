"""Tree-wide renames of one symbol that a migration (rules/migrations.toml) makes: the
generic accessors and their helpers take the scheme's names, and another scheme's alias
definitions take the scheme's prefix, at every definition, declaration, export and use.

A symbol is the same on every arch, so a rename is all or nothing over the tree (less the
paths whose names are not the kernel's, tools/ among them): it is refused when the new name
is already a word of the tree, or when a file that uses the old one cannot be changed.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple, Union

from hvlint.fix.data import Migration
from hvlint.fix.tree import TreeFiles, code_occurrences, comment_occurrences, name_patterns


@dataclass
class NameRename:
    """``old`` -> ``new`` at every ``(path, offset)`` of ``sites``; ``kind`` is "function" or
    "aliasname" (a synthetic alias of another scheme)."""

    key: str
    kind: str
    old: str
    new: str
    sites: List[Tuple[str, int]]


def selected(migration: Migration, only: Sequence[str]) -> List[Tuple[str, str]]:
    """The migration's function (old, new) pairs that ``--only`` globs leave in (all without
    globs)."""
    return [(old, new) for old, new in migration.functions if matches(only, old, new)]


def matches(only: Sequence[str], *names: str) -> bool:
    """No ``--only`` globs, or one of them matches one of ``names``."""
    return not only or any(fnmatch.fnmatchcase(n, g) for n in names for g in only)


def first_use(tree: TreeFiles, name: str) -> Optional[str]:
    """``path:line`` of the first code use of ``name`` in the tree, if any."""
    patterns = name_patterns([name])
    for rel in tree.users([name]):
        snap = tree.snapshot(rel)
        if snap is None:
            continue
        found = code_occurrences(snap.sf, patterns)
        if found:
            return f"{rel}:{snap.sf.position(found[0][1])[0]}"
    return None


def plan_rename(
    tree: TreeFiles, old: str, new: str, fix_comments: bool, kind: str = "function"
) -> Union[NameRename, str, None]:
    """The rename of ``old``; None when the tree does not use it, else a reason."""
    what = f"{old}()" if kind == "function" else old
    to = f"{new}()" if kind == "function" else new
    patterns = name_patterns([old])
    sites: List[Tuple[str, int]] = []
    for rel in tree.users([old]):
        snap = tree.snapshot(rel)
        if snap is None:
            return f"{rel} mentions {old} but cannot be read, so {what} is not renamed to {to}"
        found = code_occurrences(snap.sf, patterns)
        if fix_comments:
            found += comment_occurrences(snap.sf, patterns)
        if found and snap.problem:
            return f"{what} is used in {rel}, which {snap.problem}, so it is not renamed to {to}"
        sites += [(rel, off) for _name, off in found]
    if not sites:
        return None
    clash = first_use(tree, new)
    if clash is not None:
        return f"{new} already exists ({clash}), so {what} is not renamed to it"
    return NameRename(f"{kind}:{old}", kind, old, new, sorted(sites))
