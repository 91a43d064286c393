"""Evaluate preprocessor ``#if`` conditions per arch.

Only arch facts are known: ``defined(CONFIG_X86)`` is true on x86 and false elsewhere,
``IS_ENABLED(CONFIG_ARM64)`` likewise; any other macro is unknown. So an include guard
(``#ifndef _ASM_HYPERV_H``) restricts nothing, and ``#if defined(CONFIG_X86) && defined(FOO)``
is false on arm64 whatever FOO is.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from hvlint.c.tristate import ARCHES
from hvlint.c.values import c_div, c_mod, parse_int_literal

_TOKEN = re.compile(
    r"\s*(?:(?P<num>0[xX][0-9a-fA-F]+|\d+)[uUlL]*|(?P<id>[A-Za-z_]\w*)|(?P<op>&&|\|\||==|!=|<=|>=|<<|>>|[!()<>+\-*/%&|^~?:,]))"
)
_MAX_TOKENS = 4096
_MAX_DEPTH = 200

# Function-like tests of a config symbol: name -> whether a module (=m) counts.
_CONFIG_TESTS = {"IS_ENABLED": True, "IS_BUILTIN": False, "IS_REACHABLE": True, "IS_MODULE": None}

Value = Optional[int]  # None: unknown


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


class _Unparsable(Exception):
    pass


class _Parser:
    """Recursive-descent parser of one condition, evaluated for one arch."""

    def __init__(self, tokens: List[Tuple[str, str]], arch: str, symbols: ArchSymbols) -> None:
        self.tokens = tokens
        self.pos = 0
        self.arch = arch
        self.symbols = symbols
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

    def symbol(self, name: str) -> Value:
        owner = self.symbols.arch_of(name)
        if owner is None:
            return None
        if owner == "other":
            return 0 if self.arch != "other" else None
        return 1 if owner == self.arch else 0

    def ternary(self) -> Value:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _Unparsable()
        cond = self.logical_or()
        if self.peek() == "?":
            self.take()
            a = self.ternary()
            self.expect(":")
            b = self.ternary()
            self.depth -= 1
            if cond is None:
                return a if a == b else None
            return a if cond else b
        self.depth -= 1
        return cond

    def logical_or(self) -> Value:
        left = self.logical_and()
        while self.peek() == "||":
            self.take()
            right = self.logical_and()
            if left or right:
                left = 1
            elif left is None or right is None:
                left = None
            else:
                left = 0
        return left

    def logical_and(self) -> Value:
        left = self.comparison()
        while self.peek() == "&&":
            self.take()
            right = self.comparison()
            if left == 0 or right == 0:
                left = 0
            elif left is None or right is None:
                left = None
            else:
                left = 1
        return left

    def comparison(self) -> Value:
        left = self.unary()
        while self.peek() in ("==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"):
            op = self.take()[1]
            right = self.unary()
            left = _binary(op, left, right)
        return left

    def unary(self) -> Value:
        tok = self.peek()
        if tok in ("!", "~", "-", "+"):
            self.take()
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise _Unparsable()
            val = self.unary()
            self.depth -= 1
            if val is None:
                return None
            return _UNARY[tok](val)
        return self.primary()

    def primary(self) -> Value:
        kind, text = self.take()
        if kind == "num":
            return parse_int_literal(text)
        if text == "(":
            val = self.ternary()
            self.expect(")")
            return val
        if kind != "id":
            raise _Unparsable()
        if text == "defined":
            paren = self.peek() == "("
            if paren:
                self.take()
            kind2, name = self.take()
            if kind2 != "id":
                raise _Unparsable()
            if paren:
                self.expect(")")
            return self.symbol(name)
        if text in _CONFIG_TESTS and self.peek() == "(":
            self.take()
            kind2, name = self.take()
            self.expect(")")
            if kind2 != "id":
                raise _Unparsable()
            if _CONFIG_TESTS[text] is None:  # IS_MODULE: an arch is never a module
                return 0 if self.symbols.arch_of(name) else None
            return self.symbol(name)
        if self.peek() == "(":  # an unknown function-like macro: skip its arguments
            depth = 0
            while True:
                _, t = self.take()
                if t == "(":
                    depth += 1
                elif t == ")":
                    depth -= 1
                    if depth == 0:
                        return None
        return self.symbol(text)


def _shift_left(a: int, b: int) -> int:
    """``a << b`` with the count capped at 64; a negative count raises ``ValueError``."""
    return a << min(b, 64)


def _shift_right(a: int, b: int) -> int:
    """``a >> b`` with the count capped at 64; a negative count raises ``ValueError``."""
    return a >> min(b, 64)


def _compare(op: Callable[[int, int], bool]) -> Callable[[int, int], int]:
    """``op`` with its result as a C int (0 or 1)."""
    return lambda a, b: int(op(a, b))


# Binary operators below && and || (those are three-valued, in _Parser), on known operands.
_BINARY: Dict[str, Callable[[int, int], int]] = {
    "==": _compare(operator.eq), "!=": _compare(operator.ne), "<": _compare(operator.lt),
    ">": _compare(operator.gt), "<=": _compare(operator.le), ">=": _compare(operator.ge),
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": c_div, "%": c_mod,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "<<": _shift_left, ">>": _shift_right,
}
_UNARY: Dict[str, Callable[[int], int]] = {
    "!": lambda v: int(not v), "~": operator.invert, "-": operator.neg, "+": operator.pos,
}


def _binary(op: str, a: Value, b: Value) -> Value:
    """``a op b`` as C computes it; None when an operand is unknown or C leaves it undefined."""
    if a is None or b is None:
        return None
    try:
        return _BINARY[op](a, b)
    except (ZeroDivisionError, ValueError):
        return None


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


class ConditionEvaluator:
    """Evaluates ``#if`` expressions to a per-arch truth tuple, with a cache."""

    def __init__(self, symbols: ArchSymbols) -> None:
        self.symbols = symbols
        self.evaluate = functools.lru_cache(maxsize=4096)(self._evaluate)

    def _evaluate(self, kind: str, text: str) -> Tuple[Optional[bool], ...]:
        """Truth of directive ``kind`` (if/ifdef/ifndef/elif) with ``text``, for each arch."""
        text = text.strip()
        if kind in ("ifdef", "ifndef", "elifdef", "elifndef"):
            name = text.split()[0] if text.split() else ""
            results = []
            for arch in ARCHES:
                v = _Parser([], arch, self.symbols).symbol(name)
                truth = None if v is None else bool(v)
                if kind.endswith("ndef") and truth is not None:
                    truth = not truth
                results.append(truth)
            return tuple(results)
        tokens = _tokenize(text)
        results = []
        for arch in ARCHES:
            if tokens is None or not tokens:
                results.append(None)
                continue
            parser = _Parser(tokens, arch, self.symbols)
            try:
                val = parser.ternary()
                if parser.pos != len(tokens):
                    val = None
            except (_Unparsable, RecursionError, ValueError):  # ValueError: a 5,000-digit number
                val = None
            results.append(None if val is None else bool(val))
        return tuple(results)
