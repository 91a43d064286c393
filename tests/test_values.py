"""Constant values through defines, with pycparser for the expressions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hvlint.c.cond import ArchSymbols, ConditionEvaluator
from hvlint.tree.index import Definition, SymbolIndex
from hvlint.c.tristate import ALL_ARCHES, ARCHES
from hvlint.c.values import Resolved, Resolver, Unresolved, c_div, c_mod

X86 = frozenset({"x86"})
ARM = frozenset({"arm64"})


def resolver(*defs):
    index = SymbolIndex()
    index.set_file("h.h", [Definition(n, "h.h", 1, 1, k, v, a) for n, v, a, k in defs])
    return Resolver(index)


def d(name, value, arches=ALL_ARCHES, kind="macro"):
    return (name, value, arches, kind)


def test_chain_casts_suffixes_and_bit_helpers():
    r = resolver(
        d("HV_X64_MSR_STIMER0_CONFIG", "0x400000B0", X86),
        d("HV_REGISTER_STIMER0_COUNT", "(HV_X64_MSR_STIMER0_CONFIG + 1)", X86),
        d("FLAGS", "((u32)BIT(3) | GENMASK(1, 0) | 0x10ULL)"),
        d("OCT", "010"),
        d("NEG", "(~0U)"),
        d("AC", "_AC(0x40000000, UL)"),
    )
    assert r.resolve("HV_REGISTER_STIMER0_COUNT", "x86") == Resolved(0x400000B1)
    assert r.resolve("FLAGS", "arm64") == Resolved(0x1B)
    assert r.resolve("OCT", "x86") == Resolved(8)
    assert r.resolve("AC", "x86") == Resolved(0x40000000)
    assert isinstance(r.resolve("NEG", "x86"), Resolved)


def test_per_arch_definitions():
    r = resolver(d("HV_SYN_REG_SIMP", "0x40000083", X86), d("HV_SYN_REG_SIMP", "0x000A0013", ARM))
    assert r.resolve("HV_SYN_REG_SIMP", "x86") == Resolved(0x40000083)
    assert r.resolve("HV_SYN_REG_SIMP", "arm64") == Resolved(0x000A0013)


def test_unresolved_says_why():
    r = resolver(
        d("A", "B"), d("B", "A"),
        d("F", "hv_runtime_value()"),
        d("FM", "(x + 1)", kind="function-macro"),
        d("TWO", "1"), d("TWO", "2"),
    )
    assert "cycle" in r.resolve("A", "x86").reason
    assert "call of hv_runtime_value()" in r.resolve("F", "x86").reason
    assert "function-like" in r.resolve("FM", "x86").reason
    assert "different values" in r.resolve("TWO", "x86").reason
    assert isinstance(r.resolve("NOPE", "x86"), Unresolved)


def test_a_deep_chain_ends_unresolved_not_in_a_crash():
    defs = [d(f"N{i}", f"N{i + 1}") for i in range(10_000)] + [d("N10000", "1")]
    r = resolver(*defs)
    result = r.resolve("N0", "x86")
    assert isinstance(result, Unresolved) and "deeper" in result.reason
    assert r.resolve("N9990", "x86") == Resolved(1)


def test_division_and_remainder_are_c_integer_arithmetic():
    r = resolver(
        d("ALL_ONES", "(0xFFFFFFFFFFFFFFFF / 1)"),
        d("BIG", "(0xFFFFFFFFFFFFFFFF / 3)"),
        d("NEG_DIV", "(-7 / 2)"),
        d("NEG_MOD", "(-7 % 2)"),
        d("MOD_NEG", "(7 % -2)"),
        d("DIV_ZERO", "(1 / 0)"),
        d("MOD_ZERO", "(1 % 0)"),
    )
    assert r.resolve("ALL_ONES", "x86") == Resolved(0xFFFFFFFFFFFFFFFF)  # not through a float
    assert r.resolve("BIG", "x86") == Resolved(0x5555555555555555)
    assert r.resolve("NEG_DIV", "x86") == Resolved(-3)  # truncated toward zero
    assert r.resolve("NEG_MOD", "x86") == Resolved(-1)  # the sign of the dividend
    assert r.resolve("MOD_NEG", "x86") == Resolved(1)
    assert r.resolve("DIV_ZERO", "x86") == Unresolved("operator /")
    assert r.resolve("MOD_ZERO", "x86") == Unresolved("operator %")


@given(st.integers(-(2**70), 2**70), st.integers(-(2**70), 2**70).filter(bool))
def test_c_div_and_c_mod_obey_the_c_identity(a, b):
    q, m = c_div(a, b), c_mod(a, b)
    assert a == q * b + m
    assert abs(m) < abs(b) and (m == 0 or (m < 0) == (a < 0))


def test_if_conditions_divide_as_c_does():
    ev = ConditionEvaluator(ArchSymbols({"x86": ("CONFIG_X86",), "arm64": ("CONFIG_ARM64",)}, {}, ()))
    every = (True,) * len(ARCHES)
    assert ev.evaluate("if", "-3/2 == -1") == every
    assert ev.evaluate("if", "-7 % 2 == -1") == every
    assert ev.evaluate("if", "0xFFFFFFFFFFFFFFFF / 1 == 0xFFFFFFFFFFFFFFFF") == every
    assert ev.evaluate("if", "1 / 0") == (None,) * len(ARCHES)
    # gcc rejects a division by zero it evaluates, not one that || or && skips
    assert ev.evaluate("if", "1 % 0 || defined(CONFIG_X86)") == (None,) * len(ARCHES)
    assert ev.evaluate("if", "defined(CONFIG_X86) || 1 % 0") == tuple(a == "x86" or None for a in ARCHES)


def test_operator_tables_keep_their_edge_cases():
    r = resolver(d("SHL", "(1 << 128)"), d("SHR", "(8 >> -1)"), d("NOT", "(~0 + !5 + !0)"), d("AND", "(2 && 0) + (2 || 0)"))
    assert r.resolve("SHL", "x86") == Unresolved("shift")
    assert r.resolve("SHR", "x86") == Unresolved("shift")
    assert r.resolve("NOT", "x86") == Resolved(0xFFFFFFFFFFFFFFFF + 1)
    assert r.resolve("AND", "x86") == Resolved(1)
    ev = ConditionEvaluator(ArchSymbols({"x86": ("CONFIG_X86",)}, {}, ()))
    every = (True,) * len(ARCHES)
    assert ev.evaluate("if", "~0 == -1 && !0 == 1 && (3 > 2) + (2 >= 2) == 2") == every
    assert ev.evaluate("if", "(1 << 100) == (1 << 64)") == every  # shifted out: 0, as gcc gives
    assert ev.evaluate("if", "09 == 0") == (None,) * len(ARCHES)  # gcc: invalid digit in octal
    assert ev.evaluate("if", "(1 << -1) == 0 && (4 >> -1) == 8") == every  # a negative count shifts back
