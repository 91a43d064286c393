"""HV105 OTHER_SCHEME_ALIAS: a register alias named with another scheme's prefix."""

from __future__ import annotations

from typing import Dict, Iterator, Set

from hvlint.checks.context import FileContext, definitions_of
from hvlint.c.scanner import identifiers_in
from hvlint.c.wordfind import word_patterns
from hvlint.findings import Finding
from hvlint.ruledata import Scheme


def _register_args(ctx: FileContext) -> Set[int]:
    """Offsets of the names passed as the register to any scheme's accessor."""
    accessors: Dict[str, Scheme] = {a: s for s in ctx.data.schemes.values() for a in s.accessors}
    found: Set[int] = set()
    for call in ctx.file.calls(tuple(accessors)):
        scheme = accessors[call.name]
        if call.declaration or len(call.args) <= scheme.register_arg:
            continue
        arg = call.args[scheme.register_arg]
        found.update(off for _name, off in identifiers_in(arg.text, arg.start))
    return found


def _is_alias(ctx: FileContext, name: str) -> bool:
    """Defined (by the tree or the input), and only ever as a register alias."""
    defs = [d for d in ctx.index.definitions(name) if not d.builtin]
    return bool(defs) and all(d.kind != "function-macro" and ctx.is_register_alias(d.value) for d in defs)


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report definitions and uses of register aliases whose prefix is another scheme's."""
    rule = ctx.data.rule("HV105")
    own = ctx.scheme
    others = {s.alias_prefix: s for s in ctx.data.schemes.values() if s.name != own.name}
    prefixes = tuple(others)
    if not ctx.scheme_established or not prefixes or not any(p in ctx.file.text for p in prefixes):
        return  # no aliases anywhere yet: neither prefix is the tree's

    def fields(name: str) -> dict:
        other = next(s for p, s in others.items() if name.startswith(p))
        replacement = own.alias_prefix + name[len(other.alias_prefix):]
        where = ", ".join(d.where for d in ctx.index.definitions(replacement) if not d.builtin)
        return dict(
            name=name, other=other.name, other_prefix=other.alias_prefix, scheme=own.name,
            prefix=own.alias_prefix, replacement=replacement, where=where,
        )

    for name, offset, _line, value, _guard in definitions_of(ctx):
        if name.startswith(prefixes) and len(name) > len(next(p for p in prefixes if name.startswith(p))):
            if not ctx.is_register_alias(value):
                continue  # a feature bit or flag that shares the prefix (HV_MSR_*_AVAILABLE)
            f = fields(name)
            key = "definition_exists" if f["where"] else "definition"
            yield ctx.finding(rule, offset, name, rule.message(key, **f), f["replacement"])
    register_args = _register_args(ctx)
    for name, offset in ctx.file.names_matching(word_patterns(prefixes, r"\w+")):
        if offset in ctx.definition_offsets:
            continue
        if offset not in register_args and not _is_alias(ctx, name):
            continue  # not known to be a register alias: a flag, or another header's name
        f = fields(name)
        exists = ctx.exists(f["replacement"])
        if exists is not False:
            yield ctx.finding(rule, offset, name, rule.message("use", **f), f["replacement"])
        elif _is_alias(ctx, name):  # renaming its definition creates the replacement
            f["where"] = ", ".join(d.where for d in ctx.index.definitions(name) if not d.builtin)
            yield ctx.finding(rule, offset, name, rule.message("use_renamed", **f), f["replacement"])
        else:
            yield ctx.finding(rule, offset, name, rule.message("use_undefined", **f))
