"""What a rule sees: one scanned file, its class, the index, the scheme and the data."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Tuple

from hvlint.c.cond import ArchSymbols
from hvlint.findings import Finding
from hvlint.c.decls import FileDecls
from hvlint.tree.declindex import DeclIndex
from hvlint.tree.index import SymbolIndex
from hvlint.tree.kconfig import x86_only_symbol
from hvlint.ruledata import Rule, RuleData, Scheme
from hvlint.c.scanner import ScannedFile
from hvlint.c.tristate import file_arches
from hvlint.c.values import Resolver
from hvlint.schemes import looks_like_register_alias

_DEFINED_ONLY = re.compile(
    r"\s*(?:(?:defined|IS_ENABLED|IS_BUILTIN|IS_REACHABLE)\s*\(?\s*([A-Za-z_]\w*)\s*\)?|([A-Za-z_]\w*))\s*\Z"
)


@dataclass
class FileContext:
    """Everything a rule may ask about one file."""

    file: ScannedFile
    path_class: Optional[str]  # "x86", "arm64", "neutral" or None
    build_arch: Optional[Tuple[str, str]]  # (arch, reason) when Kconfig builds it for one arch
    index: SymbolIndex
    resolver: Resolver
    scheme: Scheme
    data: RuleData
    strict: bool
    arch_symbols: ArchSymbols
    # Whether the index holds a tree (else only the input and rules/registers.toml): with a
    # tree, a name the index does not define does not exist yet.
    tree_known: bool = False
    # Whether the scheme rests on aliases the tree (or the series) defines, or on a setting:
    # only then does a prefix belong to the tree (HV105).
    scheme_established: bool = True
    # HV102's declaration index (the tree's headers and the series) and what this file
    # declares itself (asked for only when a name could be x86-only).
    declarations: Optional[DeclIndex] = None
    own_declarations: Optional[Callable[[], FileDecls]] = None
    # Whether the tree's Kconfig can set a symbol (no CONFIG_) when building an arch (None: no
    # Kconfig, or undecided).
    config_possible: Optional[Callable[[str, str], Optional[bool]]] = None
    notes: List[str] = field(default_factory=list)  # what could not be decided, for -v and JSON
    _guard_arches: Dict[int, FrozenSet[str]] = field(default_factory=dict, repr=False)

    def note(self, offset: int, text: str) -> None:
        """Record something hvlint could not tell about this file."""
        line, _ = self.file.position(offset)
        self.notes.append(f"{self.file.path}:{line}: {text}")

    @functools.cached_property
    def definition_offsets(self) -> FrozenSet[int]:
        """Offsets of the names this file defines (#define and enum constants)."""
        return frozenset(d.offset for d in self.file.defines) | frozenset(e.offset for e in self.file.enums)

    def exists(self, name: str) -> Optional[bool]:
        """Whether the tree or the input defines ``name`` (None: no tree to tell; the rules
        tables do not count)."""
        if any(not d.builtin for d in self.index.definitions(name)):
            return True
        return False if self.tree_known else None

    def tree_alias_count(self) -> int:
        """How many register aliases of the scheme the tree (or the input) defines."""
        prefix = self.scheme.alias_prefix

        def count() -> int:
            return sum(
                1
                for name in self.index.names_with_prefix(prefix)
                if any(not d.builtin and self.is_register_alias(d.value) for d in self.index.definitions(name))
            )

        return self.index.memo(("tree-alias-count", prefix), count)

    def arm64_has_register(self, suffix: str) -> bool:
        """Whether arm64 has the register of alias suffix ``suffix``: a VP register in
        rules/registers.toml, or a ``HV_REGISTER_*`` name the index defines for arm64."""
        reg = self.data.register_by_suffix(suffix)
        if reg is not None and reg.arm64 is not None:
            return True
        vp_name = self.data.vp_register_prefix + (reg.arm64_name if reg is not None else suffix)
        return "arm64" in self.index.defined_arches(vp_name)

    def missing_alias(self, alias: str) -> Optional[str]:
        """Why the scheme's alias ``alias`` cannot be suggested, as a message key.

        None when the tree or the input defines it, or when there is no tree to tell;
        ``"no_arm64"`` when arm64 has no such register (no alias can name it on both
        arches); ``"before_rename"`` when the tree defines no alias of the scheme at all (a
        tree from before the alias rename); ``"no_alias"`` when it defines others but not
        this one.
        """
        if self.exists(alias) is not False:
            return None
        if not self.arm64_has_register(alias[len(self.scheme.alias_prefix):]):
            return "no_arm64"
        return "no_alias" if self.tree_alias_count() else "before_rename"

    def alias_finding(self, rule: Rule, offset: int, name: str, key: str, fields: Dict[str, object]) -> Finding:
        """A finding whose replacement is the scheme's alias ``fields["suggestion"]``: message
        ``key`` when the alias exists; where it does not, message ``key_<why>`` (the answer of
        :meth:`missing_alias`) and the note for that reason (rules/schemes.toml), if any: one
        text for every finding of the reason, so a run shows it once."""
        alias = str(fields["suggestion"])
        missing = self.missing_alias(alias)
        if missing is None:
            return self.finding(rule, offset, name, rule.message(key, **fields), alias)
        prefix = self.scheme.alias_prefix
        fields = dict(fields, register=alias[len(prefix):], count=self.tree_alias_count())
        template = self.data.missing_alias_notes.get(missing)
        notes = (template.format(**fields),) if template else ()
        return self.finding(rule, offset, name, rule.message(f"{key}_{missing}", **fields), notes=notes)

    def is_register_alias(self, value: str) -> bool:
        """Whether a define's value names a register or a number (not a feature bit)."""
        return looks_like_register_alias(value, self.data)

    @property
    def shared(self) -> bool:
        """Arch-neutral by path (what HV103 asks)."""
        return self.path_class == "neutral"

    @property
    def shared_for_arches(self) -> bool:
        """Arch-neutral by path and built for more than one arch (what HV102/HV104 ask)."""
        return self.shared and self.build_arch is None

    def file_arches(self) -> FrozenSet[str]:
        """Arches the whole file can be built for, from its path or Kconfig class."""
        return file_arches(self.path_class, self.build_arch[0] if self.build_arch else None)

    def line_arches(self, line: int) -> FrozenSet[str]:
        """Arches a line can be compiled for: its #if stack within the file's arches.

        Besides arch symbols, ``#ifdef NAME`` / ``#if defined(NAME)`` of a name that the
        index shows is defined only for x86 limits the block to x86: that is how shared
        code tests for an x86 feature (``#ifdef HV_DEPRECATING_AEOI_RECOMMENDED``).
        """
        gid = self.file.guard_at(line)
        cache = self._guard_arches
        if gid not in cache:
            arches = self.file.arches_of_guard(gid) & self.file_arches()
            state_id = gid
            while state_id >= 0 and arches - {"x86"}:
                state = self.file.states[state_id]
                if state.directive == "else" and self._else_of_ifndef_x86(state):
                    arches &= {"x86"}
                m = _DEFINED_ONLY.match(state.condition) if state.directive in ("ifdef", "if", "elif") else None
                name = m and (m.group(1) or m.group(2)) if m else None
                if name and (state.directive == "ifdef" or m.group(1) or name.startswith("CONFIG_")) and self._x86_only_symbol(name):
                    arches &= {"x86"}
                state_id = state.parent
            cache[gid] = arches
        return cache[gid]

    def _else_of_ifndef_x86(self, state) -> bool:
        """Whether ``state`` is the ``#else`` of ``#ifndef NAME`` with NAME defined only for x86."""
        for prior in reversed(self.file.states[: state.id]):
            if prior.parent == state.parent:
                return prior.directive == "ifndef" and self._x86_only_symbol(prior.condition.strip())
        return False

    def _x86_only_symbol(self, name: str) -> bool:
        """Whether ``#ifdef name`` holds only on x86: a macro only x86 defines, or a Kconfig
        symbol the tree's Kconfig can set for x86 only (``HYPERV_TIMER``: ``HYPERV && X86``)."""
        if self.index.is_x86_only(name):
            return True
        if name.startswith("CONFIG_") and self.config_possible is not None:
            return x86_only_symbol(self.config_possible, name[len("CONFIG_"):])
        return self.declarations is not None and self.declarations.x86_only(name) is not None

    def finding(
        self,
        rule: Rule,
        offset: int,
        name: str,
        message: str,
        suggestion: Optional[str] = None,
        notes: Tuple[str, ...] = (),
    ) -> Finding:
        """A finding on ``name`` at ``offset`` of this file; ``notes`` explain it at length."""
        line, col = self.file.position(offset)
        return Finding(
            path=self.file.path,
            line=line,
            column=col,
            end_line=line,
            end_column=col + len(name),
            code=rule.code,
            type=rule.type,
            severity=rule.severity,
            message=message,
            name=name,
            suggestion=suggestion,
            notes=notes,
        )



def definitions_of(ctx: FileContext) -> Iterator[Tuple[str, int, int, str, int]]:
    """(name, offset, line, value, guard) for every object-like define and enum constant."""
    for d in ctx.file.defines:
        if d.params is None:
            yield d.name, d.offset, d.line, d.value, d.guard
    for e in ctx.file.enums:
        yield e.name, e.offset, e.line, e.value, e.guard
