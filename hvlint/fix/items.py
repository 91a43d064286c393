"""What each fix would change, decided one finding at a time (no text is edited here).

- A *call* (HV103): every register name without the synthetic prefix in a generic accessor's
  register argument becomes the scheme's alias. It needs the alias defined, with the value
  the name has today, on every arch the call is compiled for.
- An *alias*: a synthetic alias definition missing from an arch header; x86 maps it to the
  MSR, arm64 to the VP register already defined with that number (never a new one).
- A *rename* (HV101): an x86 ``HV_REGISTER_X`` becomes ``HV_X64_MSR_X`` at its definitions
  and every use compiled only for x86 (or passed to an MSR accessor). A use compiled for
  x86 and arm64 must be a call rewritten to the alias, else the rename is refused: on arm64
  the same name is the VP register.

Each analysis returns a plan or the one-line reason the finding is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple, Union

from hvlint.checks.hv103 import alias_for
from hvlint.engine import Linter
from hvlint.findings import Finding
from hvlint.fix.data import FIX_ARCHES
from hvlint.fix.edit import line_span, removable
from hvlint.fix.tree import TreeFiles, code_occurrences, msr_argument_spans, name_patterns
from hvlint.tree.index import Definition
from hvlint.ruledata import Register
from hvlint.c.scanner import CallSite, Define, ScannedFile, identifiers_in
from hvlint.c.values import Resolved, describe


@dataclass(frozen=True)
class Need:
    """A call needs ``alias`` to mean ``value`` on ``arch`` (``required``: built there)."""

    arch: str
    alias: str
    value: Optional[int]
    required: bool
    suffix: str
    reg: Optional[Register]
    source: str  # the name the call passes today


@dataclass
class CallPlan:
    """One generic accessor call whose register argument is rewritten."""

    key: str
    path: str
    line: int
    findings: List[Finding]
    rewrites: List[Tuple[int, str, str]]  # (offset, old name, alias)
    needs: List[Need]


@dataclass
class AliasAdd:
    """A synthetic alias definition to add to an arch header."""

    key: str
    arch: str
    alias: str
    value: int
    suffix: str
    reg: Optional[Register]
    sources: Set[str] = field(default_factory=set)
    target: Optional[str] = None  # the arch's register name the alias expands to


@dataclass
class RenamePlan:
    """``old`` -> ``new`` for x86: definitions, removals and uses."""

    key: str
    old: str
    new: str
    mode: str  # "rename" (definitions renamed) or "duplicate" (definitions removed)
    findings: List[Finding]
    defs: List[Tuple[str, int]]  # (path, offset) of definition names to rename
    renames: List[Tuple[str, int]]  # (path, offset) of uses to rename
    removals: List[Tuple[str, int, int]]  # (path, start, end): whole #define lines to remove
    def_lines: List[Tuple[str, int]]  # (path, line) of the definitions that survive, renamed


def hexval(value: Optional[int]) -> str:
    """``0x40000080`` style."""
    return "unknown" if value is None else f"0x{value:08X}"


def strip_parens(text: str) -> str:
    """``((X))`` -> ``X``."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


