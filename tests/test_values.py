"""Constant values through defines, with pycparser for the expressions."""

from __future__ import annotations

from hvlint.index import Definition, SymbolIndex
from hvlint.tristate import ALL_ARCHES
from hvlint.values import Resolved, Resolver, Unresolved

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
