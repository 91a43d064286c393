"""Evaluate preprocessor ``#if`` conditions per arch.

By default only arch facts are known: ``defined(CONFIG_X86)`` is true on x86 and false
elsewhere, ``IS_ENABLED(CONFIG_ARM64)`` likewise; any other macro is unknown. So an include
guard (``#ifndef _ASM_HYPERV_H``) restricts nothing, and ``#if defined(CONFIG_X86) &&
defined(FOO)`` is false on arm64 whatever FOO is. A ``BuildMacros`` (one build's autoconf.h
and ``-D`` flags, hvlint.kbuild) makes that build's macros known on its arch.

Expressions are evaluated as C's preprocessor does (C11 6.10.1, GCC's cpp): C's precedence,
intmax_t/uintmax_t arithmetic (64 bits, wrapping) with an unsigned operand making the
operation unsigned, short-circuit ``&&``, ``||`` and ``?:`` (a division by zero in a skipped
operand is no error), character constants, integer suffixes. A value is known, unknown
(depends on configuration hvlint cannot see) or an error (the compiler rejects the line):
both of the last two come out as None. The parser is hvlint's own rather than pycparser's:
``defined NAME``, function-like config tests and unknown macro calls are not C expressions,
and the operands are evaluated once per arch.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple, Union

from hvlint.c.tristate import ARCHES
from hvlint.c.values import c_div, c_mod

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\.?\d(?:[eEpP][+-]|[\w.])*)"
    r"|(?P<chr>[LuU]?'(?:[^'\\\n]|\\.)*')"
    r"|(?P<id>[A-Za-z_]\w*)"
    r"|(?P<op>&&|\|\||==|!=|<=|>=|<<|>>|[!()<>+\-*/%&|^~?:,]))"
)
_INTEGER = re.compile(r"(?:0[xX](?P<hex>[0-9a-fA-F]+)|0[bB](?P<bin>[01]+)|(?P<dec>\d+))(?P<suffix>\w*)\Z")
_SUFFIXES = {"": False, "u": True, "l": False, "ul": True, "lu": True, "ll": False, "ull": True, "llu": True}
_ESCAPES = {"n": 10, "t": 9, "r": 13, "0": 0, "a": 7, "b": 8, "f": 12, "v": 11, "e": 27, "\\": 92, "'": 39, '"': 34, "?": 63}
_MAX_TOKENS = 4096
_MAX_DEPTH = 200
_BITS = 64
_MASK = (1 << _BITS) - 1
_SIGN = 1 << (_BITS - 1)

# Function-like tests of a config symbol: name -> whether a module (=m) counts.
_CONFIG_TESTS = {"IS_ENABLED": True, "IS_BUILTIN": False, "IS_REACHABLE": True, "IS_MODULE": None}
# Binary operators by precedence, loosest first (below them the unary operators; above,
# ``?:`` and ``,``). ``&&`` and ``||`` are three-valued and short-circuit (_Evaluation).
_LEVELS: Tuple[Tuple[str, ...], ...] = (
    ("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", ">", "<=", ">="), ("<<", ">>"), ("+", "-"), ("*", "/", "%"),
)
_LEVEL_OF = {op: n for n, ops in enumerate(_LEVELS) for op in ops}

class _Error:
    """A value the compiler would reject (division by zero), or might (an operand of one)."""


ERROR = _Error()
Num = Tuple[int, bool]  # (value, unsigned): value in the range of intmax_t or uintmax_t
Result = Union[Num, None, _Error]  # None: unknown


@dataclass(frozen=True)
class ArchSymbols:
    """Which preprocessor symbols pin the arch (from rules/paths.toml)."""

    exact: Dict[str, Tuple[str, ...]]
    prefixes: Dict[str, Tuple[str, ...]]
    other: Tuple[str, ...]

    def arch_of(self, name: str) -> Optional[str]:
        """The arch a symbol pins, "other" for another arch's symbol, or None."""
        for arch, names in self.exact.items():
            if name in names:
                return arch
        for arch, prefixes in self.prefixes.items():
            if name.startswith(prefixes):
                return arch
        if name in self.other:
            return "other"
        return None


