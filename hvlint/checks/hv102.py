"""HV102 X86_NAME_IN_GENERIC: an x86-only name in arch-neutral code."""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Iterator, Optional, Set, Tuple

from hvlint.checks.context import FileContext
from hvlint.findings import Finding
from hvlint.ruledata import Rule
from hvlint.tree.paths import glob_set
from hvlint.c.scope import Scope
from hvlint.c.wordfind import Patterns, find_words, word_patterns

_IDENT = re.compile(r"[A-Za-z_]\w*")
_TAG_USE = re.compile(r"\b(struct|union|enum)\s+([A-Za-z_]\w*)")


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


def _arm64_line(ctx: FileContext, offset: int) -> bool:
    line, _ = ctx.file.position(offset)
    return bool(ctx.line_arches(line) - {"x86"})


def _declared_uses(ctx: FileContext, seen: Set[int]) -> Iterator[Finding]:
    """Any name only x86 declares (declaration index), used as a global on a line arm64
    compiles; and ``#include <asm/X.h>`` that arm64 has no header for."""
    index = ctx.declarations
    if index is None:
        return
    sf = ctx.file
    if sf.path.endswith(".h") and "arm64" not in index.path_arches(sf.path):
        return  # an asm-generic header no arm64 asm/ header resolves to
    rule = ctx.data.rule("HV102")
    for d in sf.directives:
        if d.kind == "include":
            m = re.match(r"<(asm/[^>\s]+)>", d.text)
            where = index.asm_header_x86_only(m.group(1)) if m else None
            if where and ctx.line_arches(d.line) - {"x86"}:
                offset = sf.line_starts[d.line - 1] + sf.line_text(d.line).find(m.group(1))
                yield ctx.finding(rule, offset, m.group(1), rule.message("asm_header", header=m.group(1), where=where))
    body = sf.body
    words = set(_IDENT.findall(body)).difference(ctx.data.decl_keywords)
    tags = {f"{k} {n}" for k, n in _TAG_USE.findall(body)} if "struct" in body or "union" in body or "enum" in body else set()
    hits = index.x86_candidates(words | tags, sf.path)
    if not hits:
        return
    scope = Scope(sf)
    plain = tuple(sorted(h for h in hits if " " not in h))
    # Occurrences on lines arm64 compiles, outside #define bodies: only for those is the
    # file's own scope worked out (most x86 names of shared code sit under #ifdef CONFIG_X86).
    uses = [
        (m.group(1), m.start()) for m in (find_words(body, word_patterns(plain, r"\b")) if plain else ())
        if m.start() not in seen and _arm64_line(ctx, m.start()) and scope.in_define(m.start()) is None
    ]
    tag_uses = [
        (f"{m.group(1)} {m.group(2)}", m) for m in _TAG_USE.finditer(body)
        if m.group(1) != "enum" and f"{m.group(1)} {m.group(2)}" in hits and _arm64_line(ctx, m.start())
    ]
    if not uses and not tag_uses:
        return
    own = _own_names(ctx)
    declared_at = {d.offset for d in ctx.own_declarations().decls} if ctx.own_declarations else set()
    for name, offset in uses:
        if offset not in declared_at and scope.is_global_use(name, offset, own):
            yield from _report(ctx, rule, name, name, offset)
    for key, m in tag_uses:
        if key not in own and scope.in_define(m.start()) is None and _needs_complete_type(body, m.start(), m.end()):
            yield from _report(ctx, rule, key, m.group(), m.start())


_OBJECT_AFTER_TAG = re.compile(r"\s*[A-Za-z_]\w*\s*[;=\[,]")
_SIZEOF_BEFORE = re.compile(r"\(\s*foezis\b")  # "sizeof (" reversed


def _needs_complete_type(body: str, start: int, end: int) -> bool:
    """Whether ``struct x`` at start..end needs the type's body: an object of that type, or
    ``sizeof(struct x)`` (a pointer to, or a prototype with, an incomplete type compiles)."""
    if _OBJECT_AFTER_TAG.match(body, end):
        return True
    return bool(_SIZEOF_BEFORE.match(body[max(0, start - 20):start][::-1].lstrip()))


# What a file's own declaration of a name does not settle: a prototype or an extern compiles
# on arm64, but links only where something defines the name.
_LINK_ONLY = frozenset({"prototype", "extern"})


def _own_names(ctx: FileContext) -> FrozenSet[str]:
    """The names the file defines itself (file scope, and every enum constant); its bare
    prototypes and externs of another file's name do not count."""
    decls = ctx.own_declarations().decls if ctx.own_declarations else ()
    own = {d.name for d in decls if d.kind not in _LINK_ONLY}
    own.update(e.name for e in ctx.file.enums)
    return frozenset(own)


def _report(ctx: FileContext, rule, name: str, shown: str, offset: int) -> Iterator[Finding]:
    if not _arm64_line(ctx, offset) or _allowed(ctx, name, False):
        return
    found = ctx.declarations.x86_only(name, ctx.file.path) if ctx.declarations else None
    if found is None:
        return
    where, kind = found
    what = {"function-macro": "macro", "static": "function", "enum": "enum constant"}.get(kind, kind)
    yield ctx.finding(rule, offset, shown, rule.message("declared", name=shown, kind=what, where=where))


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report x86-only names on lines of shared code that are also compiled for other arches."""
    if not ctx.shared_for_arches:
        return
    rule = ctx.data.rule("HV102")
    seen: Set[int] = set()
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
            seen.add(offset)
            continue
        seen.add(offset)
        yield _finding(ctx, rule, name, reason, offset)
    yield from _declared_uses(ctx, seen)


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
