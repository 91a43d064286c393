"""HV104 SYN_REG_ALIAS: a synthetic alias that does not mean the same register on every arch."""

from __future__ import annotations

from typing import Iterator, List, Optional

from hvlint.checks.context import FileContext, definitions_of
from hvlint.checks.hv102 import x86_only_reason
from hvlint.findings import Finding
from hvlint.c.scanner import identifiers_in
from hvlint.c.values import Resolved
from hvlint.c.wordfind import word_patterns

_PAIR = ("x86", "arm64")


def _alias_coverage(ctx: FileContext) -> frozenset:
    """Arches (of x86, arm64) for which the index holds at least one alias definition."""
    return ctx.index.memo(("HV104 alias coverage", ctx.scheme.alias_prefix), lambda: _compute_coverage(ctx))


def _compute_coverage(ctx: FileContext) -> frozenset:
    covered: set = set()
    for name in ctx.index.names_with_prefix(ctx.scheme.alias_prefix):
        for d in _alias_definitions(ctx, name):
            if d.arches <= {"x86"}:
                covered.add("x86")
            elif d.arches <= {"arm64"}:
                covered.add("arm64")
            elif {"x86", "arm64"} <= d.arches:
                covered.update(_PAIR)
    return frozenset(covered)


def _alias_definitions(ctx: FileContext, name: str) -> list:
    """The index's definitions of ``name`` that are register aliases: not a CPUID feature
    bit that shares the prefix (``HV_MSR_SYNIC_AVAILABLE BIT(2)``), not a function-like macro."""
    return [d for d in ctx.index.definitions(name) if d.kind != "function-macro" and ctx.is_register_alias(d.value)]


def _arch_specific(ctx: FileContext, value: str) -> Optional[str]:
    cache: dict = {}
    for name, _ in identifiers_in(value, 0):
        reason = x86_only_reason(ctx, name, cache)
        if reason:
            return f"{name} is x86-only"
        arches = ctx.index.defined_arches(name)
        if arches and arches <= {"arm64"}:
            return f"{name} is arm64-only"
    for arch in _PAIR:
        result = ctx.resolver.evaluate(value, arch)
        if isinstance(result, Resolved) and ctx.data.is_msr(result.value):
            return f"it is x86 MSR {result} on {arch}"
    return None


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report aliases defined for one arch only, with the other arch's value, or unguarded."""
    rule = ctx.data.rule("HV104")
    alias = ctx.scheme.alias_prefix
    for name, offset, _line, value, guard in definitions_of(ctx):
        if not name.startswith(alias) or not ctx.is_register_alias(value):
            continue
        arches = ctx.file.arches_of_guard(guard) & ctx.file_arches()
        if not arches:
            continue
        if arches <= {"x86"}:
            result = ctx.resolver.evaluate(value, "x86")
            if isinstance(result, Resolved) and not ctx.data.is_msr(result.value):
                yield ctx.finding(rule, offset, name, rule.message("x86_not_msr", name=name, value=str(result)))
        elif arches <= {"arm64"}:
            result = ctx.resolver.evaluate(value, "arm64")
            if isinstance(result, Resolved) and ctx.data.is_msr(result.value):
                yield ctx.finding(rule, offset, name, rule.message("arm64_is_msr", name=name, value=str(result)))
        elif ctx.shared and set(_PAIR) <= arches:
            reason = _arch_specific(ctx, value)
            if reason:
                yield ctx.finding(rule, offset, name, rule.message("unguarded", name=name, reason=reason))
    if not ctx.shared_for_arches:
        return
    coverage = _alias_coverage(ctx)
    if coverage != frozenset(_PAIR):
        return  # the index cannot tell what each arch defines
    for name, offset in ctx.file.names_matching(word_patterns((alias,), r"\w*")):
        if offset in ctx.definition_offsets:
            continue
        line, _ = ctx.file.position(offset)
        if len(ctx.line_arches(line) & set(_PAIR)) < 2:
            continue
        defs = _alias_definitions(ctx, name)
        defined = frozenset().union(*(d.arches for d in defs)) & set(_PAIR)
        if not defined or defined == set(_PAIR) or len(defs) < len(ctx.index.definitions(name)):
            continue  # not an alias, both arches have it, or it is also something else
        missing: List[str] = [a for a in _PAIR if a not in defined]
        where = ", ".join(d.where for d in defs[:2])
        yield ctx.finding(
            rule, offset, name,
            rule.message("one_arch", name=name, arches=" and ".join(sorted(defined)), where=where, missing=", ".join(missing)),
        )