@dataclass(frozen=True)
class BuildMacros:
    """What one build defines (its autoconf.h, its ``-D`` flags), on the arch it builds for.

    ``defines`` maps a macro to its replacement text, or to None when the build is known not
    to define it (``MODULE`` for a built-in object). A name with one of ``complete_prefixes``
    that is not in ``defines`` is known to be undefined (autoconf.h lists every ``CONFIG_``
    symbol the build sets); any other name stays unknown (a header may define it).
    """

    arch: str
    defines: Mapping[str, Optional[str]] = field(default_factory=dict)
    complete_prefixes: Tuple[str, ...] = ("CONFIG_",)

    def lookup(self, name: str) -> Tuple[bool, Optional[str]]:
        """(known, replacement): replacement None for a name known to be undefined."""
        if name in self.defines:
            return True, self.defines[name]
        return name.startswith(self.complete_prefixes), None


class _Unparsable(Exception):
    pass


def _signed(value: int) -> int:
    """``value`` modulo 2**64, as intmax_t."""
    value &= _MASK
    return value - (1 << _BITS) if value & _SIGN else value


def _wrap(value: int, unsigned: bool) -> Num:
    """``value`` reduced to the type's 64 bits (overflow wraps, as GCC's cpp does)."""
    return (value & _MASK, True) if unsigned else (_signed(value), False)


def _integer(text: str) -> Num:
    """An integer constant: value and whether it is unsigned (a ``u`` suffix, or too large for
    intmax_t). A malformed or floating constant, or one beyond 64 bits (or 80 characters), is
    unparsable."""
    m = _INTEGER.match(text)
    if not m or len(text) > 80 or m.group("suffix").lower() not in _SUFFIXES or "lL" in m.group("suffix") or "Ll" in m.group("suffix"):
        raise _Unparsable()
    if m.group("hex"):
        value = int(m.group("hex"), 16)
    elif m.group("bin"):
        value = int(m.group("bin"), 2)
    else:
        digits = m.group("dec")
        if len(digits) > 1 and digits[0] == "0":
            if any(c in "89" for c in digits):
                raise _Unparsable()
            value = int(digits, 8)
        else:
            value = int(digits)
    if value > _MASK:
        raise _Unparsable()
    return value, _SUFFIXES[m.group("suffix").lower()] or value >= _SIGN


def _character(text: str) -> Result:
    """A character constant: an int. Wide ones, several characters, and bytes above 127 (whose
    sign follows the target's and the kernel's ``char``) are unknown."""
    if text[0] != "'":
        return None
    body = text[1:-1]
    if len(body) == 1:
        code = ord(body)
    elif body[:1] == "\\" and body[1:] in _ESCAPES:
        code = _ESCAPES[body[1:]]
    elif re.fullmatch(r"\\[0-7]{1,3}", body):
        code = int(body[1:], 8)
    elif re.fullmatch(r"\\x[0-9a-fA-F]+", body):
        code = int(body[2:], 16)
    else:
        return None
    return (code, False) if code < 128 else None


def _tokenize(text: str) -> Optional[List[Tuple[str, str]]]:
    tokens: List[Tuple[str, str]] = []
    pos, end = 0, len(text.rstrip())
    while pos < end:
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            return None
        kind = m.lastgroup or "op"
        tokens.append((kind, m.group(kind)))
        pos = m.end()
        if len(tokens) > _MAX_TOKENS:
            return None
    return tokens


# An expression tree: ("num", (value, unsigned)), ("chr", text), ("name", NAME),
# ("defined", NAME), ("test", IS_ENABLED-like, NAME), ("version", a, b, c), ("call", NAME),
# ("unary", op, x), ("binary", op, a, b), ("?:", c, a, b), (",", a, b).
Node = tuple


