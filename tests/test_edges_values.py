"""Values at the edges of each operator and helper, read from a kernel-shaped header.

Each ``#define`` of the header carries its expected result beside it: ``/* = TEXT */`` is the
value as hvlint prints it in messages, ``/* ? REASON */`` the reason it gives for not
resolving it (what ``-v`` shows). The header is linted as part of a tree, and each name is
resolved through the tree's index, as the rules do.
"""

from __future__ import annotations

import re

import pytest

from conftest import lint_tree
from hvlint.c.values import describe, parse_int_literal

HEADER = r"""/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_GENERIC_HV_EDGES_H
#define _ASM_GENERIC_HV_EDGES_H

/* bits.h helpers at both ends of their range */
#define HV_BIT_FIRST		BIT(0)			/* = 0x00000001 */
#define HV_BIT_LAST		BIT_ULL(127)		/* = 0x80000000000000000000000000000000 */
#define HV_BIT_PAST		BIT(128)		/* ? BIT(128) out of range */
#define HV_BIT_NEGATIVE		BIT(-1)			/* ? BIT(-1) out of range */
#define HV_MASK_ALL		GENMASK_ULL(63, 0)	/* = 0xFFFFFFFFFFFFFFFF */
#define HV_MASK_ONE		GENMASK(3, 3)		/* = 0x00000008 */
#define HV_MASK_MID		GENMASK(7, 4)		/* = 0x000000F0 */
#define HV_MASK_TOP		GENMASK(127, 127)	/* = 0x80000000000000000000000000000000 */
#define HV_MASK_PAST		GENMASK(128, 0)		/* ? GENMASK out of range */
#define HV_MASK_BACKWARDS	GENMASK(0, 1)		/* ? GENMASK out of range */
#define HV_MASK_NEGATIVE	GENMASK(2, -1)		/* ? GENMASK out of range */
#define HV_WRAPPED		_UL(0x40000070)		/* = 0x40000070 */
#define HV_WRAPPED_ULL		_BITULL(2)		/* = 0x00000004 */
#define HV_HELPER_ARGS		BIT(1, 2)		/* ? call of BIT() */
#define HV_HELPER_NONE		GENMASK()		/* ? call of GENMASK() */

/* shifts by 0, by the largest count and past it */
#define HV_SHL_ZERO		(0x40000000 << 0)	/* = 0x40000000 */
#define HV_SHR_ZERO		(0x40000000 >> 0)	/* = 0x40000000 */
#define HV_SHR			(0x40000080 >> 4)	/* = 0x04000008 */
#define HV_SHL			(0x4 << 28)		/* = 0x40000000 */
#define HV_SHL_LAST		(1 << 127)		/* = 0x80000000000000000000000000000000 */
#define HV_SHR_LAST		(HV_SHL_LAST >> 127)	/* = 0x00000001 */
#define HV_SHR_PAST		(HV_SHL_LAST >> 128)	/* ? shift */

/* comparisons give a C int */
#define HV_EQ			((3 == 3) + (3 == 4))	/* = 0x00000001 */
#define HV_NE			((3 != 3) + (3 != 4))	/* = 0x00000001 */
#define HV_LT			((2 < 3) + (3 < 3))	/* = 0x00000001 */
#define HV_GT			((3 > 2) + (3 > 3))	/* = 0x00000001 */
#define HV_LE			((3 <= 3) + (4 <= 3))	/* = 0x00000001 */
#define HV_GE			((3 >= 3) + (3 >= 4))	/* = 0x00000001 */
#define HV_ORDER		((1 < 2) * 8 + (2 > 1) * 4 + (5 >= 6) * 2)	/* = 0x0000000C */
#define HV_PICK_TRUE		(HV_EQ ? 0x40000001 : 0x2)	/* = 0x40000001 */
#define HV_PICK_FALSE		((HV_EQ - 1) ? 0x1 : 0x40000002)	/* = 0x40000002 */
#define HV_DIV_SIGNS		((7 / -2) * 100 + (-7 / -2))	/* = -297 */
#define HV_ZERO			(0x40000000 - 0x40000000)	/* = 0x00000000 */
#define HV_MINUS_ONE		(0 - 1)			/* = -1 */

/* literals: octal, suffixes, alone or in an expression */
#define HV_OCTAL		0177			/* = 0x0000007F */
#define HV_OCTAL_IN_EXPR	(0200 | 0x40000000)	/* = 0x40000080 */
#define HV_SUFFIXED		0x40000000ULL		/* = 0x40000000 */
#define HV_SUFFIXED_IN_EXPR	(0x40000000ul + 10U)	/* = 0x4000000A */
#define HV_BAD_OCTAL		(09 + 1)		/* ? not a constant expression: (09 + 1) */

/* casts keep the bits of their type */
#define HV_U8			((u8)0x1FF)		/* = 0x000000FF */
#define HV_U16			((__u16)0x12345)	/* = 0x00002345 */
#define HV_S32			((s32)0x140000000)	/* = 0x40000000 */
#define HV_INT			((int)3)		/* = 0x00000003 */
#define HV_UNSIGNED_LONG	((unsigned long)0x1FF)	/* = 0x000001FF */
#define HV_POINTER		((void *)0x40000000)	/* = 0x40000000 */

/* what is no constant says so */
#define HV_CHAR			('a')			/* ? character constant */
#define HV_FLOAT		(1.5)			/* ? not an integer: 1.5 */
#define HV_SIZEOF		(sizeof(u64))		/* ? sizeof */
#define HV_ADDRESS		(&HV_U8)		/* ? operator & */
#define HV_TABLE_ENTRY		(hv_table[1])		/* ? not a constant expression (ArrayRef) */
#define HV_RUNTIME		(hv_vp_index[0] + 1)	/* ? not a constant expression (ArrayRef) */
#define HV_EMPTY					/* ? empty definition */
#define HV_GARBAGE		0x40000000 0x40000001 0x40000002 0x40000003 0x40000004 0x4000	/* ? not a constant expression: 0x40000000 0x40000001 0x40000002 0x40000003 0x40000004 0x400 */

#endif
"""

