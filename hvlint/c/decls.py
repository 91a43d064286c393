"""What one C file declares at file scope: functions and prototypes, macros, variables,
typedefs, struct/union/enum tags (with a body) and enum constants, with their offsets, plus
the ``#include <...>`` targets it names.

One file's text in, its declarations out: no other file, no tree, so the result can be cached
per file. This is a reader of declarations, not a C parser: it walks the file-scope
statements (``;``-ended, or a ``{`` body it skips), and takes the declared name from each with
the grammar of rules/declarations.toml. Assembly branches (``#ifdef __ASSEMBLY__``) and
``#if 0`` are left out; every other ``#if`` branch is read (the caller gives each declaration
the arches of its line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple

from hvlint.c.lexer import blank_keep_newlines
from hvlint.c.scanner import directive_starts

_DIRECTIVE = re.compile(r"[ \t]*#[ \t]*(\w*)[ \t]*(.*)")
_DEFINE = re.compile(r"([A-Za-z_]\w*)(\()?")
_INCLUDE = re.compile(r"<([^>\s]+)>")
_BOUNDARY = re.compile(r"[{};]")
_BRACES = re.compile(r"[{}]")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_CALLED = re.compile(r"([A-Za-z_]\w*)\s*\(")
_FUNC_POINTER = re.compile(r"\(\s*\*\s*(?:const\s+)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*\)\s*\(")
_TAG_HEAD = re.compile(r"(?:^|\s)(struct|union|enum)\s+([A-Za-z_]\w*)?[\s\w()]*\Z")


@dataclass(frozen=True)
class Grammar:
    """The words of rules/declarations.toml: qualifiers and macros that declare a name."""

    qualifiers: FrozenSet[str]
    declaring_macros: Dict[str, int]
    assembly: FrozenSet[str] = frozenset({"__ASSEMBLY__"})


@dataclass(frozen=True)
class Decl:
    """One declared name: ``kind`` is macro, function-macro, function (defined here),
    prototype, variable, extern (a variable declared ``extern``), typedef, tag (``name`` is
    then ``struct x``, ``union x`` or ``enum x``) or enum; ``static`` marks a name with
    internal linkage (not visible outside its file)."""

    name: str
    kind: str
    offset: int
    static: bool = False


@dataclass(frozen=True)
class FileDecls:
    """A file's declarations and its ``#include <...>`` targets (with offsets)."""

    decls: Tuple[Decl, ...]
    includes: Tuple[Tuple[str, int], ...]


def declarations(code: str, grammar: Grammar) -> FileDecls:
    """The file-scope declarations of ``code`` (C text with comments and literal contents
    blanked, as lexer.blank gives it; directives still in)."""
    decls: List[Decl] = []
    includes: List[Tuple[str, int]] = []
    body = _directives(code, decls, includes, grammar.assembly)
    decls.extend(_statements(body, grammar))
    return FileDecls(tuple(decls), tuple(includes))


def _directives(code: str, decls: List[Decl], includes: List[Tuple[str, int]], assembly: FrozenSet[str]) -> str:
    """Collect #define and #include, and return ``code`` with every directive line blanked,
    and the code of assembly and ``#if 0`` branches too."""
    pieces: List[str] = []
    pos = 0
    # Per open #if: whether the current branch is left out, and whether its #else is.
    stack: List[Tuple[bool, bool]] = []
    skipping = False
    for start in directive_starts(code):
        if start < pos:
            continue  # a continuation line of the directive before
        end = code.find("\n", start)
        while end > 0 and code[end - 1 if code[end - 1] != "\r" else end - 2] == "\\":
            end = code.find("\n", end + 1)
        end = len(code) if end < 0 else end
        seg = code[pos:start]
        pieces.append(blank_keep_newlines(seg) if skipping else seg)
        m = _DIRECTIVE.match(code, start, end)
        kind, rest = (m.group(1), m.group(2)) if m else ("", "")
        if not skipping and m is not None:
            if kind == "define":
                dm = _DEFINE.match(rest)
                if dm:
                    decls.append(Decl(dm.group(1), "function-macro" if dm.group(2) else "macro", m.start(2) + dm.start(1)))
            elif kind == "include":
                im = _INCLUDE.search(rest)
                if im:
                    includes.append((im.group(1), m.start(2) + im.start(1)))
        if kind in ("if", "ifdef", "ifndef"):
            stack.append(_branch_left_out(kind, rest, assembly))
        elif kind in ("elif", "else") and stack:
            stack[-1] = (stack[-1][1], False) if kind == "else" else (False, False)
        elif kind == "endif" and stack:
            stack.pop()
        skipping = any(s[0] for s in stack)
        pieces.append(blank_keep_newlines(code[start:end]))
        pos = end
    rest_of = code[pos:]
    pieces.append(blank_keep_newlines(rest_of) if skipping else rest_of)
    return "".join(pieces)


