"""Kconfig expressions judged as "can this be on? can it be off?" on one arch.

A value is a pair ``(on, off)`` of three-valued answers (True, False, None for unknown):
whether some configuration of the arch makes the expression true, and whether some makes
it false. ``!`` swaps the pair; ``&&`` and ``||`` combine each half as if the operands
were independent, which is what a kernel developer reads from a ``depends on`` line.
Two string constants compare as strings (``"x86" = "x86"``, once the caller has put in
what ``$(ARCH)`` stands for); other comparisons with strings or numbers, ``$(...)`` macros
and anything unparsable are unknown.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Tuple

from hvlint.c.tristate import Tri, tri_and, tri_or

Pair = Tuple[Tri, Tri]
UNKNOWN: Pair = (None, None)
ON: Pair = (True, False)
OFF: Pair = (False, True)
FREE: Pair = (True, True)

_TOKEN = re.compile(
    r"\s*(?:(&&|\|\||!=|<=|>=|=|<|>|!|\(|\))|(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')|(\$\()|([A-Za-z0-9_.+-]+)|(\S))"
)


def p_not(a: Pair) -> Pair:
    """``!a``: it can be true where ``a`` can be false and the other way round."""
    return a[1], a[0]


def p_and(a: Pair, b: Pair) -> Pair:
    """``a && b``: on when both can be on, off when either can be off."""
    return tri_and(a[0], b[0]), tri_or(a[1], b[1])


def p_or(a: Pair, b: Pair) -> Pair:
    """``a || b``: on when either can be on, off when both can be off."""
    return tri_or(a[0], b[0]), tri_and(a[1], b[1])


def evaluate(expr: str, symbol: Callable[[str], Pair]) -> Pair:
    """Judge ``expr``; ``symbol(name)`` gives a symbol's pair on the arch in question."""
    tokens = _flatten(expr)
    pos = 0

    def operand() -> Tuple[str, Pair]:
        nonlocal pos
        tok = tokens[pos] if pos < len(tokens) else "$"
        pos += 1
        if tok == "$" or tok.startswith('"') or not re.match(r"^[A-Za-z0-9_]+$", tok):
            return tok, UNKNOWN
        return tok, symbol(tok)

    def primary() -> Pair:
        nonlocal pos
        if pos >= len(tokens):
            return UNKNOWN
        tok = tokens[pos]
        if tok == "!":
            pos += 1
            return p_not(primary())
        if tok == "(":
            pos += 1
            val = disjunction()
            if pos < len(tokens) and tokens[pos] == ")":
                pos += 1
            return val
        name, val = operand()
        if pos < len(tokens) and tokens[pos] in ("=", "!=", "<", ">", "<=", ">="):
            op = tokens[pos]
            pos += 1
            rhs, rval = operand()
            return _compare(name, val, op, rhs, rval)
        return val

    def conjunction() -> Pair:
        nonlocal pos
        val = primary()
        while pos < len(tokens) and tokens[pos] == "&&":
            pos += 1
            val = p_and(val, primary())
        return val

    def disjunction() -> Pair:
        nonlocal pos
        val = conjunction()
        while pos < len(tokens) and tokens[pos] == "||":
            pos += 1
            val = p_or(val, conjunction())
        return val

    result = disjunction()
    return result if pos >= len(tokens) else UNKNOWN  # trailing junk: not understood


def _flatten(expr: str) -> List[str]:
    """Tokens, with each ``$(...)`` macro call as one unknown token."""
    out: List[str] = []
    pos = 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            break
        op, quoted, macro, word, junk = m.groups()
        pos = m.end()
        if macro:
            depth = 1
            while pos < len(expr) and depth:
                depth += {"(": 1, ")": -1}.get(expr[pos], 0)
                pos += 1
            out.append("$")
        elif op:
            out.append(op)
        elif quoted:
            out.append('"' + ("$" if "$(" in quoted else quoted[1:-1]))
        elif word:
            out.append(word)
        elif junk:
            out.append("$")
    return out


def _compare(name: str, val: Pair, op: str, rhs: str, rval: Pair) -> Pair:
    """``SYM = n``, ``SYM != n``, ``SYM = y``..., ``"a" = "b"``; other comparisons are unknown."""
    if op in ("=", "!=") and _constant(name) and _constant(rhs):
        return (ON if name == rhs else OFF) if op == "=" else (OFF if name == rhs else ON)
    if op not in ("=", "!=") or rhs not in ("n", "y", "m"):
        if name in ("n", "y", "m") and op in ("=", "!="):
            return _compare(rhs, rval, op, name, val)
        return UNKNOWN
    if rhs == "n":
        equal = p_not(val)
    else:  # = y or = m: on only if it can be on, and it may be the other of y/m
        equal = (False if val[0] is False else None, True if val[1] is True else None)
    return equal if op == "=" else p_not(equal)


def _constant(token: str) -> bool:
    """A quoted string without a macro in it (as :func:`_flatten` spells it)."""
    return token.startswith('"') and token != '"$'


_NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_SPLIT_LIMIT = 4


def evaluate_all(exprs: List[str], symbol: Callable[[str], Pair]) -> Pair:
    """The conjunction of ``exprs`` (an entry's ``depends on`` lines), with the symbols that
    occur more than once taken case by case, so that ``depends on HYPERV`` with
    ``depends on X86 if HYPERV`` needs X86 and ``A || !A`` is never off. At most four
    symbols are split; any others are treated as independent."""
    counts: Dict[str, int] = {}
    for expr in exprs:
        if "$(" in expr or '"' in expr:
            continue
        for name in _NAME.findall(expr):
            counts[name] = counts.get(name, 0) + 1
    shared = sorted(n for n, c in counts.items() if c > 1 and n not in ("y", "m", "n"))[:_SPLIT_LIMIT]
    cases: List[Tuple[Dict[str, Pair], Tri]] = [({}, True)]
    for name in shared:
        on, off = symbol(name)
        cases = [({**fixed, name: value}, tri_and(sure, half))
                 for fixed, sure in cases for value, half in ((ON, on), (OFF, off)) if half is not False]
    result: Pair = (False, False)
    for fixed, sure in cases:
        look = (lambda n, fixed=fixed: fixed[n] if n in fixed else symbol(n))
        here: Pair = ON
        for expr in exprs:
            here = p_and(here, evaluate(expr, look))
        result = (tri_or(result[0], tri_and(sure, here[0])), tri_or(result[1], tri_and(sure, here[1])))
    return result
