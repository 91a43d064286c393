"""What a preprocessed C file declares, read from ``gcc -E -dD`` output (for the arm64 names judge).

The compiler has already resolved every ``#include`` and ``#if`` for one arch, so what is left is
exactly what a source file of that arch sees: the macros still defined at its end (``-dD`` keeps
each ``#define`` where it happened, ``#undef`` takes one away) and the file-scope declarations of
the C text. This module reads both with a token scanner, not a C parser: it splits the text into
top-level declarations at ``;`` and function bodies, and takes from each the names it declares:

- functions (declared or defined), variables, typedefs;
- struct and union tags with a body (a forward ``struct foo;`` is no definition);
- enum constants;
- object-like and function-like macros (with their number of named parameters).

Each name keeps the file and line the line markers give for its first declaration, relative to
the kernel tree (``src``) or the build dir (``build``, for generated headers). The reading is a
heuristic for sampling; the compiler, not this module, decides what compiles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

FUNCTION = "function"
VARIABLE = "variable"
TYPEDEF = "typedef"
STRUCT = "struct"
UNION = "union"
ENUM_CONSTANT = "enum-constant"
OBJECT_MACRO = "object-macro"
FUNCTION_MACRO = "function-macro"
KINDS = (FUNCTION, VARIABLE, OBJECT_MACRO, FUNCTION_MACRO, TYPEDEF, STRUCT, UNION, ENUM_CONSTANT)
TAG_KINDS = (STRUCT, UNION)

_MARKER = re.compile(r'^#\s*(\d+)\s+"((?:\\.|[^"\\])*)"')
_DEFINE = re.compile(r"^#define\s+([A-Za-z_]\w*)(\(([^)]*)\))?(?:[ \t]+(.*))?$")
_UNDEF = re.compile(r"^#undef\s+([A-Za-z_]\w*)")
_TOKEN = re.compile(
    r"""[ \t\r\f\v]+
    |(?P<s>L?"(?:\\.|[^"\\\n])*"|L?'(?:\\.|[^'\\\n])*')
    |(?P<id>[A-Za-z_$][\w$]*)
    |(?P<num>\.?\d(?:[eEpP][+-]|[\w.])*)
    |(?P<p>->|\.\.\.|[<>=!+\-*/%&|^]=|&&|\|\||<<|>>|\+\+|--|\S)""",
    re.X,
)
# Groups that say nothing about which name a declaration declares.
_GROUPS = {
    "__attribute__", "__attribute", "__typeof__", "__typeof", "typeof", "asm", "__asm__",
    "__asm", "_Alignas", "__alignof__", "_Alignof", "__declspec", "__volatile__",
}
KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex", "_Noreturn",
    "_Static_assert", "_Thread_local", "__inline", "__inline__", "__restrict", "__restrict__",
    "__const", "__const__", "__signed__", "__volatile", "__extension__", "__int128",
    "__builtin_va_list", "__label__", "__seg_gs", "__seg_fs", "__thread",
} | _GROUPS


@dataclass(frozen=True)
class Decl:
    """One declared name: its kind, where the line markers place it, and a macro's shape."""

    name: str
    kind: str
    path: str
    line: int
    arity: int = 0  # named parameters of a function-like macro
    body: str = ""  # an object-like macro's replacement text

    @property
    def where(self) -> str:
        """``path:line``."""
        return f"{self.path}:{self.line}"

    @property
    def space(self) -> str:
        """The name space it lives in: ``tag`` (struct/union) or ``ordinary``."""
        return "tag" if self.kind in TAG_KINDS else "ordinary"


@dataclass
class Universe:
    """Everything one preprocessed file declares, by (space, name), and the files it read."""

    names: Dict[Tuple[str, str], Decl] = field(default_factory=dict)
    files: Set[str] = field(default_factory=set)

    def add(self, decl: Decl) -> None:
        """Keep the first declaration of a name; a macro wins over a C declaration."""
        key = (decl.space, decl.name)
        old = self.names.get(key)
        if old is None or (decl.kind in (OBJECT_MACRO, FUNCTION_MACRO) and old.kind not in (OBJECT_MACRO, FUNCTION_MACRO)):
            self.names[key] = decl

    def get(self, space: str, name: str) -> Optional[Decl]:
        """The declaration of ``name`` in ``space``, if any."""
        return self.names.get((space, name))


@dataclass(frozen=True)
class Tok:
    """One token with the file and line it came from."""

    text: str
    kind: str  # id, num, s, p
    path: str
    line: int