MARK = re.compile(r"^#define\s+(\w+)\b.*/\*\s*([=?])\s*(.*?)\s*\*/$")


def cases():
    """(name, "=" or "?", expected text) of each marked definition."""
    return [m.groups() for m in map(MARK.match, HEADER.splitlines()) if m]


@pytest.fixture(scope="module")
def resolver(tmp_path_factory):
    root = tmp_path_factory.mktemp("values")
    (root / "include/asm-generic").mkdir(parents=True)
    (root / "include/asm-generic/hv-edges.h").write_text(HEADER, encoding="utf-8")
    (root / ".hvlint.toml").write_text("", encoding="utf-8")
    linter, result = lint_tree(root)
    assert not result.problems
    return linter.resolver


@pytest.mark.parametrize("name, kind, expected", cases(), ids=[c[0] for c in cases()])
@pytest.mark.parametrize("arch", ["x86", "arm64"])
def test_each_definition_resolves_as_marked(resolver, name, kind, expected, arch) -> None:
    result = resolver.resolve(name, arch)
    if kind == "=":
        assert str(result) == expected, result
    else:
        assert getattr(result, "reason", None) == expected, result


def test_the_longest_definition_still_evaluates(resolver) -> None:
    text = "(0x40000000 +" + " " * 1981 + "0x12C)"
    assert len(text) == 2000
    assert str(resolver.evaluate(text, "x86")) == "0x4000012C"
    assert resolver.evaluate(text + " ", "x86").reason == "definition too long to evaluate"


def test_every_definition_is_a_case() -> None:
    """A marker typo would drop a definition from the table silently."""
    marked = [line for line in HEADER.splitlines() if line.startswith("#define HV_")]
    assert len(cases()) == len(marked)


def test_results_as_fix_messages_describe_them(resolver) -> None:
    # --fix says what an existing alias is when it refuses to redefine it.
    assert describe(resolver.resolve("HV_WRAPPED", "x86")) == "0x40000070"
    assert describe(resolver.resolve("HV_SHR_PAST", "arm64")) == "unresolved (shift)"
    assert describe(None) == "unknown"


