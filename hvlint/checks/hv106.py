"""HV106 ARCH_IFDEF_IN_GENERIC: an arch #if in an arch-neutral .c file (--strict only)."""

from __future__ import annotations

from typing import Iterator

from hvlint.checks.context import FileContext
from hvlint.findings import Finding
from hvlint.c.scanner import CONDITIONALS, identifiers_in


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report #if/#ifdef/#elif lines whose own condition tests an arch, in shared .c files."""
    if not ctx.shared or not ctx.file.path.endswith(".c"):
        return
    rule = ctx.data.rule("HV106")
    for directive in ctx.file.directives:
        if directive.kind not in CONDITIONALS:
            continue
        if not any(ctx.arch_symbols.arch_of(name) for name, _ in identifiers_in(directive.text, 0)):
            continue
        offset = ctx.file.line_starts[directive.line - 1] + directive.column - 1
        head = ctx.file.line_text(directive.line).strip().split("/*")[0].strip()
        yield ctx.finding(
            rule, offset, head,
            rule.message("block", directive=directive.kind, condition=directive.text),
        )
