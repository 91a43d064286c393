"""The scanner on kernel-shaped C: comments, literals, continuations, #if stacks, calls."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hvlint import ruledata
from hvlint.c.cond import ArchSymbols, ConditionEvaluator
from hvlint.c.lexer import blank
from hvlint.c.scanner import _token_before, directive_starts, guard_description, scan

DATA = ruledata.load()
EVAL = ConditionEvaluator(ArchSymbols(DATA.pp_arch, DATA.pp_arch_prefixes, DATA.pp_other))


def sc(text: str):
    return scan("drivers/hv/x.c", text, EVAL)


def test_comments_and_literals_are_blanked_with_positions_kept():
    text = 'a = 1; /* HV_X64_MSR_X */ s = "HV_REGISTER_Y \\" z"; c = \'"\'; // hv_set_register(\n'
    sf = sc(text)
    assert len(sf.code) == len(text)
    assert "HV_X64" not in sf.code and "HV_REGISTER" not in sf.code and "hv_set" not in sf.code
    assert sf.code.count("\n") == text.count("\n")
    assert [name for name, _ in sf.identifiers()] == ["a", "s", "c"]


def test_unterminated_comment_is_a_problem_not_a_crash():
    sf = sc("int a;\n/* never closed\nhv_set_register(HV_REGISTER_X, 0);\n")
    assert sf.calls(["hv_set_register"]) == []
    assert any("unterminated comment" in p for p in sf.problems)


def test_defines_object_and_function_like_with_continuations():
    sf = sc(
        "#define HV_REGISTER_SIMP\t\t0x40000083 /* MSR */\n"
        "#define HV_BIG(a, b) \\\n\t((a) + \\\n\t (b))\n"
        "#  define   SPACED   (1ULL << 3)\n"
    )
    by = {d.name: d for d in sf.defines}
    assert by["HV_REGISTER_SIMP"].value == "0x40000083"
    assert (by["HV_REGISTER_SIMP"].line, by["HV_REGISTER_SIMP"].column) == (1, 9)
    assert by["HV_BIG"].params == ("a", "b")
    assert by["HV_BIG"].value.split() == ["((a)", "+", "(b))"]
    assert by["SPACED"].value == "(1ULL << 3)"


def test_enum_constants_explicit_and_implicit():
    sf = sc("enum hv_register_name {\n\tHV_REGISTER_VP_INDEX = 0x00090003,\n\tHV_REGISTER_NEXT,\n};\n")
    first, second = sf.enums
    assert (first.name, first.value, first.explicit, first.line, first.column) == (
        "HV_REGISTER_VP_INDEX", "0x00090003", True, 2, 2)
    assert second.value == "(HV_REGISTER_VP_INDEX) + 1" and not second.explicit


GUARDS = [
    ("#ifdef CONFIG_X86\nX\n#endif\n", {"x86"}),
    ("#if defined(CONFIG_X86_64)\nX\n#endif\n", {"x86"}),
    ("#if IS_ENABLED(CONFIG_X86)\nX\n#endif\n", {"x86"}),
    ("#ifndef CONFIG_X86\n#else\nX\n#endif\n", {"x86"}),
    ("#ifdef CONFIG_ARM64\n#elif defined(CONFIG_X86)\nX\n#endif\n", {"x86"}),
    ("#if defined(CONFIG_X86)\n#elif defined(CONFIG_ARM64)\nX\n#endif\n", {"arm64"}),
    ("#if defined(CONFIG_X86) && defined(CONFIG_HYPERV_VTL)\nX\n#endif\n", {"x86"}),
    ("#if defined(CONFIG_X86) || defined(CONFIG_HYPERV_VTL)\nX\n#endif\n", {"x86", "arm64", "other"}),
    ("#ifndef _ASM_HYPERV_H\n#define _ASM_HYPERV_H\nX\n#endif\n", {"x86", "arm64", "other"}),
    ("#if 0\nX\n#endif\n", set()),
    ("#ifdef CONFIG_X86\n#ifdef CONFIG_ARM64\nX\n#endif\n#endif\n", set()),
    ("#if defined(CONFIG_X86) \\\n    && defined(FOO)\nX\n#endif\n", {"x86"}),
    ("#ifdef CONFIG_X86_LOCAL_APIC\nX\n#endif\n", {"x86"}),
]


@pytest.mark.parametrize("text,arches", GUARDS)
def test_if_stack_per_arch(text, arches):
    sf = sc(text)
    line = text.splitlines().index("X") + 1
    assert set(sf.arches_at(line)) == arches
    assert not sf.problems


def test_guard_description_keeps_each_condition():
    sf = sc("#ifndef _H\n#if defined(CONFIG_X86)\n#elif defined(CONFIG_ARM64)\nX\n#endif\n#endif\n")
    assert guard_description(sf, 4) == "#elif defined(CONFIG_ARM64) (line 3)"


def test_unbalanced_conditionals_are_reported():
    assert any("without #if" in p for p in sc("#endif\n").problems)
    assert any("unterminated #if" in p for p in sc("#ifdef CONFIG_X86\nx\n").problems)


def test_calls_split_arguments_across_lines_and_nesting():
    sf = sc(
        "void f(void)\n{\n\tv = hv_get_register(HV_REGISTER_SINT0 +\n\t\t\tVMBUS_MESSAGE_SINT);\n"
        "\thv_set_register(HV_REGISTER_SIMP, foo(a, b[1, 2]) | (c, d));\n}\n"
    )
    get, put = sf.calls(["hv_get_register", "hv_set_register"])
    assert [a.text.split() for a in get.args] == [["HV_REGISTER_SINT0", "+", "VMBUS_MESSAGE_SINT"]]
    assert (get.line, get.column) == (3, 6)
    assert [a.text for a in put.args] == ["HV_REGISTER_SIMP", "foo(a, b[1, 2]) | (c, d)"]
    assert sf.position(put.args[0].start) == (5, 18)


def test_definitions_and_prototypes_are_not_calls():
    sf = sc(
        "u64 hv_get_register(unsigned int reg);\n"
        "static inline void\nhv_set_register(unsigned int reg, u64 v)\n{\n\treturn hv_get_register(reg);\n}\n"
        "#define hv_get_register(r) other(r)\n"
    )
    calls = sf.calls(["hv_get_register", "hv_set_register"])
    assert [(c.name, c.declaration) for c in calls] == [
        ("hv_get_register", True), ("hv_set_register", True), ("hv_get_register", False)]


def test_calls_inside_define_bodies_are_found():
    sf = sc("#define HV_EOM() \\\n\thv_set_register(HV_REGISTER_EOM, 0)\nint x;\n")
    (call,) = sf.calls(["hv_set_register"])
    assert not call.declaration and call.line == 2 and call.args[0].text == "HV_REGISTER_EOM"


def test_crlf_sources_scan_like_lf():
    lf = "#ifdef CONFIG_X86\nrdmsrl(HV_X64_MSR_X, v);\n#endif\n"
    crlf = lf.replace("\n", "\r\n")
    a, b = sc(lf), sc(crlf)
    assert a.arches_at(2) == b.arches_at(2)
    assert [(c.line, c.column) for c in a.calls(["rdmsrl"])] == [(c.line, c.column) for c in b.calls(["rdmsrl"])]


# The fast forms of three searches, held to their obvious regex forms on C-shaped text.
_PIECES = st.sampled_from(
    ["/", "*", "/*", "*/", "//", '"', "'", "\\", "\n", "\r\n", "a", "x/y", "\\\n", '"ab"', "'c'",
     " ", "\t", "#", "# define X", "#if", "##", "é"]
)


def _reference_blank(text: str) -> str:
    """Comments and literal contents blanked, found with one regex for all token starts."""
    out, pos = [], 0
    start_re = re.compile(r"/[/*]|[\"']")
    line_comment = re.compile(r"//(?:[^\n\\]|\\(?:.|\n)?)*")
    literal = {'"': re.compile(r'"(?:[^"\\\n]|\\(?:.|\n))*"?'), "'": re.compile(r"'(?:[^'\\\n]|\\(?:.|\n))*'?")}
    spaces = lambda seg: re.sub(r"[^\n]", " ", seg)  # noqa: E731
    while (m := start_re.search(text, pos)) is not None:
        out.append(text[pos : m.start()])
        tok = m.group()
        if tok == "/*":
            close = text.find("*/", m.start() + 2)
            end = len(text) if close < 0 else close + 2
            out.append(spaces(text[m.start() : end]))
        elif tok == "//":
            end = line_comment.match(text, m.start()).end()
            out.append(spaces(text[m.start() : end]))
        else:
            end = literal[tok].match(text, m.start()).end()
            body = text[m.start() + 1 : end]
            closed = body.endswith(tok) and end - m.start() > 1
            out.append(tok + spaces(body[:-1]) + tok if closed else tok + spaces(body))
        pos = end
    return "".join(out) + text[pos:]


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_lexer_blanks_what_the_one_regex_form_blanks(text: str) -> None:
    assert blank(text).code == _reference_blank(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_directive_lines_as_the_multiline_regex_finds_them(text: str) -> None:
    code = blank(text).code
    assert list(directive_starts(code)) == [m.start() for m in re.finditer(r"^[ \t]*#", code, re.M)]


_BEFORE_CALL = st.sampled_from(
    ["return", " ", "\t", "\n", "\u00a0", "\x1c", "=", "(", ")", "*", "int", "_x9", "é", "٣", "ﬁ", "\r\n", "static u64", ";", "}"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_BEFORE_CALL, max_size=12).map("".join))
def test_token_before_a_call_as_the_reversed_regex_finds_it(before: str) -> None:
    """What makes ``name(`` a call or a declaration: the token before it, found from the end
    as ``\\s*(\\w+|\\S)`` finds it on the reversed text (Unicode blanks and letters too)."""
    m = re.match(r"\s*(\w+|\S)", before[::-1])
    assert _token_before(before) == (m.group(1)[::-1] if m else "")