@pytest.mark.parametrize("links, expected", [(64, "0x40000001"), (65, "definition chain deeper than 64")])
def test_a_chain_of_aliases_resolves_to_its_depth_limit(tree, links, expected) -> None:
    chain = "".join(f"#define HV_CHAIN_{i}\tHV_CHAIN_{i + 1}\n" for i in range(links))
    root = tree({"include/asm-generic/hv-chain.h": chain + f"#define HV_CHAIN_{links}\t0x40000001\n"})
    linter, _result = lint_tree(root)
    result = linter.resolver.resolve("HV_CHAIN_0", "x86")
    assert getattr(result, "reason", None) == expected or str(result) == expected


def test_a_cycle_is_told_from_where_it_is_entered(tree) -> None:
    root = tree({"include/asm-generic/hv-cycle.h": (
        "#define HV_REG_A\t(HV_REG_B + 1)\n#define HV_REG_B\tHV_REG_A\n"
        "#define HV_REG_USES_MISSING\t(HV_REG_MISSING | 0x40000000)\n"
    )})
    linter, _result = lint_tree(root)
    r = linter.resolver
    assert r.resolve("HV_REG_A", "x86").reason == "definition cycle: HV_REG_A -> HV_REG_B -> HV_REG_A"
    # B, asked after A, names the cycle A already found
    assert r.resolve("HV_REG_B", "x86").reason == "definition cycle: HV_REG_A -> HV_REG_B -> HV_REG_A"
    for _ in range(2):  # the second answer comes from the cache
        assert r.resolve("HV_REG_USES_MISSING", "arm64").reason == "HV_REG_MISSING is not defined for arm64"


@pytest.mark.parametrize("text, value", [
    ("0x40000080", 0x40000080), ("0X4000008aULL", 0x4000008A), ("10u", 10), ("10Ul", 10),
    ("0177", 0o177), ("0177lu", 0o177), ("0", 0), ("0u", 0), ("09", 0), ("017X", 0),
])
def test_integer_literals_as_c_reads_them(text, value) -> None:
    # the resolver's literal reader: every suffix spelling, octal, and a malformed octal "09"
    assert parse_int_literal(text) == value


@pytest.mark.parametrize("text", ["0X", "u10", "0xg"])
def test_text_that_is_no_literal_is_refused(text) -> None:
    with pytest.raises(ValueError):
        parse_int_literal(text)


def test_a_value_follows_an_edit_of_the_header_it_comes_from(tree) -> None:
    # what the language server does: a header edited in the editor changes the values after it
    root = tree({"include/asm-generic/hv-edit.h": "#define HV_EDIT_BASE\t0x40000000\n#define HV_EDIT_REG\t(HV_EDIT_BASE + 1)\n"})
    linter, _result = lint_tree(root)
    assert str(linter.resolver.resolve("HV_EDIT_REG", "x86")) == "0x40000001"
    linter.lint_text("include/asm-generic/hv-edit.h", "#define HV_EDIT_BASE\t0x40000010\n#define HV_EDIT_REG\t(HV_EDIT_BASE + 1)\n")
    assert str(linter.resolver.resolve("HV_EDIT_REG", "x86")) == "0x40000011"


def test_an_expression_too_deep_to_evaluate_says_so(resolver) -> None:
    text = "1+" * 999 + "1"  # within the length limit, 999 operators deep
    assert resolver.evaluate(text, "arm64").reason == "expression nested too deeply to evaluate"


def test_a_cycle_entered_from_outside_is_told_from_each_entry(tree) -> None:
    # C leads into the A <-> B cycle: each name asked later names the cycle from itself, not C
    root = tree({"include/asm-generic/hv-cycle.h": (
        "#define HV_REG_C\t(HV_REG_A | 0x40000000)\n#define HV_REG_A\t(HV_REG_B + 1)\n#define HV_REG_B\tHV_REG_A\n"
    )})
    linter, _result = lint_tree(root)
    r = linter.resolver
    assert r.resolve("HV_REG_C", "x86").reason == "definition cycle: HV_REG_C -> HV_REG_A -> HV_REG_B -> HV_REG_A"
    assert r.resolve("HV_REG_A", "x86").reason == "definition cycle: HV_REG_A -> HV_REG_B -> HV_REG_A"
    assert r.resolve("HV_REG_B", "x86").reason == "definition cycle: HV_REG_A -> HV_REG_B -> HV_REG_A"
