"""The editor's rename quick fix, when the new name does not exist yet: what ``--fix`` would do.

A rename to a name defined nowhere (``HV_SYN_REG_SIMP`` in a v6.1 tree, which has no synthetic
alias yet) would leave code that does not build. So when the suggestion is not defined on
every arch, the quick fix is planned by the ``--fix`` planner itself, restricted to the
finding's name (``hvlint --fix --only NAME FILE``): the calls are rewritten and the missing
alias definitions are added to the arch headers in the same edit, after the planner's own
check that every touched name keeps its value on every arch. When the planner leaves the
finding, no rename is offered, and the log says why.

The planner works on the server's own tree Linter (on the lint thread, its only user) and on
the editor's buffers: open documents are planned from their unsaved text, other files from
disk. Its check sets and drops overlays; the buffers' overlays are put back afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from hvlint.engine import Linter
from hvlint.findings import Finding
from hvlint.fix import data as fix_data
from hvlint.fix.data import FIX_ARCHES
from hvlint.fix.edit import Edit
from hvlint.fix.plan import Options, Planner
from hvlint.fix.tree import Snapshot, TreeFiles
from hvlint.fix.verify import verify

_IDENT = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class PlannedFix:
    """The files a fix changes: root-relative path -> (text before, edits on that text)."""

    files: Dict[str, Tuple[str, List[Edit]]]
    others: Tuple[str, ...]  # the files changed besides the finding's own
    code: str  # the rule of the finding

    def new_name(self, finding: Finding) -> Optional[str]:
        """The name the plan writes where ``finding`` stands (None: it writes none there)."""
        entry = self.files.get(finding.path)
        if entry is None:
            return None
        text, edits = entry
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        if finding.line > len(starts):
            return None
        offset = starts[finding.line - 1] + finding.column - 1
        for e in edits:
            name = _IDENT.match(e.new) if e.start == offset else None
            if name:  # a renamed definition keeps its column: the padding follows the name
                return name.group()
        return None

    def title(self, name: str, new: str) -> str:
        """The action's title: what it renames, and which other files it changes."""
        if not self.others:
            return f"hvlint: rename {name} to {new} in this file"
        if self.code == "HV103":  # the other files are the arch headers that get the alias
            return f"hvlint: rename {name} to {new} in this file, defining it in " + " and ".join(
                self.others
            )
        return f"hvlint: rename {name} to {new} in {len(self.others) + 1} files, as --fix does"


def needed_arches(finding: Finding) -> Tuple[str, ...]:
    """Where the suggestion must be defined for a plain rename: x86 for the MSR name of an x86
    definition or use (HV101), every arch for the alias a shared caller takes (HV103)."""
    return ("x86",) if finding.code == "HV101" else FIX_ARCHES


class BufferTree(TreeFiles):
    """--fix's view of the tree, with open buffers in place of their files on disk."""

    def __init__(
        self, linter: Linter, buffers: Dict[str, str], candidates: Optional[Sequence[Path]]
    ) -> None:
        super().__init__(linter, candidates)
        self._buffers = dict(buffers)

    def users(self, names: Iterable[str]) -> List[str]:
        """Files that mention one of ``names``: on disk, or in an open buffer as it is now."""
        names = list(names)
        found = set(super().users(names))
        found.update(rel for rel, text in self._buffers.items() if any(n in text for n in names))
        return sorted(found)

    def snapshot(self, relpath: str) -> Optional[Snapshot]:
        """An open buffer's text as the file's snapshot; other files as --fix reads them."""
        text = self._buffers.get(relpath)
        if text is None:
            return super().snapshot(relpath)
        sf = self.linter.scan_text(relpath, text)
        problem = f"cannot be followed safely ({sf.problems[0]})" if sf.problems else None
        return Snapshot(relpath, text.encode("utf-8", "surrogatepass"), text, sf, problem)


def is_defined(linter: Linter, name: str, arches: Iterable[str] = FIX_ARCHES) -> bool:
    """Whether the tree (or an open buffer) defines ``name`` for each of ``arches``."""
    defs = [d for d in linter.index.definitions(name) if not d.builtin]
    have = frozenset().union(*(d.arches for d in defs)) if defs else frozenset()
    return set(arches) <= have


def plan_rename(
    linter: Linter,
    buffers: Dict[str, str],
    findings: Sequence[Finding],
    candidates: Optional[Sequence[Path]] = None,
) -> Union[PlannedFix, str]:
    """What ``--fix --only NAME`` does for ``findings`` (one name, one file, one rule), or why
    it does nothing: a reason to log. ``candidates``: the tree's candidate files, when the
    caller keeps them (the walk costs seconds on a kernel tree)."""
    first = findings[0]
    settings = linter.settings
    # One scheme for the whole plan, as --fix does: its check must not let "auto" decide anew.
    linter.settings = replace(settings, scheme=linter.scheme.name)
    tree = BufferTree(linter, buffers, candidates)
    planner = Planner(
        linter,
        tree,
        fix_data.load(),
        list(findings),
        Options(codes=(first.code,), only=(first.name,)),
    )
    try:
        plan = planner.plan(lambda p: verify(linter, tree, p))
    finally:
        linter.settings = settings
        for rel, text in buffers.items():  # verify() dropped the overlays it set
            linter.set_overlay(rel, text)
    left = [x for x in plan.left if x.finding in findings]
    if left:
        return left[0].reason
    if first.path not in plan.new_texts:
        return "the fix would not change this file"
    files = {rel: (plan.old_texts[rel], plan.edits.get(rel, [])) for rel in plan.new_texts}
    return PlannedFix(files, tuple(sorted(rel for rel in files if rel != first.path)), first.code)