_ASSEMBLY_ONLY = re.compile(r"(!?)\s*(?:defined\s*\(?\s*)?([A-Za-z_]\w*)\s*\)?")


def _branch_left_out(kind: str, rest: str, assembly: FrozenSet[str]) -> Tuple[bool, bool]:
    """(this branch left out, its #else left out) for an #if, #ifdef or #ifndef: assembly
    branches and ``#if 0``; a compound condition leaves both branches in."""
    cond = rest.strip()
    if kind == "ifdef":
        return (cond in assembly, False)
    if kind == "ifndef":
        return (False, cond in assembly)
    if cond == "0":
        return True, False
    m = _ASSEMBLY_ONLY.fullmatch(cond)
    if m is None or m.group(2) not in assembly:
        return False, False
    return (False, True) if m.group(1) else (True, False)


def _statements(body: str, grammar: Grammar) -> Iterator[Decl]:
    """Declarations of the file-scope statements of ``body`` (directives blanked)."""
    pos = 0
    start = 0
    n = len(body)
    while pos < n:
        m = _BOUNDARY.search(body, pos)
        if m is None:
            return
        ch = m.group()
        at = m.start()
        if ch == ";":
            yield from _declaration(body, start, at, grammar, None)
            pos = start = at + 1
            continue
        if ch == "}":  # stray closer at file scope
            pos = start = at + 1
            continue
        close = _matching_brace(body, at)
        head = body[start:at]
        tag = _TAG_HEAD.search(head[-300:]) if ("struct" in head or "union" in head or "enum" in head) else None
        if "=" in head:
            yield from _declaration(body, start, at, grammar, None)
            pos = _statement_end(body, close)
            start = pos
            continue
        if tag is not None and "(" not in head:
            yield from _tagged(body, max(start, at - 300), at, close, tag, grammar)
            end = _statement_end(body, close)
            trailer = body[close + 1 : end - 1] if end > close + 1 else ""
            if trailer.strip():
                typedef = "typedef" in head.split()
                yield from _declarators(trailer, close + 1, grammar, "typedef" if typedef else "variable", "static" in head.split())
            pos = start = end
            continue
        if "(" in head:
            yield from _declaration(body, start, at, grammar, "function")
        elif head.strip().startswith("extern") and not head.strip()[6:].strip(' "'):
            pos = start = at + 1  # extern "C" { ... }: its declarations are at file scope
            continue
        pos = start = (close + 1) if close >= 0 else n


def _matching_brace(body: str, open_at: int) -> int:
    depth = 0
    for m in _BRACES.finditer(body, open_at):
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _statement_end(body: str, close: int) -> int:
    """After a ``{...}`` closing at ``close``: the offset past the ``;`` that ends the statement."""
    if close < 0:
        return len(body)
    semi = body.find(";", close)
    nxt = body.find("{", close)
    if semi < 0:
        return len(body)
    if 0 <= nxt < semi:
        return close + 1  # no ';' before the next body: a function-like thing without one
    return semi + 1


def _tagged(body: str, start: int, open_at: int, close: int, tag: "re.Match[str]", grammar: Grammar) -> Iterator[Decl]:
    kind, name = tag.group(1), tag.group(2)
    if name:
        yield Decl(f"{kind} {name}", "tag", start + tag.start(2))
    if kind == "enum" and close > open_at:
        for name, at in _enum_constants(body, open_at + 1, close):
            yield Decl(name, "enum", at)


def _enum_constants(body: str, start: int, end: int) -> Iterator[Tuple[str, int]]:
    depth = 0
    seg = start
    for m in re.finditer(r"[()\[\]{},]", body[start:end]):
        ch = m.group()
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            yield from _enum_entry(body, seg, start + m.start())
            seg = start + m.start() + 1
    yield from _enum_entry(body, seg, end)


def _enum_entry(body: str, s: int, e: int) -> Iterator[Tuple[str, int]]:
    m = _IDENT.search(body, s, e)
    if m is not None and not body[s:m.start()].strip():
        yield m.group(), m.start()


