"""HV103 GENERIC_REG_PREFIX: a generic accessor called without the synthetic alias."""

from __future__ import annotations

from typing import Iterator, Optional

from hvlint.checks.context import FileContext
from hvlint.findings import Finding
from hvlint.ruledata import Rule
from hvlint.c.scanner import identifiers_in


def alias_for(ctx: FileContext, name: str) -> Optional[str]:
    """The scheme's synthetic alias for a register name (HV_REGISTER_SCONTROL -> HV_SYN_REG_SCONTROL)."""
    split = ctx.data.split_register_name(name)
    if split is None:
        return None
    _prefix, suffix = split
    reg = ctx.data.register_by_suffix(suffix)
    if reg is not None:
        suffix = reg.name  # arm64's GUEST_CRASH_P0 is the alias CRASH_P0
    return ctx.scheme.alias_prefix + suffix


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report generic accessor calls in shared code whose register lacks the alias prefix."""
    if not ctx.shared:
        return
    rule = ctx.data.rule("HV103")
    # Another scheme's alias (HV_SYN_REG_X in a HV_MSR_* tree) is HV105's finding.
    aliases = tuple(s.alias_prefix for s in ctx.data.schemes.values())
    wrong_prefixes = tuple(p for p in ctx.data.register_prefixes if p not in aliases)
    for call in ctx.file.calls(ctx.scheme.accessors):
        if call.declaration or len(call.args) <= ctx.scheme.register_arg:
            continue
        arches = ctx.line_arches(call.line) & {"x86", "arm64"}
        if len(arches) < 2 and ctx.build_arch is None:
            continue  # inside an arch #ifdef: arch code may use its own names
        arg = call.args[ctx.scheme.register_arg]
        idents = list(identifiers_in(arg.text, arg.start))
        if any(name.startswith(aliases) for name, _ in idents):
            continue
        for name, offset in idents:
            if name.startswith(wrong_prefixes):
                yield _finding(ctx, rule, call.name, name, offset)
                break


def _finding(ctx: FileContext, rule: Rule, accessor: str, name: str, offset: int) -> Finding:
    """The finding on register ``name`` passed to ``accessor``: what to rename it to, or,
    where that alias does not exist, why (the message key of FileContext.missing_alias)."""
    suggestion = alias_for(ctx, name)
    fields = dict(accessor=accessor, alias_prefix=ctx.scheme.alias_prefix, name=name, suggestion=suggestion)
    return ctx.alias_finding(rule, offset, name, "call", fields)
