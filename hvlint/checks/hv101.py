"""HV101 HV_REGISTER_MSR: a HV_REGISTER_* name that is really an x86 synthetic MSR."""

from __future__ import annotations

from typing import Iterator

from hvlint.checks.context import FileContext, definitions_of
from hvlint.findings import Finding
from hvlint.c.scanner import identifiers_in
from hvlint.c.values import Resolved


def _msr_name(ctx: FileContext, name: str) -> str:
    return ctx.data.x86_msr_prefix + name[len(ctx.data.vp_register_prefix):]


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report HV_REGISTER_* definitions with MSR values and HV_REGISTER_* MSR accessor arguments."""
    rule = ctx.data.rule("HV101")
    prefix = ctx.data.vp_register_prefix
    for name, offset, _line, value, guard in definitions_of(ctx):
        if not name.startswith(prefix):
            continue
        arches = ctx.file.arches_of_guard(guard) & ctx.file_arches()
        reasons = []
        for arch in ("x86", "arm64", "other"):
            if arch not in arches:
                continue
            result = ctx.resolver.evaluate(value, arch)
            if not isinstance(result, Resolved):
                reasons.append(f"{arch}: {result.reason}")
            elif ctx.data.is_msr(result.value):
                yield ctx.finding(
                    rule, offset, name,
                    rule.message("definition", name=name, value=str(result), suggestion=_msr_name(ctx, name)),
                    _msr_name(ctx, name),
                )
                break
        else:
            if reasons and len(reasons) == len(arches):
                ctx.note(offset, f"{name}: value not resolved ({'; '.join(reasons)}); HV101 cannot tell")
    accessors = ctx.data.msr_accessors
    for call in ctx.file.calls(accessors):
        if call.declaration:
            continue
        arg_index = ctx.data.msr_accessor_arg.get(call.name, 0)
        if arg_index >= len(call.args):
            continue
        arg = call.args[arg_index]
        for ident, off in identifiers_in(arg.text, arg.start):
            if ident.startswith(prefix):
                yield ctx.finding(
                    rule, off, ident,
                    rule.message("msr_accessor", name=ident, accessor=call.name, suggestion=_msr_name(ctx, ident)),
                    _msr_name(ctx, ident),
                )