def _declaration(body: str, start: int, end: int, grammar: Grammar, forced: Optional[str]) -> Iterator[Decl]:
    """The names one statement ``body[start:end]`` declares (``forced``: it heads a body)."""
    text = body[start:end]
    words = text.split()
    if not words:
        return
    static = "static" in words[:4]
    typedef = words[0] == "typedef"
    eq = _top_level(text, "=")
    if "->" in (text if eq < 0 else text[:eq]):
        return  # an assignment to a member (a TRACE_EVENT's TP_fast_assign): declares nothing
    paren = text.find("(")
    if paren >= 0 and (eq < 0 or paren < eq):
        fp = _FUNC_POINTER.search(text)
        if fp is not None and fp.start() <= paren:
            yield Decl(fp.group(1), "typedef" if typedef else "variable", start + fp.start(1), static)
            return
        for cm in _CALLED.finditer(text):
            name = cm.group(1)
            if name in grammar.qualifiers or text[: cm.start()].count("(") != text[: cm.start()].count(")"):
                continue
            if name in grammar.declaring_macros:
                yield from _macro_declared(body, start + cm.end() - 1, grammar.declaring_macros[name], static)
                return
            if name.isupper() and forced is None and not typedef and _is_all_call(text, cm):
                return  # a file-scope macro call (EXPORT_SYMBOL(x);): declares nothing known
            kind = "typedef" if typedef else ("function" if forced else "prototype")
            yield Decl(name, kind, start + cm.start(1), static)
            return
        return
    if forced is not None:
        return
    kind = "typedef" if typedef else ("extern" if words[0] == "extern" else "variable")
    yield from _declarators(text, start, grammar, kind, static)


def _is_all_call(text: str, cm: "re.Match[str]") -> bool:
    """Whether the statement is nothing but ``NAME(...)``."""
    return not text[: cm.start()].strip()


def _macro_declared(body: str, open_at: int, index: int, static: bool) -> Iterator[Decl]:
    depth = 0
    args: List[Tuple[int, int]] = []
    seg = open_at + 1
    for m in re.finditer(r"[()\[\]{},;]", body[open_at:]):
        ch = m.group()
        at = open_at + m.start()
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                args.append((seg, at))
                break
        elif ch == ";":
            return
        elif ch == "," and depth == 1:
            args.append((seg, at))
            seg = at + 1
    if not args:
        return
    s, e = args[index] if -len(args) <= index < len(args) else args[-1]
    names = list(_IDENT.finditer(body, s, e))
    if names:
        last = names[-1]
        yield Decl(last.group(), "variable", last.start(), static)


def _top_level(text: str, ch: str) -> int:
    """Offset of the first ``ch`` outside brackets, or -1."""
    if ch not in text:
        return -1
    depth = 0
    for i, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == ch and depth == 0:
            return i
    return -1


def _declarators(text: str, base: int, grammar: Grammar, kind: str, static: bool) -> Iterator[Decl]:
    """Names of ``int a, *b[3] = {..}, c`` style declarators (the first carries the type)."""
    depth = 0
    seg = 0
    parts: List[Tuple[int, int]] = []
    for i, c in enumerate(text if "," in text else ""):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append((seg, i))
            seg = i + 1
    parts.append((seg, len(text)))
    for s, e in parts:
        piece = text[s:e]
        cut = len(piece)
        for stop in ("=", "[", ":"):
            at = _top_level(piece, stop) if stop == "=" else piece.find(stop)
            if 0 <= at < cut:
                cut = at
        names = [m for m in _IDENT.finditer(piece, 0, cut) if m.group() not in grammar.qualifiers]
        if not names:
            continue
        last = names[-1]
        before = piece[: last.start()].split()
        if before and before[-1] in ("struct", "union", "enum"):
            continue  # "struct foo;" declares only an incomplete tag
        if s == 0 and len(names) == 1 and not any(w in ("struct", "union", "enum") for w in before) and kind in ("variable", "extern"):
            if not before or all(w in grammar.qualifiers for w in before):
                if not any(w in ("int", "char", "long", "short", "unsigned", "signed", "bool", "_Bool", "float", "double") for w in before):
                    continue  # a lone word: a macro call without ';' or a type alone, not a declaration
        yield Decl(last.group(), kind, base + s + last.start(), static)
