"""Resolve a macro or enum constant to a number, per arch, through other definitions.

C expressions are parsed with pycparser (the directive layer is hvlint's own); the AST is
evaluated here. What cannot be resolved (a function-like macro, a runtime value, two
definitions that disagree, a cycle) comes back as ``Unresolved`` with the reason.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Protocol, Sequence, Tuple, Union


class _Definition(Protocol):
    kind: str  # "macro", "function-macro" or "enum"
    value: str  # the C expression that defines it


class DefinitionSource(Protocol):
    """Where names are looked up: the symbol index (hvlint.tree.index) or a stand-in."""

    generation: int  # moves whenever a definition changes, so cached values are dropped

    def visible(self, name: str, arch: str) -> Sequence[_Definition]:
        """The definitions of ``name`` that code built for ``arch`` sees."""

# Kernel typedefs that appear in casts inside register definitions.
_TYPEDEFS = (
    "u8 u16 u32 u64 s8 s16 s32 s64 __u8 __u16 __u32 __u64 __s8 __s16 __s32 __s64 "
    "uint8_t uint16_t uint32_t uint64_t int8_t int16_t int32_t int64_t size_t phys_addr_t"
).split()
_PRELUDE = "".join(f"typedef int {t};" for t in _TYPEDEFS)
_WIDTH = {t: 8 * int(re.sub(r"\D", "", t) or 0) // 8 for t in _TYPEDEFS}
_MAX_DEPTH = 64
_MAX_TEXT = 2000
_INT = re.compile(r"(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)[uUlL]*\Z")
_ALIAS = re.compile(r"([A-Za-z_]\w*)|\(\s*([A-Za-z_]\w*)\s*\)")


@dataclass(frozen=True)
class Resolved:
    """A definition's numeric value."""

    value: int

    def __str__(self) -> str:
        return f"0x{self.value:08X}" if self.value >= 0 else str(self.value)


@dataclass(frozen=True)
class Unresolved:
    """Why a value could not be computed."""

    reason: str


Result = Union[Resolved, Unresolved]