class _Parser:
    """Parses one condition into a tree, by C's precedence."""

    def __init__(self, tokens: List[Tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> Optional[str]:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self) -> Tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise _Unparsable()
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise _Unparsable()

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _Unparsable()

    def whole(self) -> Node:
        node = self.comma()
        if self.pos != len(self.tokens):
            raise _Unparsable()
        return node

    def comma(self) -> Node:
        node = self.conditional()
        while self.peek() == ",":
            self.take()
            node = (",", node, self.conditional())
        return node

    def conditional(self) -> Node:
        self.deeper()
        cond = self.binary(0)
        if self.peek() == "?":
            self.take()
            a = self.comma()
            self.expect(":")
            cond = ("?:", cond, a, self.conditional())
        self.depth -= 1
        return cond

    def binary(self, level: int) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in _LEVELS[level]:
            op = self.take()[1]
            left = ("binary", op, left, self.binary(level + 1))
        return left

    def unary(self) -> Node:
        tok = self.peek()
        if tok in ("!", "~", "-", "+"):
            self.take()
            self.deeper()
            node = ("unary", tok, self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def name_argument(self) -> str:
        kind, name = self.take()
        if kind != "id":
            raise _Unparsable()
        return name

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            return ("num", _integer(text))
        if kind == "chr":
            return ("chr", text)
        if text == "(":
            node = self.comma()
            self.expect(")")
            return node
        if kind != "id":
            raise _Unparsable()
        if text == "defined":
            paren = self.peek() == "("
            if paren:
                self.take()
            name = self.name_argument()
            if paren:
                self.expect(")")
            return ("defined", name)
        if self.peek() != "(":
            return ("name", text)
        self.take()
        if text in _CONFIG_TESTS:
            name = self.name_argument()
            self.expect(")")
            return ("test", text, name)
        if text == "KERNEL_VERSION":
            args = [self.conditional()]
            for _ in range(2):
                self.expect(",")
                args.append(self.conditional())
            self.expect(")")
            return ("version", *args)
        depth = 1  # an unknown function-like macro: skip its arguments
        while depth:
            t = self.take()[1]
            depth += (t == "(") - (t == ")")
        return ("call", text)


def parse(text: str) -> Optional[Node]:
    """The expression tree of a condition, or None when it is not one."""
    tokens = _tokenize(text)
    if not tokens:
        return None
    try:
        return _Parser(tokens).whole()
    except (_Unparsable, RecursionError):
        return None


def _binary(op: str, a: Num, b: Num) -> Result:
    """``a op b`` on known operands, as GCC's cpp computes it in intmax_t/uintmax_t."""
    if op in ("<<", ">>"):  # the left operand's type; a negative count shifts the other way
        (x, unsigned), (n, n_unsigned) = a, b
        if not n_unsigned and n < 0:
            op, n = ("<<" if op == ">>" else ">>"), -n
        if op == "<<":
            return _wrap(x << n, unsigned) if n < _BITS else (0, unsigned)
        return (x >> n if n < _BITS else (-1 if x < 0 else 0)), unsigned
    unsigned = a[1] or b[1]
    x, y = (a[0] & _MASK, b[0] & _MASK) if unsigned else (a[0], b[0])
    if op in ("==", "!="):
        return int((x == y) == (op == "==")), False
    if op in ("<", ">", "<=", ">="):
        return int({"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]), False
    if op in ("/", "%"):
        if y == 0:
            return ERROR
        return _wrap(c_div(x, y) if op == "/" else c_mod(x, y), unsigned)
    value = {"+": x + y, "-": x - y, "*": x * y, "&": x & y, "|": x | y, "^": x ^ y}[op]
    return _wrap(value, unsigned)


def _unary(op: str, v: Num) -> Num:
    value, unsigned = v
    if op == "!":
        return int(value == 0), False
    if op == "~":
        return _wrap(~value, unsigned)
    return _wrap(-value if op == "-" else value, unsigned)


class _Evaluation:
    """Evaluates a tree for one arch: the arch's symbols, then the build's macros, if any."""

    def __init__(self, arch: str, symbols: ArchSymbols, build: Optional[BuildMacros]) -> None:
        self.arch = arch
        self.symbols = symbols
        self.build = build if build is not None and build.arch == arch else None
        self.expanding: Tuple[str, ...] = ()

    def defined(self, name: str) -> Result:
        """``defined(name)``: 1, 0 or unknown."""
        if self.build is not None:
            known, text = self.build.lookup(name)
            if known:
                return int(text is not None), False
        owner = self.symbols.arch_of(name)
        if owner is None:
            return None
        if owner == "other":
            return (0, False) if self.arch != "other" else None
        return int(owner == self.arch), False

    def name(self, name: str) -> Result:
        """A macro name in an expression: its value where it is known, 0 when undefined."""
        if self.build is not None:
            known, text = self.build.lookup(name)
            if known:
                return self.expand(name, text) if text is not None else (0, False)
        return self.defined(name)  # an arch symbol is defined as 1 (kconfig's y, gcc's __x86_64__)

    def expand(self, name: str, text: str) -> Result:
        """The value of a build macro's replacement text (itself an expression)."""
        node = parse(text) if name not in self.expanding and len(self.expanding) < 32 else None
        if node is None:
            return None
        self.expanding += (name,)
        try:
            return self.value(node)
        finally:
            self.expanding = self.expanding[:-1]

    def test(self, kind: str, name: str) -> Result:
        """IS_ENABLED(name) and its kin (include/linux/kconfig.h)."""
        builtin, module = self.defined(name), self.defined(name + "_MODULE")
        if self.build is None or builtin is None or module is None:
            if _CONFIG_TESTS[kind] is None:  # IS_MODULE: an arch is never a module
                return (0, False) if self.symbols.arch_of(name) else None
            return self.defined(name)
        if kind == "IS_BUILTIN":
            return builtin
        if kind == "IS_MODULE":
            return module
        if kind == "IS_REACHABLE" and module[0]:  # a module is reachable from modules only
            return self.defined("MODULE")
        return int(builtin[0] or module[0]), False

    def value(self, node: Node) -> Result:
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "chr":
            return _character(node[1])
        if kind == "defined":
            return self.defined(node[1])
        if kind == "name":
            return self.name(node[1])
        if kind == "test":
            return self.test(node[1], node[2])
        if kind == "call":
            return None
        if kind == "version":  # ((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c))
            a, b, c = (self.value(n) for n in node[1:])
            if not all(isinstance(v, tuple) for v in (a, b, c)):
                return ERROR if ERROR in (a, b, c) else None
            c = (255, False) if _binary(">", c, (255, False))[0] else c
            return _arith("+", _arith("+", _arith("<<", a, (16, False)), _arith("<<", b, (8, False))), c)
        if kind == "unary":
            v = self.value(node[2])
            return _unary(node[1], v) if isinstance(v, tuple) else v
        if kind == ",":
            left = self.value(node[1])
            return left if left is ERROR else self.value(node[2])
        if kind == "?:":
            cond = self.value(node[1])
            if cond is ERROR:
                return ERROR
            a, b = self.value(node[2]), self.value(node[3])
            if cond is None:  # either branch: known only if both are the same
                if ERROR in (a, b):
                    return ERROR
                return a if a is not None and b is not None and a[0] == b[0] else None
            chosen, other = (a, b) if cond[0] else (b, a)
            if not isinstance(chosen, tuple) or other is ERROR:  # a skipped branch's error is none
                return chosen
            if other is None:  # its type is unknown: a negative value may turn unsigned
                return chosen if chosen[1] or chosen[0] >= 0 else None
            return _wrap(chosen[0], chosen[1] or other[1])  # the usual arithmetic conversions
        op, left = node[1], self.value(node[2])
        if op == "&&":
            return _and(left, self.value(node[3]))
        if op == "||":
            return _or(left, self.value(node[3]))
        return _arith(op, left, self.value(node[3]))


def _arith(op: str, a: Result, b: Result) -> Result:
    """A binary operator other than ``&&``/``||``: error, then unknown, win."""
    if a is ERROR or b is ERROR:
        return ERROR
    if a is None or b is None:
        return None
    return _binary(op, a, b)


def _and(a: Result, b: Result) -> Result:
    """``a && b``: a false left skips the right (its errors too); false wins over unknown."""
    if a is ERROR:
        return ERROR
    if a is not None and a[0] == 0:
        return 0, False
    if b is ERROR:
        return ERROR
    if b is not None and b[0] == 0:
        return 0, False
    return None if a is None or b is None else (1, False)


def _or(a: Result, b: Result) -> Result:
    """``a || b``: a true left skips the right (its errors too); true wins over unknown."""
    if a is ERROR:
        return ERROR
    if a is not None and a[0] != 0:
        return 1, False
    if b is ERROR:
        return ERROR
    if b is not None and b[0] != 0:
        return 1, False
    return None if a is None or b is None else (0, False)


class ConditionEvaluator:
    """Evaluates ``#if`` expressions to a per-arch truth tuple, with a cache."""

    def __init__(self, symbols: ArchSymbols, build: Optional[BuildMacros] = None) -> None:
        self.symbols = symbols
        self.build = build
        self.evaluate = functools.lru_cache(maxsize=4096)(self._evaluate)

    def _evaluate(self, kind: str, text: str) -> Tuple[Optional[bool], ...]:
        """Truth of directive ``kind`` (if/ifdef/ifndef/elif) with ``text``, for each arch."""
        text = text.strip()
        if kind in ("ifdef", "ifndef", "elifdef", "elifndef"):
            name = text.split()[0] if text.split() else ""
            results = []
            for arch in ARCHES:
                v = _Evaluation(arch, self.symbols, self.build).defined(name)
                truth = None if v is None else bool(v[0])
                if kind.endswith("ndef") and truth is not None:
                    truth = not truth
                results.append(truth)
            return tuple(results)
        node = parse(text)
        results = []
        for arch in ARCHES:
            try:
                val = _Evaluation(arch, self.symbols, self.build).value(node) if node is not None else None
            except RecursionError:
                val = None
            results.append(bool(val[0]) if isinstance(val, tuple) else None)
        return tuple(results)
