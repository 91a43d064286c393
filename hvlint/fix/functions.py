"""Function renames of a migration (rules/migrations.toml): the generic accessors and their
helpers take the scheme's names at every definition, declaration, export and use.

A function is one symbol on every arch, so a rename is all or nothing over the tree (less
the paths whose names are not the kernel's, tools/ among them): it is refused when the new
name is already a word of the tree, or when a file that uses the old one cannot be changed.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple, Union

from hvlint.fix.data import Migration
from hvlint.fix.tree import TreeFiles, code_occurrences, comment_occurrences, name_patterns


@dataclass
class FunctionRename:
    """``old`` -> ``new`` at every ``(path, offset)`` of ``sites``."""

    key: str
    old: str
    new: str
    sites: List[Tuple[str, int]]


def selected(migration: Migration, only: Sequence[str]) -> List[Tuple[str, str]]:
    """The migration's (old, new) pairs that ``--only`` globs leave in (all without globs)."""
    return [
        (old, new)
        for old, new in migration.functions
        if not only or any(fnmatch.fnmatchcase(n, g) for n in (old, new) for g in only)
    ]


def _first_use(tree: TreeFiles, name: str) -> Optional[str]:
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
    tree: TreeFiles, old: str, new: str, fix_comments: bool
) -> Union[FunctionRename, str, None]:
    """The rename of function ``old``; None when the tree does not use it, else a reason."""
    patterns = name_patterns([old])
    sites: List[Tuple[str, int]] = []
    for rel in tree.users([old]):
        snap = tree.snapshot(rel)
        if snap is None:
            return f"{rel} mentions {old} but cannot be read, so {old}() is not renamed to {new}()"
        found = code_occurrences(snap.sf, patterns)
        if fix_comments:
            found += comment_occurrences(snap.sf, patterns)
        if found and snap.problem:
            return f"{old}() is used in {rel}, which {snap.problem}, so it is not renamed to {new}()"
        sites += [(rel, off) for _name, off in found]
    if not sites:
        return None
    clash = _first_use(tree, new)
    if clash is not None:
        return f"{new} already exists ({clash}), so {old}() is not renamed to it"
    return FunctionRename(f"function:{old}", old, new, sorted(sites))