class _Fail(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _bit(n: int) -> int:
    if not 0 <= n < 128:
        raise _Fail(f"BIT({n}) out of range")
    return 1 << n


def _genmask(h: int, low: int) -> int:
    if not 0 <= low <= h < 128:
        raise _Fail("GENMASK out of range")
    return ((1 << (h - low + 1)) - 1) << low


# Kernel helper macros with a fixed meaning (include/linux/bits.h, include/uapi/linux/const.h).
_FUNCS = {
    "BIT": (1, _bit), "BIT_ULL": (1, _bit), "GENMASK": (2, _genmask), "GENMASK_ULL": (2, _genmask),
    "_AC": (2, lambda x, _y: x), "_UL": (1, lambda x: x), "_ULL": (1, lambda x: x),
    "UL": (1, lambda x: x), "ULL": (1, lambda x: x), "_BITUL": (1, _bit), "_BITULL": (1, _bit),
}


def c_div(a: int, b: int) -> int:
    """C integer division: the quotient truncated toward zero (exact for any size).

    Raises ``ZeroDivisionError`` when ``b`` is 0, like Python's own operators.
    """
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def c_mod(a: int, b: int) -> int:
    """C remainder: takes the sign of the dividend, so ``a == c_div(a, b) * b + c_mod(a, b)``.

    Raises ``ZeroDivisionError`` when ``b`` is 0.
    """
    return a - b * c_div(a, b)


def parse_int_literal(text: str) -> int:
    """Value of a C integer literal: hex, octal or decimal, with any ``u``/``l`` suffix.

    A malformed octal literal (``09``) counts as 0; other malformed text raises ``ValueError``.
    """
    digits = text.rstrip("uUlL")
    if digits.lower().startswith("0x"):
        return int(digits, 16)
    if len(digits) > 1 and digits.startswith("0"):
        return int(digits, 8) if all(c in "01234567" for c in digits) else 0
    return int(digits)


def _shift_left(a: int, b: int) -> int:
    if not 0 <= b < 128:
        raise _Fail("shift")
    return a << b


def _shift_right(a: int, b: int) -> int:
    if not 0 <= b < 128:
        raise _Fail("shift")
    return a >> b


def _compare(op: Callable[[int, int], bool]) -> Callable[[int, int], int]:
    """``op`` with its result as a C int (0 or 1)."""
    return lambda a, b: int(op(a, b))


# C operators over already-evaluated operands (no short circuit: both sides are constants).
_BINARY: Dict[str, Callable[[int, int], int]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": c_div, "%": c_mod,
    "|": operator.or_, "&": operator.and_, "^": operator.xor, "<<": _shift_left, ">>": _shift_right,
    "==": _compare(operator.eq), "!=": _compare(operator.ne), "<": _compare(operator.lt),
    ">": _compare(operator.gt), "<=": _compare(operator.le), ">=": _compare(operator.ge),
    "&&": lambda a, b: int(bool(a and b)), "||": lambda a, b: int(bool(a or b)),
}
_UNARY: Dict[str, Callable[[int], int]] = {
    "-": operator.neg, "+": operator.pos, "~": lambda v: ~v & 0xFFFFFFFFFFFFFFFF,
    "!": lambda v: int(not v),
}


class Resolver:
    """Computes values of names for an arch, caching per index generation."""

    def __init__(self, index: DefinitionSource) -> None:
        self.index = index
        self._parser = None  # pycparser, loaded on the first expression that needs it
        self._cache: Dict[Tuple[str, str], Result] = {}
        self._expr_cache: Dict[str, object] = {}
        self._generation = -1

    def resolve(self, name: str, arch: str) -> Result:
        """Value of ``name`` as compiled for ``arch``."""
        return self._run(self._name, name, arch)

    def evaluate(self, text: str, arch: str) -> Result:
        """Value of a C expression ``text`` as compiled for ``arch``."""
        return self._run(self._expr, text, arch)

    def _run(self, step, subject: str, arch: str) -> Result:
        if self._generation != self.index.generation:  # the index changed: values may have too
            self._cache.clear()
            self._generation = self.index.generation
        try:
            return Resolved(step(subject, arch, (), 0))
        except _Fail as exc:
            return Unresolved(exc.reason)
        except RecursionError:
            return Unresolved("expression nested too deeply to evaluate")

    def _name(self, name: str, arch: str, chain: Tuple[str, ...], depth: int) -> int:
        key = (name, arch)
        cached = self._cache.get(key)
        if cached is not None:
            if isinstance(cached, Resolved):
                return cached.value
            raise _Fail(cached.reason)
        if name in chain:
            raise _Fail(f"definition cycle: {' -> '.join(chain + (name,))}")
        if depth > _MAX_DEPTH:
            raise _Fail(f"definition chain deeper than {_MAX_DEPTH}")
        defs = self.index.visible(name, arch)
        try:
            if not defs:
                raise _Fail(f"{name} is not defined for {arch}")
            kinds = {d.kind for d in defs}
            if "function-macro" in kinds:
                raise _Fail(f"{name} is a function-like macro")
            values = {self._expr(d.value, arch, chain + (name,), depth + 1) for d in defs}
            if len(values) > 1:
                raise _Fail(f"{name} has {len(values)} different values for {arch}")
            value = values.pop()
        except _Fail as exc:
            if depth == 0 or "cycle" not in exc.reason:
                self._cache[key] = Unresolved(exc.reason)
            raise
        self._cache[key] = Resolved(value)
        return value

    def _parse(self, text: str) -> object:
        node = self._expr_cache.get(text)
        if node is None:
            if not text.strip():
                raise _Fail("empty definition")
            if len(text) > _MAX_TEXT:
                raise _Fail("definition too long to evaluate")
            if self._parser is None:
                from pycparser import c_parser

                self._parser = c_parser.CParser()
            try:
                ast = self._parser.parse(f"{_PRELUDE}int __hvlint_value = ({text});")
                node = ast.ext[-1].init
            except Exception:  # pycparser raises its own ParseError, and more on odd input
                node = _Fail(f"not a constant expression: {text.strip()[:60]}")
            self._expr_cache[text] = node
        if isinstance(node, _Fail):
            raise node
        return node

    def _expr(self, text: str, arch: str, chain: Tuple[str, ...], depth: int) -> int:
        m = _INT.match(text.strip().strip("()").strip()) if len(text) < 40 else None
        if m:
            return parse_int_literal(m.group(1))
        alias = _ALIAS.fullmatch(text.strip())
        if alias:  # another name, maybe in parentheses: no parse needed (deep chains stay fast)
            return self._name(alias.group(1) or alias.group(2), arch, chain, depth)
        return self._eval(self._parse(text), arch, chain, depth)

    def _eval(self, node: object, arch: str, chain: Tuple[str, ...], depth: int) -> int:
        from pycparser import c_ast  # loaded already: nodes come from _parse

        ev = lambda n: self._eval(n, arch, chain, depth)  # noqa: E731
        if isinstance(node, c_ast.Constant):
            if node.type == "char":
                raise _Fail("character constant")
            m = _INT.match(node.value)
            if not m:
                raise _Fail(f"not an integer: {node.value}")
            return parse_int_literal(m.group(1))
        if isinstance(node, c_ast.ID):
            return self._name(node.name, arch, chain, depth)
        if isinstance(node, c_ast.Cast):
            value = ev(node.expr)
            names = getattr(getattr(node.to_type.type, "type", None), "names", None) or []
            width = _WIDTH.get(names[0], 0) if len(names) == 1 else 0
            return value & ((1 << width) - 1) if width else value
        if isinstance(node, c_ast.UnaryOp):
            if node.op == "sizeof":
                raise _Fail("sizeof")
            v = ev(node.expr)
            unary = _UNARY.get(node.op)
            if unary is None:
                raise _Fail(f"operator {node.op}")
            return unary(v)
        if isinstance(node, c_ast.BinaryOp):
            a, b = ev(node.left), ev(node.right)
            binary = _BINARY.get(node.op)
            if binary is None:
                raise _Fail(f"operator {node.op}")
            try:
                return binary(a, b)
            except ZeroDivisionError:
                raise _Fail(f"operator {node.op}") from None
        if isinstance(node, c_ast.TernaryOp):
            return ev(node.iftrue) if ev(node.cond) else ev(node.iffalse)
        if isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.ID):
            spec = _FUNCS.get(node.name.name)
            args = node.args.exprs if node.args is not None else []
            if spec is None or len(args) != spec[0]:
                raise _Fail(f"call of {node.name.name}()")
            if node.name.name == "_AC":
                return ev(args[0])
            return spec[1](*(ev(a) for a in args))
        raise _Fail(f"not a constant expression ({type(node).__name__})")


def describe(result: Optional[Result]) -> str:
    """Short text for a result, for messages."""
    if result is None:
        return "unknown"
    return str(result) if isinstance(result, Resolved) else f"unresolved ({result.reason})"
