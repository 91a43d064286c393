"""Turn findings into one consistent set of edits, or say why each one is left.

Planning runs in rounds. Each round decides the calls (HV103), the function renames of the
migration to the scheme (rules/migrations.toml), the aliases the calls need (and, for a whole
tree, the rest of the scheme's alias set), then the renames (HV101, which may rely on the
calls), and builds the edits; the result is then
verified (fix_verify). Anything found wrong is excluded, with its reason, and the round is
run again without it, so a refusal carries through to whatever depended on it.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Set, Tuple, Union

from hvlint.engine import Linter, looks_like_register_alias
from hvlint.findings import Finding
from hvlint.fix.alias import NewAlias, block_edit, merge_edits
from hvlint.fix.data import FIX_ARCHES, FixData, Migration
from hvlint.fix.edit import Edit, OverlapError, apply, lines_of, orphan_lines, rename_aligned
from hvlint.fix.renames import NameRename, matches, plan_rename, selected
from hvlint.fix.items import AliasAdd, Analyzer, CallPlan, Need, RenamePlan, hexval
from hvlint.fix.tree import TreeFiles, comment_occurrences, name_patterns

# HV105 (another scheme's alias, where that rule exists) passed as an accessor's register is
# fixed as HV103 is: the argument becomes the scheme's alias. Elsewhere it is left.
CALL_CODES = ("HV103", "HV105")
FIXABLE = ("HV101",) + CALL_CODES
ITEM_KINDS = ("rename", "call", "alias", "function", "aliasname")
MAX_ROUNDS = 64


@dataclass
class Item:
    """One fix: what it changes, which findings it settles, which names it touches."""

    key: str
    code: str
    title: str
    findings: List[Finding]
    names: Set[str]
    edits: List[Tuple[str, Edit]] = field(default_factory=list)


@dataclass
class Left:
    """A finding that stays, and why."""

    finding: Finding
    reason: str


@dataclass
class Plan:
    """The edits of a run, file by file, with what they fix and what they leave."""

    items: List[Item]
    left: List[Left]
    notes: List[str]
    old_texts: Dict[str, str]
    new_texts: Dict[str, str]
    edits: Dict[str, List[Edit]]

    def count(self, kind: str) -> int:
        """Number of items of a kind (one of ITEM_KINDS)."""
        return sum(1 for it in self.items if it.key.startswith(kind + ":"))


@dataclass
class Options:
    """What to fix: rule codes, name globs, comments too; ``whole_tree`` when the run covers
    the tree root (only then does a migration add the aliases no call needs yet)."""

    codes: Tuple[str, ...] = FIXABLE
    only: Tuple[str, ...] = ()
    fix_comments: bool = False
    whole_tree: bool = False


Verifier = Callable[[Plan], Dict[str, str]]


class Planner:
    """Plans the fixes of ``findings`` in ``tree``."""

    def __init__(
        self,
        linter: Linter,
        tree: TreeFiles,
        fixdata: FixData,
        findings: List[Finding],
        options: Options,
        migration: Optional[Migration] = None,
    ) -> None:
        self.linter = linter
        self.tree = tree
        self.fixdata = fixdata
        self.options = options
        self.migration = migration
        self.an = Analyzer(linter, tree, fixdata.alias_headers)
        self.data = linter.data
        self.scheme = self.an.scheme
        self.static_left: List[Left] = []
        self._name_plans: Dict[str, Union[NameRename, str, None]] = {}
        self.hv101: Dict[str, List[Finding]] = {}
        self.hv103: List[Finding] = []
        for f in findings:
            if f.code not in options.codes or f.code not in FIXABLE:
                self.static_left.append(Left(f, f"no automatic fix for {f.code} {f.type}"))
            elif options.only and not self._selected(f):
                self.static_left.append(Left(f, "not selected by --only"))
            elif f.code == "HV101":
                self.hv101.setdefault(f.name, []).append(f)
            elif f.code == "HV103" or self.an.in_call(f):
                self.hv103.append(f)
            else:
                self.static_left.append(Left(f, f"no automatic fix for {f.code} {f.type}"))

    def _selected(self, f: Finding) -> bool:
        names = [f.name] + ([f.suggestion] if f.suggestion else [])
        return any(fnmatch.fnmatchcase(n, glob) for n in names for glob in self.options.only)

    # -- rounds ---------------------------------------------------------------------------

    def plan(self, verify: Verifier) -> Plan:
        """The largest consistent plan: rounds until the plan builds and verifies."""
        excluded: Dict[str, str] = {}
        for _ in range(MAX_ROUNDS):
            plan, retry = self._round(excluded)
            if not retry and plan.items:
                retry = verify(plan)
            if not retry:
                return plan
            fresh = {k: v for k, v in retry.items() if k not in excluded}
            if not fresh:
                break  # nothing left to take out: no consistent plan
            excluded.update(fresh)
        reason = "hvlint could not make its fixes agree, so it changes nothing"
        stuck = [f for fs in self.hv101.values() for f in fs] + self.hv103
        return self._empty(self.static_left + [Left(f, reason) for f in stuck], [])

    def _round(self, excluded: Dict[str, str]) -> Tuple[Plan, Dict[str, str]]:
        left = list(self.static_left)
        notes: List[str] = []
        retry: Dict[str, str] = {}
        left_sites: Dict[Tuple[str, int], str] = {}
        calls = self._calls(excluded, left, left_sites)
        functions = self._functions(excluded, notes) + self._alias_renames(excluded, notes)
        renamed = {r.new: r.old for r in functions if r.kind == "aliasname"}
        adds, refused = self._aliases(calls, excluded, notes, renamed)
        live_calls: Dict[str, CallPlan] = {}
        for key, cp in calls.items():
            reason = refused.get(key)
            if reason is None:
                live_calls[key] = cp
                continue
            left += [Left(f, reason) for f in cp.findings]
            for off, _old, _alias in cp.rewrites:
                left_sites[(cp.path, off)] = reason
        renames = self._renames(live_calls, left_sites, excluded, left)
        self._x86_targets(adds, renames, retry)
        if retry:
            return self._empty(left, notes), retry
        try:
            plan = self._build(live_calls, adds, renames, functions, left, notes)
        except OverlapError as exc:
            culprit = next(
                (e.item for e in (exc.second, exc.first) if e.item.split(":")[0] in ITEM_KINDS), ""
            )
            return self._empty(left, notes), {
                culprit: f"its edits overlap those of {exc.first.item}"
            }
        return plan, {}

    def _empty(self, left: List[Left], notes: List[str]) -> Plan:
        return Plan([], left, notes, {}, {}, {})

    # -- the pieces -----------------------------------------------------------------------

    def _calls(
        self, excluded: Dict[str, str], left: List[Left], left_sites: Dict[Tuple[str, int], str]
    ) -> Dict[str, CallPlan]:
        """The calls to rewrite; a refused one is left, and remembered by position."""
        calls: Dict[str, CallPlan] = {}
        for f in sorted(self.hv103, key=Finding.sort_key):
            cp = self.an.call(f)
            if isinstance(cp, str):
                left.append(Left(f, cp))
                snap = self.tree.snapshot(f.path)
                if snap is not None and f.line <= len(snap.sf.line_starts):
                    left_sites[(f.path, snap.sf.line_starts[f.line - 1] + f.column - 1)] = cp
            elif cp.key in excluded:
                left.append(Left(f, excluded[cp.key]))
            elif cp.key in calls:
                calls[cp.key].findings.append(f)
            else:
                calls[cp.key] = cp
        return calls

    def _aliases(
        self,
        calls: Dict[str, CallPlan],
        excluded: Dict[str, str],
        notes: List[str],
        renamed: Dict[str, str],
    ) -> Tuple[Dict[Tuple[str, str], AliasAdd], Dict[str, str]]:
        """The alias definitions to add; ``renamed`` maps an alias to the other scheme's alias
        whose definition this run renames to it (no new definition where that one is)."""
        by_alias: Dict[Tuple[str, str], List[Tuple[Need, str]]] = {}
        for key, cp in calls.items():
            for need in cp.needs:
                by_alias.setdefault((need.arch, need.alias), []).append((need, key))
        for need in self._migration_needs():
            by_alias.setdefault((need.arch, need.alias), []).append((need, ""))
        adds: Dict[Tuple[str, str], AliasAdd] = {}
        refused: Dict[str, str] = {}
        lacking: List[Tuple[str, str]] = []  # (alias, why): only the migration asked for it
        for (arch, alias), pairs in sorted(by_alias.items()):
            needs = [n for n, _ in pairs]
            required = sorted({k for n, k in pairs if n.required})
            result = self._renamed_alias(arch, alias, needs, renamed.get(alias))
            if result == "":
                continue  # the renamed definition is the alias, with the value the calls need
            key = f"alias:{arch}:{alias}"
            if isinstance(result, AliasAdd) and key in excluded:
                result = excluded[key]
            if isinstance(result, str):
                if required:
                    for k in required:
                        refused.setdefault(k, result)
                else:
                    where = sorted({f"{calls[k].path}:{calls[k].line}" for _n, k in pairs if k})
                    if where:
                        notes.append(
                            f"{result}; the calls that use it ({', '.join(where)}) "
                            f"are not built for {arch}"
                        )
                    else:
                        lacking.append((alias, result))
            elif result is not None:
                adds[(arch, alias)] = result
        # An alias nobody needs any more (all its calls refused) is not added.
        used = {
            (n.arch, n.alias) for key, cp in calls.items() if key not in refused for n in cp.needs
        } | {k for k, pairs in by_alias.items() if any(not key for _n, key in pairs)}
        # An arch that lacks a register the migration defines elsewhere in this run says so.
        added = {alias for _arch, alias in adds}
        notes += [
            f"{why} (the {self.scheme.name} scheme defines it where the register exists)"
            for alias, why in lacking
            if alias in added
        ]
        return {k: v for k, v in adds.items() if k in used}, refused

    def _renames(
        self,
        calls: Dict[str, CallPlan],
        left_sites: Dict[Tuple[str, int], str],
        excluded: Dict[str, str],
        left: List[Left],
    ) -> Dict[str, RenamePlan]:
        covered = {(cp.path, off) for cp in calls.values() for off, _o, _a in cp.rewrites}
        hv103_on = self._hv103_on()
        out: Dict[str, RenamePlan] = {}
        for old in sorted(self.hv101):
            findings = sorted(self.hv101[old], key=Finding.sort_key)
            key = f"rename:{old}"
            result = excluded.get(key) or self.an.rename(
                old, findings, covered, left_sites, hv103_on
            )
            if isinstance(result, str):
                left += [Left(f, result) for f in findings]
            else:
                out[old] = result
        return out

    def _renamed_alias(
        self, arch: str, alias: str, needs: List[Need], old: Optional[str]
    ) -> Union[AliasAdd, None, str]:
        """Analyzer.alias, unless this run renames ``old`` to ``alias`` and ``old`` is defined
        for ``arch``: then "" when it has the value the needs ask for, else why not."""
        if old is None or not self.an.tree_defs(old, arch):
            return self.an.alias(arch, alias, needs)
        values = {n.value for n in needs if n.value is not None}
        have = self.an.value(old, arch)
        if values <= {have}:
            return ""
        return (
            f"{old}, renamed to {alias}, is {hexval(have)} on {arch}, but "
            f"{needs[0].source} is {', '.join(map(hexval, sorted(values)))} there"
        )

    def _alias_renames(self, excluded: Dict[str, str], notes: List[str]) -> List[NameRename]:
        """Another scheme's aliases defined in the alias headers take the scheme's prefix
        (HV_MSR_SCONTROL -> HV_SYN_REG_SCONTROL) where the name is free: the definitions keep
        their place and layout, and every use follows. Feature bits that share a prefix
        (HV_MSR_SYNIC_AVAILABLE) are no aliases and stay."""
        if self.migration is None or not self._hv103_on():
            return []
        headers = set(self.fixdata.alias_headers.values())
        own = self.scheme.alias_prefix
        out: List[NameRename] = []
        for other in sorted({s.alias_prefix for s in self.data.schemes.values()} - {own}):
            for old in sorted(self.linter.index.names_with_prefix(other)):
                defs = [d for d in self.linter.index.definitions(old) if not d.builtin]
                if not defs or any(
                    d.path not in headers
                    or d.kind != "macro"
                    or not looks_like_register_alias(d.value, self.data)
                    for d in defs
                ):
                    continue
                new = own + old[len(other) :]
                if not matches(self.options.only, old, new):
                    continue
                key = f"aliasname:{old}"
                if key not in self._name_plans:
                    self._name_plans[key] = plan_rename(
                        self.tree, old, new, self.options.fix_comments, "aliasname"
                    )
                result = excluded.get(key) or self._name_plans[key]
                if isinstance(result, str):
                    notes.append(result)
                elif result is not None:
                    out.append(result)
        return out

    def _hv103_on(self) -> bool:
        """HV103 fixes are asked for (--types) and the rule is on."""
        hv103 = self.data.rule("HV103")
        return hv103.code in self.options.codes and self.linter.settings.rule_enabled(
            hv103.code, hv103.type, hv103.strict_only
        )

    def _functions(self, excluded: Dict[str, str], notes: List[str]) -> List[NameRename]:
        """The migration's function renames (HV103's: the scheme's accessors); refused ones
        become notes."""
        if self.migration is None or not self._hv103_on():
            return []
        out: List[NameRename] = []
        for old, new in selected(self.migration, self.options.only):
            key = f"function:{old}"
            if key not in self._name_plans:
                self._name_plans[key] = plan_rename(self.tree, old, new, self.options.fix_comments)
            result = excluded.get(key) or self._name_plans[key]
            if isinstance(result, str):
                notes.append(result)
            elif result is not None:
                out.append(result)
        return out

    def _migration_needs(self) -> List[Need]:
        """The aliases the scheme defines whether calls use them or not (migrations.toml), for
        a whole-tree run: one need per arch, with the value the arch's register has in the
        tree (else the register table's). A register neither arch defines is skipped."""
        if self.migration is None or not self.options.whole_tree or not self._hv103_on():
            return []
        vp, msr = self.data.vp_register_prefix, self.data.x86_msr_prefix
        out: List[Need] = []
        for suffix in self.migration.aliases:
            alias = self.scheme.alias_prefix + suffix
            if self.options.only and not any(
                fnmatch.fnmatchcase(alias, g) for g in self.options.only
            ):
                continue
            reg = self.data.register_by_suffix(suffix)
            names = {
                "x86": [msr + suffix, vp + suffix],
                "arm64": ([vp + reg.arm64_name] if reg and reg.arm64_name else []) + [vp + suffix],
            }
            found: Dict[str, Tuple[str, int]] = {}
            for arch in FIX_ARCHES:
                for name in names[arch]:
                    value = self.an.value(name, arch) if self.an.tree_defs(name, arch) else None
                    if value is not None:
                        found[arch] = (name, value)
                        break
            if not found:
                continue
            for arch in FIX_ARCHES:
                name, value = found.get(arch, (names[arch][0], self.an.table_value(reg, arch)))
                out.append(Need(arch, alias, value, False, suffix, reg, name))
        return out

    def _x86_targets(
        self,
        adds: Dict[Tuple[str, str], AliasAdd],
        renames: Dict[str, RenamePlan],
        retry: Dict[str, str],
    ) -> None:
        renamed = {rp.new for rp in renames.values()}
        gone = {rp.old for rp in renames.values()}
        for (arch, alias), add in sorted(adds.items()):
            if arch != "x86":
                continue
            cands = self.an.x86_candidates(add, renamed, gone)
            if cands:
                add.target = cands[0]
            else:
                retry[add.key] = (
                    f"no x86 name for MSR {hexval(add.value)} is left after the fix, "
                    f"so {alias} cannot be defined"
                )

    # -- edits ----------------------------------------------------------------------------

    def _build(
        self,
        calls: Dict[str, CallPlan],
        adds: Dict[Tuple[str, str], AliasAdd],
        renames: Dict[str, RenamePlan],
        functions: List[NameRename],
        left: List[Left],
        notes: List[str],
    ) -> Plan:
        items: List[Item] = []
        for fr in functions:
            title = (
                f"{fr.old}() -> {fr.new}()" if fr.kind == "function" else f"{fr.old} -> {fr.new}"
            )
            item = Item(fr.key, "HV103", title, [], {fr.old, fr.new})
            heads = {
                (d.path, self.tree.snapshot(d.path).sf.line_starts[d.line - 1] + d.column - 1)
                for d in self.linter.index.definitions(fr.old)
                if not d.builtin and self.tree.snapshot(d.path) is not None
            }
            for p, off in fr.sites:
                if (p, off) in heads:  # a #define keeps its value column
                    e = rename_aligned(self.tree.snapshot(p).sf, off, fr.old, fr.new, fr.key)
                else:
                    e = Edit(off, off + len(fr.old), fr.new, fr.key)
                item.edits.append((p, e))
            items.append(item)
        removals: Dict[str, List[Tuple[int, int, str]]] = {}
        for old, rp in sorted(renames.items()):
            title = f"{old} -> {rp.new}" + (
                " (duplicate definition removed)" if rp.mode == "duplicate" else ""
            )
            item = Item(rp.key, "HV101", title, rp.findings, {old, rp.new})
            for path, off in rp.defs:
                item.edits.append(
                    (path, rename_aligned(self.tree.snapshot(path).sf, off, old, rp.new, rp.key))
                )
            for path, off in rp.renames:
                item.edits.append((path, Edit(off, off + len(old), rp.new, rp.key)))
            for path, start, end in rp.removals:
                removals.setdefault(path, []).append((start, end, rp.key))
                sf = self.tree.snapshot(path).sf
                item.names.update(d.name for d in sf.defines if start <= d.offset < end)
            items.append(item)
        for key, cp in sorted(calls.items()):
            title = ", ".join(sorted({f"{o} -> {a}" for _off, o, a in cp.rewrites}))
            item = Item(key, "HV103", f"{cp.path}:{cp.line}: {title}", cp.findings, set())
            for off, old, alias in cp.rewrites:
                item.edits.append((cp.path, Edit(off, off + len(old), alias, key)))
                item.names.update((old, alias))
            items.append(item)
        edits: Dict[str, List[Edit]] = {}
        seen: Set[Tuple[str, int, int, str]] = set()
        for item in items:
            for path, e in item.edits:
                if (path, e.start, e.end, e.new) in seen:
                    continue  # a call's alias that the renamed definition's uses also make
                seen.add((path, e.start, e.end, e.new))
                edits.setdefault(path, []).append(e)
        removed_lines = self._removal_edits(removals, edits)
        for header, group in self._alias_groups(adds).items():
            for e in self._alias_edits(header, group, renames, removed_lines.get(header, set())):
                edits.setdefault(header, []).append(e)
            for add in group:
                items.append(
                    Item(
                        add.key,
                        "HV103",
                        f"{add.arch}: #define {add.alias} {add.target}",
                        [],
                        {add.alias, add.target},
                    )
                )
        if self.options.fix_comments:
            self._comment_edits(calls, renames, edits, removals)
        left[:] = [x for x in left if not self._rewritten(x.finding, edits)]
        old_texts, new_texts = {}, {}
        for path in sorted(edits):
            text = self.tree.snapshot(path).text
            new = apply(text, edits[path])
            if new != text:
                old_texts[path], new_texts[path] = text, new
        return Plan(
            items,
            left,
            notes,
            old_texts,
            new_texts,
            {p: sorted(e, key=lambda x: (x.start, x.end)) for p, e in edits.items()},
        )

    def _rewritten(self, f: Finding, edits: Dict[str, List[Edit]]) -> bool:
        """A finding of another rule on a name this plan replaces (HV102 on an x86 name that a
        call now passes as the alias) is settled too."""
        snap = self.tree.snapshot(f.path)
        if snap is None or f.path not in edits:
            return False
        off = snap.sf.line_starts[f.line - 1] + f.column - 1
        return any(
            e.start == off and e.end >= off + len(f.name) and e.new[:1].isalpha()
            for e in edits[f.path]
        )

    def _removal_edits(
        self, removals: Dict[str, List[Tuple[int, int, str]]], edits: Dict[str, List[Edit]]
    ) -> Dict[str, Set[int]]:
        """Whole-line removals, widened to comments left heading nothing; removed lines by file."""
        out: Dict[str, Set[int]] = {}
        for path, spans in sorted(removals.items()):
            sf = self.tree.snapshot(path).sf
            owner: Dict[int, str] = {}
            for start, end, key in spans:
                for n in lines_of(sf, start, end):
                    owner[n] = key
            gone = set(owner)
            extra = orphan_lines(sf, gone)
            gone |= extra
            out[path] = gone
            run: List[int] = []
            for n in sorted(gone) + [0]:
                if run and n != run[-1] + 1:
                    start = sf.line_starts[run[0] - 1]
                    end = sf.line_starts[run[-1]] if run[-1] < len(sf.line_starts) else len(sf.text)
                    key = next((owner[m] for m in run if m in owner), "tidy")
                    edits.setdefault(path, []).append(Edit(start, end, "", key))
                    run = []
                run.append(n)
        return out

    def _alias_groups(self, adds: Dict[Tuple[str, str], AliasAdd]) -> Dict[str, List[AliasAdd]]:
        groups: Dict[str, List[AliasAdd]] = {}
        for (arch, _alias), add in sorted(adds.items()):
            groups.setdefault(self.fixdata.alias_headers[arch], []).append(add)
        return groups

    def _alias_order(self) -> Dict[str, int]:
        """Register suffix -> place among the aliases: the scheme's alias set first, in its
        order (mainline's grouping for upstream), then rules/registers.toml's."""
        listed = self.migration.aliases if self.migration is not None else ()
        order = {suffix: i for i, suffix in enumerate(listed)}
        for name in sorted(self.an.order, key=self.an.order.__getitem__):
            order.setdefault(name, len(order))
        return order

    def _alias_edits(
        self, header: str, group: List[AliasAdd], renames: Dict[str, RenamePlan], removed: Set[int]
    ) -> List[Edit]:
        sf = self.tree.snapshot(header).sf
        order = self._alias_order()
        new = [
            NewAlias(
                a.alias, a.target, order.get(a.reg.name if a.reg else a.suffix, len(order)), a.key
            )
            for a in group
        ]
        prefix = self.scheme.alias_prefix
        existing = []
        for d in sf.defines:
            if (
                d.params is None
                and d.name.startswith(prefix)
                and d.line not in removed
                and looks_like_register_alias(d.value, self.data)
            ):
                existing.append((d, order.get(d.name[len(prefix) :], len(order))))
        if existing:
            return merge_edits(sf, new, existing, self.fixdata.value)
        targets = {a.target for a in group}
        anchors = [d.line for d in sf.defines if d.name in targets and d.line not in removed]
        anchors += [
            line
            for rp in renames.values()
            if rp.new in targets
            for p, line in rp.def_lines
            if p == header
        ]
        accessors = "/".join(f"{a}()" for a in self.scheme.accessors[:2])
        comment = self.fixdata.comment.format(
            accessors=accessors, alias_prefix=self.scheme.alias_prefix
        )
        return [
            block_edit(sf, new, anchors, removed, comment, self.fixdata.value, f"aliases:{header}")
        ]

    def _comment_edits(self, calls, renames, edits, removals) -> None:
        """--fix-comments: a renamed name in comments of x86-only lines; in shared lines of a file
        whose calls were rewritten, the alias those calls now use."""
        by_file: Dict[str, Dict[str, str]] = {}
        for cp in calls.values():
            for _off, old, alias in cp.rewrites:
                by_file.setdefault(cp.path, {})[old] = alias
        names = set(renames) | {o for m in by_file.values() for o in m}
        if not names:
            return
        patterns = name_patterns(names)
        for rel in self.tree.users(names):
            snap = self.tree.snapshot(rel)
            if snap is None or snap.problem:
                continue
            spans = [(s, e) for s, e, _k in removals.get(rel, [])]
            for name, off in comment_occurrences(snap.sf, patterns):
                if any(s <= off < e for s, e in spans):
                    continue
                arches = self.tree.arches(rel, snap.sf.position(off)[0])
                new: Optional[str] = None
                if arches == {"x86"} and name in renames:
                    new = renames[name].new
                elif arches == set(FIX_ARCHES) and name in by_file.get(rel, {}):
                    new = by_file[rel][name]
                if new is not None:
                    edits.setdefault(rel, []).append(Edit(off, off + len(name), new, "comments"))
