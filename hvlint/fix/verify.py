"""Check a plan before anything is shown or written.

Two questions, asked of the edited texts through the engine itself:

1. Does every use of a touched name still mean the same number on every arch its line is
   compiled for? (A rename that would leave an x86 use without a definition, or an alias
   defined with the wrong register, changes a value and is caught here.)
2. Are the findings the fix claims to settle really gone?

The edited texts are set as overlays of the linter for the check and dropped afterwards.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from hvlint.engine import Linter
from hvlint.fix.edit import Edit, new_offset
from hvlint.fix.plan import CALL_CODES, Plan
from hvlint.fix.tree import TreeFiles, code_occurrences, name_patterns
from hvlint.c.values import Resolved, describe

_IDENT = re.compile(r"[A-Za-z_]\w*")


def _after(name: str, off: int, edits: Sequence[Edit]) -> Optional[str]:
    """The name at ``off`` after the edits: replaced, unchanged, or None when removed."""
    for e in edits:
        if e.start <= off < e.end:
            m = _IDENT.match(e.new)
            if e.start == off and m and e.end >= off + len(name) and not e.new[m.end() :].strip():
                return m.group()
            return None
    return name


def verify(linter: Linter, tree: TreeFiles, plan: Plan) -> Dict[str, str]:
    """Item key -> why the item is wrong; empty when the plan holds."""
    names = set().union(*(it.names for it in plan.items)) if plan.items else set()
    names.discard(None)
    if not names:
        return {}
    patterns = name_patterns(names)
    checks: List[Tuple[str, int, str, str, str, int]] = []
    for rel in sorted(set(tree.users(names)) | set(plan.new_texts)):
        snap = tree.snapshot(rel)
        if snap is None:
            continue
        edits = plan.edits.get(rel, [])
        for name, off in code_occurrences(snap.sf, patterns):
            new = _after(name, off, edits)
            if new is None:
                continue
            line = snap.sf.position(off)[0]
            for arch in sorted(tree.arches(rel, line)):
                r = linter.resolver.resolve(name, arch)
                if isinstance(r, Resolved):
                    checks.append((rel, line, name, new, arch, r.value))
    failures: Dict[str, str] = {}
    for rel, text in sorted(plan.new_texts.items()):
        linter.set_overlay(rel, text)
    try:
        for rel, line, old, new, arch, value in checks:
            r = linter.resolver.resolve(new, arch)
            if isinstance(r, Resolved) and r.value == value:
                continue
            reason = (
                f"{rel}:{line}: {old} is 0x{value:08X} on {arch} but would become "
                f"{new} = {describe(r)}"
            )
            for it in plan.items:
                if old in it.names or new in it.names:
                    failures.setdefault(it.key, reason)
        failures.update(_findings_left(linter, tree, plan, failures))
    finally:
        for rel in sorted(plan.new_texts):
            linter.set_overlay(rel, None)
    return failures


def _findings_left(
    linter: Linter, tree: TreeFiles, plan: Plan, failures: Dict[str, str]
) -> Dict[str, str]:
    """Items whose findings the edited texts still report."""
    out: Dict[str, str] = {}
    after: Dict[str, list] = {}
    for rel, text in sorted(plan.new_texts.items()):
        after[rel] = linter.lint_text(rel, text).findings
    hv101 = {f.name for fs in after.values() for f in fs if f.code == "HV101"}
    for it in plan.items:
        if it.key in failures:
            continue
        for f in it.findings:
            if f.code == "HV101" and f.name in hv101:
                out[it.key] = f"{f.name} would still be reported after the rename"
            elif f.code in CALL_CODES and f.path in after:
                sf = linter.scanned(f.path)
                old_off = tree_offset(tree, plan, f)
                if old_off is None or sf is None:
                    continue
                pos = sf.position(new_offset(old_off, plan.edits.get(f.path, [])))
                if any(g.code == f.code and (g.line, g.column) == pos for g in after[f.path]):
                    out[it.key] = (
                        f"{f.path}:{f.line}: the call would still be reported after the rewrite"
                    )
    return out


def tree_offset(tree: TreeFiles, plan: Plan, f) -> Optional[int]:
    """Offset of finding ``f`` in the text the plan was made from (its snapshot's lines)."""
    if f.path not in plan.old_texts:
        return None
    snap = tree.snapshot(f.path)
    if snap is None or f.line > len(snap.sf.line_starts):
        return None
    return snap.sf.line_starts[f.line - 1] + f.column - 1
