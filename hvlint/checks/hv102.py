"""HV102 X86_NAME_IN_GENERIC: an x86-only name in arch-neutral code."""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Tuple

from hvlint.checks.context import FileContext
from hvlint.findings import Finding
from hvlint.ruledata import Rule
from hvlint.tree.paths import glob_set
from hvlint.c.wordfind import Patterns, word_patterns


def x86_only_reason(ctx: FileContext, name: str, cache: Dict[str, Optional[str]]) -> Optional[str]:
    """Why ``name`` is x86-only, or None when it is not."""
    if name in cache:
        return cache[name]
    data = ctx.data
    reason: Optional[str] = None
    if name.startswith(data.x86_prefixes):
        reason = f"{next(p for p in data.x86_prefixes if name.startswith(p))}* names x86"
    elif name in data.msr_accessors:
        reason = "an x86 MSR accessor"
    elif name.startswith(tuple(s.alias_prefix for s in data.schemes.values())):
        reason = None  # an alias for one arch only is HV104's finding, another scheme's HV105's
    elif name.startswith(data.indexed_prefixes) and ctx.index.is_x86_only(name):
        where = ", ".join(d.where for d in ctx.index.definitions(name)[:2])
        reason = f"defined only for x86: {where}"
    cache[name] = reason
    return reason


def _candidates(ctx: FileContext) -> Patterns:
    """Only names that can be x86-only: the prefixes and accessors of rules/names.toml."""
    data = ctx.data
    return word_patterns(data.x86_prefixes + data.indexed_prefixes, r"\w*") + word_patterns(
        data.msr_accessors, r"\b"
    )


def _allowed(ctx: FileContext, name: str, is_definition: bool) -> bool:
    for entry in ctx.data.allow:
        if not name.startswith(entry.prefix):
            continue
        if entry.where and not glob_set(entry.where).matches(ctx.file.path):
            continue
        if entry.definitions_only and not is_definition:
            continue
        return True
    return False


def _suggestion(ctx: FileContext, name: str) -> Optional[str]:
    if name.startswith(ctx.data.x86_msr_prefix):
        return ctx.scheme.alias_prefix + name[len(ctx.data.x86_msr_prefix):]
    if name in ctx.data.msr_accessors:
        getter = next((a for a in ctx.scheme.accessors if "get" in a), None)
        setter = next((a for a in ctx.scheme.accessors if "set" in a), None)
        return getter if name.startswith(("rd", "native_read")) else setter
    return None


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report x86-only names on lines of shared code that are also compiled for other arches."""
    if not ctx.shared_for_arches:
        return
    rule = ctx.data.rule("HV102")
    cache: Dict[str, Optional[str]] = {}
    occurrences: list[Tuple[str, int]] = [(d.name, d.offset) for d in ctx.file.defines]
    occurrences += ctx.file.names_matching(_candidates(ctx))
    for name, offset in sorted(occurrences, key=lambda o: o[1]):
        reason = x86_only_reason(ctx, name, cache)
        if reason is None:
            continue
        line, _ = ctx.file.position(offset)
        arches = ctx.line_arches(line)
        if arches <= {"x86"}:
            continue  # compiled only for x86 (or never)
        if _allowed(ctx, name, offset in ctx.definition_offsets):
            continue
        yield _finding(ctx, rule, name, reason, offset)


def _finding(ctx: FileContext, rule: Rule, name: str, reason: str, offset: int) -> Finding:
    """The finding on x86-only ``name``: what replaces it, or why no alias can yet."""
    suggestion = _suggestion(ctx, name)
    prefix = ctx.scheme.alias_prefix
    fields = dict(name=name, reason=reason, suggestion=suggestion, alias_prefix=prefix)
    if not suggestion:
        return ctx.finding(rule, offset, name, rule.message("prefix_no_suggestion", **fields))
    if not suggestion.startswith(prefix):  # an accessor for an MSR accessor
        return ctx.finding(rule, offset, name, rule.message("prefix", **fields), suggestion)
    return ctx.alias_finding(rule, offset, name, "prefix", fields)