class Analyzer:
    """Answers "can this be fixed, and how?" against the tree and its index."""

    def __init__(self, linter: Linter, tree: TreeFiles, alias_headers: Dict[str, str]) -> None:
        self.linter = linter
        self.tree = tree
        self.data = linter.data
        self.scheme = linter.data.schemes[linter.scheme.name]
        self.alias_headers = alias_headers
        self.order = {reg.name: i for i, reg in enumerate(self.data.registers)}

    # -- helpers ------------------------------------------------------------------------

    def value(self, name: str, arch: str) -> Optional[int]:
        """The value of ``name`` on ``arch``, or None."""
        r = self.linter.resolver.resolve(name, arch)
        return r.value if isinstance(r, Resolved) else None

    def tree_defs(self, name: str, arch: str) -> List[Definition]:
        """The tree's (not the rules tables') definitions of ``name`` visible on ``arch``."""
        return [
            d for d in self.linter.index.definitions(name) if not d.builtin and arch in d.arches
        ]

    @staticmethod
    def table_value(reg: Optional[Register], arch: str) -> Optional[int]:
        """The register number rules/registers.toml gives for ``arch``."""
        if reg is None:
            return None
        return reg.x86 if arch == "x86" else reg.arm64

    def locate(self, d: Definition) -> Union[Tuple[str, Define], Tuple[str, None], str]:
        """(path, Define) for a #define, (path, None) for an enum constant, or a reason."""
        snap = self.tree.snapshot(d.path)
        if snap is None:
            return f"{d.path} cannot be read"
        if snap.problem:
            return f"{d.path} {snap.problem}"
        for x in snap.sf.defines:
            if x.name == d.name and x.line == d.line:
                return d.path, x
        for e in snap.sf.enums:
            if e.name == d.name and e.line == d.line:
                return d.path, None
        return f"{d.where}: definition of {d.name} not found again"

    def define_span(self, path: str, d: Define) -> Optional[Tuple[int, int]]:
        """Whole lines of a #define (continuations included), when they can be removed."""
        sf = self.tree.snapshot(path).sf
        last = sf.position(max(d.body_start, d.body_end - 1))[0]
        start, end = line_span(sf, d.line, last)
        return (start, end) if removable(sf, start, end) else None

    # -- HV103 calls ---------------------------------------------------------------------

    def call_at(self, sf: ScannedFile, offset: int) -> Optional[CallSite]:
        """The scheme's accessor call whose register argument holds ``offset``, if any."""
        ra = self.scheme.register_arg
        return next(
            (
                c
                for c in sf.calls(self.scheme.accessors)
                if not c.declaration
                and len(c.args) > ra
                and c.args[ra].start <= offset < c.args[ra].end
            ),
            None,
        )

    def in_call(self, f: Finding) -> bool:
        """Whether finding ``f`` names the register passed to one of the scheme's accessors."""
        snap = self.tree.snapshot(f.path)
        if snap is None or f.line > len(snap.sf.line_starts):
            return False
        return self.call_at(snap.sf, snap.sf.line_starts[f.line - 1] + f.column - 1) is not None

    def call(self, f: Finding) -> Union[CallPlan, str]:
        """The rewrite of the accessor call holding finding ``f``."""
        snap = self.tree.snapshot(f.path)
        if snap is None:
            return f"{f.path} cannot be read"
        if snap.problem:
            return f"{f.path} {snap.problem}"
        sf = snap.sf
        offset = sf.line_starts[f.line - 1] + f.column - 1
        if sf.text[offset : offset + len(f.name)] != f.name:
            return f"{f.path} changed on disk while hvlint was reading the tree"
        ra = self.scheme.register_arg
        call = self.call_at(sf, offset)
        if call is None:
            return "the accessor call around it could not be read"
        arches = self.tree.arches(f.path, call.line)
        ctx = self.tree.context(f.path)
        prefix = self.scheme.alias_prefix
        wrong = tuple(p for p in self.data.register_prefixes if p != prefix)
        arg = call.args[ra]
        rewrites: List[Tuple[int, str, str]] = []
        needs: List[Need] = []
        for name, off in identifiers_in(arg.text, arg.start):
            if not name.startswith(wrong):
                continue
            alias = alias_for(ctx, name)
            if alias is None:
                return f"no synthetic alias for {name}"
            suffix = alias[len(prefix) :]
            reg = self.data.register_by_suffix(suffix)
            for arch in FIX_ARCHES:
                required = arch in arches
                value = self.value(name, arch)
                if value is not None and required and self.data.is_msr(value) != (arch == "x86"):
                    kind = "an x86 MSR" if self.data.is_msr(value) else "a VP register number"
                    return (
                        f"{name} is {hexval(value)} on {arch}, {kind}: the call reaches the wrong "
                        f"register on {arch} today, which only a person can fix"
                    )
                if value is None:
                    value = self.table_value(reg, arch)
                if value is None and required:
                    return (
                        f"{name} has no value on {arch}: it is not defined there and "
                        f"rules/registers.toml has no {arch} register {suffix}"
                    )
                needs.append(Need(arch, alias, value, required, suffix, reg, name))
            rewrites.append((off, name, alias))
        if not rewrites:
            return "no register name to rewrite"
        return CallPlan(f"call:{f.path}:{call.offset}", f.path, call.line, [f], rewrites, needs)

    # -- aliases ------------------------------------------------------------------------

    def alias(self, arch: str, alias: str, needs: List[Need]) -> Union[AliasAdd, None, str]:
        """The definition to add for ``alias`` on ``arch`` (None: it exists), or a reason."""
        values = sorted({n.value for n in needs if n.value is not None})
        suffix, reg = needs[0].suffix, needs[0].reg
        if not values:
            return (
                f"{arch} has no {suffix} register (rules/registers.toml), "
                f"so {alias} is not defined for {arch}"
            )
        if len(values) > 1:
            return f"{alias} would need several values on {arch} ({', '.join(map(hexval, values))})"
        value = values[0]
        existing = self.tree_defs(alias, arch)
        if existing:
            now = self.linter.resolver.resolve(alias, arch)
            if isinstance(now, Resolved) and now.value == value:
                return None
            return (
                f"{alias} is already defined for {arch} ({existing[0].where}) as {describe(now)}, "
                f"but {needs[0].source} is {hexval(value)} there"
            )
        header = self.alias_headers[arch]
        snap = self.tree.snapshot(header)
        if snap is None:
            return (
                f"{header} does not exist, so there is no place for the {arch} alias {alias} "
                "(rules/fix.toml)"
            )
        if snap.problem:
            return f"{header} {snap.problem}"
        if self.linter.path_class(header) != arch:
            return f"{header} is not {arch} code (rules/paths.toml): no place for the {arch} alias"
        add = AliasAdd(
            f"alias:{arch}:{alias}", arch, alias, value, suffix, reg, {n.source for n in needs}
        )
        if arch == "arm64":
            add.target = self.arm64_register(value, suffix, reg, add.sources)
            if add.target is None:
                return (
                    f"arm64 defines no {self.data.vp_register_prefix}* VP register "
                    f"{hexval(value)} ({suffix}), "
                    f"so {alias} is not defined for arm64: hvlint does not invent registers"
                )
        elif not self.x86_candidates(add, set(), set()):
            return (
                f"x86 defines no name for MSR {hexval(value)}, so {alias} cannot be defined for x86"
            )
        return add

    def arm64_register(
        self, value: int, suffix: str, reg: Optional[Register], sources: Set[str]
    ) -> Optional[str]:
        """The arm64 VP register name defined with ``value`` (table name first, then by value)."""
        vp = self.data.vp_register_prefix
        names = []
        if reg is not None and reg.arm64_name:
            names.append(vp + reg.arm64_name)
        names += [vp + suffix, *sorted(sources)]
        for name in names:
            if (
                name.startswith(vp)
                and self.tree_defs(name, "arm64")
                and self.value(name, "arm64") == value
            ):
                return name
        for name in self.linter.index.names_with_prefix(vp):
            if self.tree_defs(name, "arm64") and self.value(name, "arm64") == value:
                return name
        return None

    def x86_candidates(self, add: AliasAdd, renamed: Set[str], gone: Set[str]) -> List[str]:
        """x86 names that mean ``add.value`` after the fix, best first: HV_X64_MSR_<name>, then
        the name the calls pass today if it survives (a rename left for later)."""
        out = []
        msr = self.data.x86_msr_prefix + (add.reg.name if add.reg else add.suffix)
        if msr in renamed or (
            self.tree_defs(msr, "x86") and self.value(msr, "x86") == add.value and msr not in gone
        ):
            out.append(msr)
        for src in sorted(add.sources):
            if (
                src not in gone
                and src != msr
                and self.tree_defs(src, "x86")
                and self.value(src, "x86") == add.value
            ):
                out.append(src)
        return out

    # -- HV101 renames -------------------------------------------------------------------

    def rename(
        self,
        old: str,
        findings: List[Finding],
        covered: Set[Tuple[str, int]],
        left_calls: Dict[Tuple[str, int], str],
        hv103_on: bool,
    ) -> Union[RenamePlan, str]:
        """Rename x86 ``old`` (HV_REGISTER_X) to HV_X64_MSR_X, or say why not."""
        vp, msr_prefix = self.data.vp_register_prefix, self.data.x86_msr_prefix
        if not old.startswith(vp):
            return f"{old} does not carry {vp}"
        new = msr_prefix + old[len(vp) :]
        defs = self.tree_defs(old, "x86")
        if not defs:
            return f"{old} is not defined for x86 in the tree, so there is no definition to rename"
        wide = [d for d in defs if not d.arches <= {"x86"}]
        if wide:
            return (
                f"{old} is defined at {wide[0].where} for x86 and other arches: renaming it there "
                "would rename a VP register too"
            )
        now = self.linter.resolver.resolve(old, "x86")
        if not isinstance(now, Resolved):
            return f"{old} has no single value on x86 ({now.reason})"
        if not self.data.is_msr(now.value):
            return f"{old} is {now} on x86, not a synthetic MSR"
        located = []
        for d in defs:
            where = self.locate(d)
            if isinstance(where, str):
                return where
            located.append((d, where))
        news = self.tree_defs(new, "x86")
        compat = [d for d in news if strip_parens(d.value) == old]
        independent = [d for d in news if d not in compat]
        if any(not d.arches <= {"x86"} for d in compat):
            return f"{new} is defined as {old} for more than x86 ({compat[0].where})"
        removals: List[Tuple[str, int, int]] = []
        def_tokens: List[Tuple[str, int]] = []
        def_lines: List[Tuple[str, int]] = []
        to_remove = list(compat)
        if independent:
            existing = self.linter.resolver.resolve(new, "x86")
            if not (isinstance(existing, Resolved) and existing.value == now.value):
                return (
                    f"{new} already exists ({independent[0].where}) as {describe(existing)}, "
                    f"but {old} is "
                    f"{now}: conflicting values, not renamed"
                )
            mode = "duplicate"
            to_remove += defs
        else:
            mode = "rename"
            for d, (path, _define) in located:
                def_tokens.append(
                    (path, self.tree.snapshot(path).sf.line_starts[d.line - 1] + d.column - 1)
                )
                def_lines.append((path, d.line))
        for d in to_remove:
            where = self.locate(d)
            if isinstance(where, str):
                return where
            path, define = where
            if define is None:
                return f"{d.where}: {d.name} is an enum constant; hvlint removes duplicate #defines"
            span = self.define_span(path, define)
            if span is None:
                return f"{d.where}: a comment crosses the #define of {d.name}, so it is not removed"
            removals.append((path, span[0], span[1]))
        uses = self._uses(old, located, removals, covered, left_calls, hv103_on)
        if isinstance(uses, str):
            return uses
        return RenamePlan(
            f"rename:{old}",
            old,
            new,
            mode,
            findings,
            sorted(def_tokens),
            sorted(uses),
            sorted(removals),
            def_lines,
        )

    def _uses(
        self, old: str, located, removals, covered, left_calls, hv103_on: bool
    ) -> Union[List[Tuple[str, int]], str]:
        """Offsets of ``old`` to rename (x86-only code, MSR accessors), or why the rename is off."""
        patterns = name_patterns([old])
        def_offsets = set()
        for d, (path, _define) in located:
            def_offsets.add(
                (path, self.tree.snapshot(path).sf.line_starts[d.line - 1] + d.column - 1)
            )
        out: List[Tuple[str, int]] = []
        users = self.tree.users([old])
        for rel in users:
            snap = self.tree.snapshot(rel)
            if snap is None:
                return f"{rel} mentions {old} but cannot be read"
            msr_spans = None
            for _name, off in code_occurrences(snap.sf, patterns):
                if (rel, off) in def_offsets or (rel, off) in covered:
                    continue
                if any(p == rel and s <= off < e for p, s, e in removals):
                    continue
                line = snap.sf.position(off)[0]
                arches = self.tree.arches(rel, line)
                if msr_spans is None:
                    msr_spans = msr_argument_spans(
                        snap.sf, self.data.msr_accessors, self.data.msr_accessor_arg
                    )
                in_msr_call = any(s <= off < e for s, e in msr_spans)
                if not in_msr_call:
                    if "x86" not in arches:
                        continue  # arm64 code: there the name is the VP register
                    if arches != {"x86"}:
                        return self._shared_use_reason(old, rel, line, off, left_calls, hv103_on)
                if snap.problem:
                    return f"{old} is used in {rel}, which {snap.problem}"
                out.append((rel, off))
        return out

    def _shared_use_reason(self, old, rel, line, off, left_calls, hv103_on: bool) -> str:
        head = f"{old} is used at {rel}:{line} in code built for x86 and arm64"
        if (rel, off) in left_calls:
            return f"{head}, and that call is left: {left_calls[(rel, off)]}"
        if not hv103_on:
            return f"{head}; fix its HV103 finding first or with it (--types HV101,HV103)"
        return f"{head}, not as a generic accessor argument hvlint rewrites to the alias"