def relative(path: str, roots: Sequence[str]) -> str:
    """``path`` as the line markers give it, relative to the first of ``roots`` it lies in
    (``./x`` is relative already); ``<built-in>`` and outside paths stay as they are."""
    for root in roots:
        root = root.rstrip("/") + "/"
        if path.startswith(root):
            return path[len(root):]
    return path[2:] if path.startswith("./") else path


def _macro(match: "re.Match[str]", path: str, line: int) -> Decl:
    name, params, body = match.group(1), match.group(3), (match.group(4) or "").strip()
    if match.group(2) is None:
        return Decl(name, OBJECT_MACRO, path, line, body=body)
    named = [p.strip() for p in params.split(",") if p.strip()]
    arity = len([p for p in named if not p.endswith("...")])
    return Decl(name, FUNCTION_MACRO, path, line, arity=arity)


def read(text: str, roots: Sequence[str]) -> Universe:
    """The names ``gcc -E -dD`` output ``text`` declares; paths relative to ``roots``."""
    universe = Universe()
    macros: Dict[str, Decl] = {}
    tokens: List[Tok] = []
    path, line = "", 0
    for raw in text.split("\n"):
        if raw.startswith("#"):
            marker = _MARKER.match(raw)
            if marker:
                path, line = relative(marker.group(2), roots), int(marker.group(1))
                universe.files.add(path)
                continue
            define = _DEFINE.match(raw)
            if define:
                macros[define.group(1)] = _macro(define, path, line)
            else:
                undef = _UNDEF.match(raw)
                if undef:
                    macros.pop(undef.group(1), None)
            line += 1
            continue
        for match in _TOKEN.finditer(raw):
            kind = match.lastgroup
            if kind is not None:
                tokens.append(Tok(match.group(kind), kind, path, line))
        line += 1
    for decl in declarations(tokens):
        universe.add(decl)
    for decl in macros.values():
        universe.add(decl)
    return universe


def _skip_group(tokens: Sequence[Tok], start: int, open_: str = "(", close: str = ")") -> int:
    """The index after the group that opens at ``start`` (``tokens[start]`` is ``open_``)."""
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].text == open_:
            depth += 1
        elif tokens[index].text == close:
            depth -= 1
            if depth == 0:
                return index + 1
    return len(tokens)


def _plain(chunk: Sequence[Tok]) -> List[Tok]:
    """``chunk`` without attribute/typeof/asm groups and with each ``{...}`` one ``{}`` token."""
    out: List[Tok] = []
    index = 0
    while index < len(chunk):
        tok = chunk[index]
        if tok.text in _GROUPS:
            after = index + 1
            if after < len(chunk) and chunk[after].text == "(":
                index = _skip_group(chunk, after)
            else:
                index = after
            continue
        if tok.text == "{":
            index = _skip_group(chunk, index, "{", "}")
            out.append(Tok("{}", "p", tok.path, tok.line))
            continue
        out.append(tok)
        index += 1
    return out


