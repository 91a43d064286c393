"""Which naming scheme a tree (or a patch series) is on, from what it shows, and why.

Evidence is counted per file, so it can be cached and updated per file: the register aliases
a file defines (by name, so a name defined once per arch counts once) and the calls it makes to
each scheme's accessors (declarations and definitions are not calls). ``choose`` weighs the
tree's evidence first, then the input's (a patch series, or the files checked when there is no
tree), in the order of rules/schemes.toml's doc comment.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, Mapping, Optional, Set

from hvlint.c.scanner import ScannedFile
from hvlint.ruledata import RuleData

# Counter keys: (scheme, "alias NAME") -> 1 for an alias defined, (scheme, "calls") -> count.
_ALIAS = "alias "
_CALLS = "calls"


@dataclass(frozen=True)
class SchemeChoice:
    """The naming scheme in force and why it was chosen."""

    name: str
    reason: str
    # Whether aliases back the choice (the tree's or the input's) or a setting made it; not
    # when only calls, or nothing, did: then no prefix is the tree's yet.
    established: bool = True


def looks_like_register_alias(value: str, data: RuleData) -> bool:
    """An alias definition names a register (``HV_X64_MSR_X``, ``HV_REGISTER_X``) or a number.

    ``HV_MSR_SYNIC_AVAILABLE BIT(2)`` (a CPUID feature bit) and
    ``KVM_X86_CPU_FEATURE(...)`` are not register aliases.
    """
    value = value.strip().strip("()").strip()
    return value.startswith(tuple(data.register_prefixes)) or value[:2].lower() == "0x"


def alias_scheme(name: str, data: RuleData) -> Optional[str]:
    """The scheme whose alias prefix ``name`` carries (None: no scheme's)."""
    for scheme in data.schemes.values():
        if name.startswith(scheme.alias_prefix) and len(name) > len(scheme.alias_prefix):
            return scheme.name
    return None


def file_evidence(sf: ScannedFile, data: RuleData, accessor_schemes: Mapping[str, str]) -> Counter:
    """What ``sf`` shows: the register aliases it defines and its accessor calls, per scheme."""
    counts: Counter = Counter()
    for d in sf.defines:
        if d.params is None and looks_like_register_alias(d.value, data):
            scheme = alias_scheme(d.name, data)
            if scheme is not None:
                counts[(scheme, _ALIAS + d.name)] = 1
    if any(a in sf.body for a in accessor_schemes):
        for call in sf.calls(accessor_schemes):
            if not call.declaration:
                counts[(accessor_schemes[call.name], _CALLS)] += 1
    return counts


@dataclass(frozen=True)
class Facts:
    """Evidence summed over many files: distinct alias names and call counts, per scheme."""

    aliases: Dict[str, FrozenSet[str]]
    calls: Dict[str, int]

    @classmethod
    def of(cls, counters: Iterable[Counter]) -> "Facts":
        """Sum per-file evidence (alias names are a union, calls a sum)."""
        aliases: Dict[str, Set[str]] = {}
        calls: Counter = Counter()
        for counts in counters:
            for (scheme, what), n in counts.items():
                if what.startswith(_ALIAS):
                    aliases.setdefault(scheme, set()).add(what[len(_ALIAS):])
                elif what == _CALLS:
                    calls[scheme] += n
        return cls({k: frozenset(v) for k, v in aliases.items()}, dict(calls))

    def alias_count(self, scheme: str) -> int:
        """Distinct alias names of ``scheme``."""
        return len(self.aliases.get(scheme, ()))

    def call_count(self, scheme: str) -> int:
        """Calls to ``scheme``'s accessors."""
        return self.calls.get(scheme, 0)

    def alias_names(self) -> FrozenSet[str]:
        """Every alias name, whatever its scheme."""
        return frozenset().union(*self.aliases.values()) if self.aliases else frozenset()


def choose(tree: Facts, given: Facts, given_label: str, data: RuleData, where: Optional[str]) -> SchemeChoice:
    """The scheme ``auto`` picks, with a reason made only of the counted facts.

    In order: the aliases the tree defines; where it defines none (a tree from before the
    alias rename), the aliases ``given`` (the series, or the input) defines; then the
    accessors called in either; then the fallback of rules/schemes.toml. ``where`` says what
    part of the tree was counted (None: there is no tree).
    """
    names = sorted(data.schemes)
    fallback = data.default_scheme

    def pick(count) -> Optional[str]:
        totals = {n: count(n) for n in names}
        if not any(totals.values()):
            return None
        return max(names, key=lambda n: (totals[n], n == fallback))

    def ordered(first: Optional[str]) -> list:
        return sorted(names, key=lambda n: n != first)

    def defines(facts: Facts, first: Optional[str]) -> str:
        if not facts.alias_names():
            return "defines no " + " or ".join(f"{data.schemes[n].alias_prefix}*" for n in names) + " register aliases"
        head, *rest = ordered(first)
        n = facts.alias_count(head)
        out = f"defines {n} distinct {data.schemes[head].alias_prefix}* register alias{'' if n == 1 else 'es'}"
        return out + "".join(f" ({data.schemes[n].alias_prefix}*: {facts.alias_count(n)})" for n in rest)

    def calls(facts: Facts, first: Optional[str]) -> str:
        head, *rest = ordered(first)
        n = facts.call_count(head)
        out = f"calls {data.schemes[head].accessors[0]}() and friends {n} time{'' if n == 1 else 's'}"
        return out + "".join(f" ({data.schemes[n].accessors[0]}() and friends: {facts.call_count(n)})" for n in rest)

    by_alias = pick(tree.alias_count)
    by_given = None if by_alias else pick(given.alias_count)
    both = Facts({}, {n: tree.call_count(n) + given.call_count(n) for n in names})
    by_calls = None if by_alias or by_given else pick(both.call_count)
    best = by_alias or by_given or by_calls or fallback
    if where is None:
        reason = "auto: no tree at hand"
    else:
        reason = f"auto: the tree {defines(tree, best)} and {calls(tree, best)}, counted in {where}"
    if by_alias:
        return SchemeChoice(best, reason)
    if by_given:
        return SchemeChoice(best, f"{reason}; {given_label} {defines(given, best)}, so its aliases decide")
    if any(given.calls.values()):
        reason += f"; {given_label} {calls(given, best)}"
    if by_calls:
        return SchemeChoice(best, f"{reason}; no aliases anywhere, so the calls decide", False)
    return SchemeChoice(best, f"{reason}; nothing to go by, so the fallback {fallback}", False)