def _split(tokens: Sequence[Tok], separator: str) -> List[List[Tok]]:
    """``tokens`` split at ``separator`` outside parentheses and brackets."""
    parts: List[List[Tok]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.text in ("(", "["):
            depth += 1
        elif tok.text in (")", "]"):
            depth -= 1
        elif tok.text == separator and depth == 0:
            parts.append([])
            continue
        parts[-1].append(tok)
    return parts


def _pointer_name(tokens: Sequence[Tok]) -> Optional[Tok]:
    """The name of a ``(*name)`` declarator (a pointer to function or array), if that is one."""
    depth = 0
    for index, tok in enumerate(tokens[:-2]):
        if tok.text in ("(", "["):
            depth += 1
        elif tok.text in (")", "]"):
            depth -= 1
        if tok.text != "(" or depth != 1 or tokens[index + 1].text != "*":
            continue
        rest = index + 1
        while rest < len(tokens) and tokens[rest].text in {"*", "const", "volatile", "__restrict"}:
            rest += 1
        if rest + 1 < len(tokens) and tokens[rest].kind == "id" and tokens[rest + 1].text in {")", "["}:
            return tokens[rest]
    return None


def _depth0_names(tokens: Sequence[Tok]) -> List[Tuple[int, Tok]]:
    """Identifiers outside parentheses and brackets, with their index."""
    found, depth = [], 0
    for index, tok in enumerate(tokens):
        if tok.text in ("(", "["):
            depth += 1
        elif tok.text in (")", "]"):
            depth -= 1
        elif depth == 0 and tok.kind == "id" and tok.text not in KEYWORDS:
            found.append((index, tok))
    return found


def _declarator(tokens: Sequence[Tok]) -> Optional[Tuple[Tok, bool]]:
    """The name a declarator (with its type in front) declares, and whether it is a function."""
    tokens = _split(tokens, "=")[0]
    pointer = _pointer_name(tokens)
    if pointer is not None:
        return pointer, False
    names = _depth0_names(tokens)
    if not names:
        return None
    index, tok = names[-1]
    if index > 0 and tokens[index - 1].text in {"struct", "union", "enum"}:
        return None  # a tag, not a declarator
    is_function = index + 1 < len(tokens) and tokens[index + 1].text == "("
    return tok, is_function


def _tags_and_enumerators(chunk: Sequence[Tok]) -> Iterator[Decl]:
    """struct/union tags defined with a body and enum constants, anywhere in ``chunk``."""
    for index, tok in enumerate(chunk):
        if tok.text in {"struct", "union"}:
            rest = index + 1
            while rest < len(chunk) and chunk[rest].text in _GROUPS:
                rest = _skip_group(chunk, rest + 1) if rest + 1 < len(chunk) and chunk[rest + 1].text == "(" else rest + 1
            if rest + 1 < len(chunk) and chunk[rest].kind == "id" and chunk[rest + 1].text == "{":
                yield Decl(chunk[rest].text, tok.text, chunk[rest].path, chunk[rest].line)
        elif tok.text == "enum":
            brace = index + 1
            while brace < len(chunk) and chunk[brace].text not in {"{", ";", ")", ","}:
                brace += 1
            if brace < len(chunk) and chunk[brace].text == "{":
                yield from _enumerators(chunk, brace)


def _enumerators(chunk: Sequence[Tok], brace: int) -> Iterator[Decl]:
    """The constants of the enum body that opens at ``brace``."""
    depth = 0
    previous = ""
    for tok in chunk[brace:]:
        if tok.text in ("(", "{", "["):
            depth += 1
            if depth == 1:
                previous = "{"
                continue
        elif tok.text in (")", "}", "]"):
            depth -= 1
            if depth == 0:
                return
            if depth == 1:
                previous = ")"
                continue
        if depth == 1:
            if tok.kind == "id" and previous in ("{", ","):
                yield Decl(tok.text, ENUM_CONSTANT, tok.path, tok.line)
            previous = tok.text


def _chunk_decls(chunk: Sequence[Tok], defined_function: bool) -> Iterator[Decl]:
    """The names one top-level declaration declares."""
    if not chunk or chunk[0].text == "_Static_assert":
        return
    yield from _tags_and_enumerators(chunk)
    plain = _plain(chunk)
    is_typedef = any(t.text == "typedef" for t in plain)
    if defined_function:
        found = _declarator(plain)
        if found is not None and found[1]:
            yield Decl(found[0].text, FUNCTION, found[0].path, found[0].line)
        return
    parts = _split(plain, ",")
    head: List[Tok] = []
    for number, part in enumerate(parts):
        if number == 0:
            names = _depth0_names(_split(part, "=")[0])
            head = part[: names[-1][0]] if names else part
            found = _declarator(part)
        else:
            found = _declarator(head + part)
        if found is None:
            continue
        tok, is_function = found
        kind = TYPEDEF if is_typedef else (FUNCTION if is_function else VARIABLE)
        yield Decl(tok.text, kind, tok.path, tok.line)


def declarations(tokens: Sequence[Tok]) -> Iterator[Decl]:
    """The file-scope names of a token stream of preprocessed C."""
    chunk: List[Tok] = []
    depth = 0
    index = 0
    while index < len(tokens):
        tok = tokens[index]
        if tok.text == "{":
            if depth == 0 and chunk and chunk[-1].text == ")" and _is_function_head(chunk):
                yield from _chunk_decls(chunk, True)
                chunk = []
                index = _skip_group(tokens, index, "{", "}")
                continue
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif tok.text == ";" and depth == 0:
            yield from _chunk_decls(chunk, False)
            chunk = []
            index += 1
            continue
        chunk.append(tok)
        index += 1
    if chunk:
        yield from _chunk_decls(chunk, False)


def _is_function_head(chunk: Sequence[Tok]) -> bool:
    """Whether the tokens before a ``{`` at file scope are a function's head (not a struct,
    an initializer or a statement expression)."""
    plain = _plain(chunk)
    if not plain or plain[-1].text != ")":
        return False
    if any(t.text in {"=", "typedef"} for t in plain):
        return False
    return _declarator(plain) is not None
