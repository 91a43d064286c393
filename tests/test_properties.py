"""Property tests (hypothesis) over the scanner, the engine and the patch reader (issue 7).

Inputs are drawn from C and patch fragments that matter to hvlint (directives, register names,
accessor calls, comment and literal delimiters, continuation backslashes, CR, NUL, lone
surrogates) mixed with arbitrary text, and the properties are the ones every other module
relies on:
  * the scanner keeps every offset: blanked code and body have the text's length and its
    newlines, and every define, enum constant and call it reports sits where it says;
  * the engine never raises, and every finding's line/column span holds exactly its name;
  * the patch reader either reads a series or raises PatchError (one line), and never hands
    out a path that leaves the tree.
Examples per test: ``HVLINT_PROPERTY_EXAMPLES`` (default 150); no deadline, no example
database written into the work tree.
"""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hvlint.config import Settings
from hvlint.engine import Linter
from hvlint.c.scanner import scan

from hostile_inputs import check_patch_reader

EXAMPLES = int(os.environ.get("HVLINT_PROPERTY_EXAMPLES", "150"))
# Derandomized: the suite sees the same examples on every run, so a red CI is a real,
# reproducible failure; tests/test_fuzz.py is where fresh random inputs are drawn.
PROFILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

C_TOKENS = [
    "#if ",
    "#ifdef ",
    "#ifndef ",
    "#elif ",
    "#else",
    "#endif",
    "#define ",
    "# define ",
    "#undef ",
    "defined(",
    "CONFIG_X86",
    "CONFIG_X86_64",
    "CONFIG_ARM64",
    "IS_ENABLED(",
    "!",
    "&&",
    "||",
    "HV_REGISTER_SCONTROL",
    "HV_REGISTER_SINT0",
    "HV_SYN_REG_SCONTROL",
    "HV_MSR_SIMP",
    "HV_X64_MSR_SCONTROL",
    "HVMSG_X64_IO_PORT_INTERCEPT",
    "hv_set_register",
    "hv_get_register",
    "hv_set_msr",
    "wrmsrl",
    "rdmsrl",
    "native_read_msr",
    "enum ",
    "enum hv_reg ",
    "struct ",
    "u64 ",
    "void ",
    "return ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    "=",
    "+",
    "<<",
    "1",
    "0x40000080",
    "0x000A0010",
    "BIT(3)",
    "ULL",
    "(u32)",
    "/*",
    "*/",
    "//",
    '"',
    "'",
    "\\",
    "\\\n",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "\x00",
    "\u00e9",
    "\udcff",
    "hvlint-ignore: HV103",
    "x",
]
fragments = st.lists(st.one_of(st.sampled_from(C_TOKENS), st.text(max_size=4)), max_size=120)
c_text = fragments.map("".join)
paths = st.sampled_from(
    [
        "drivers/hv/hv.c",
        "drivers/hv/hyperv_vmbus.h",
        "include/asm-generic/mshyperv.h",
        "arch/x86/include/asm/hyperv-tlfs.h",
        "arch/arm64/hyperv/hv_core.c",
        "fs/other.c",
    ]
)


def _newlines(text: str) -> list:
    return [m.start() for m in re.finditer("\n", text)]


@PROFILE
@given(c_text)
def test_scanner_keeps_every_offset(text: str) -> None:
    linter = Linter(Settings(), None)
    sf = scan("drivers/hv/hv.c", text, linter.evaluator)
    assert len(sf.code) == len(sf.body) == len(text)
    assert _newlines(sf.code) == _newlines(sf.body) == _newlines(text)
    assert len(sf.line_guard) == len(sf.line_starts)
    for st_ in sf.states:
        assert -1 <= st_.parent < st_.id
    for d in sf.defines:
        assert text[d.offset : d.offset + len(d.name)] == d.name
        assert sf.position(d.offset) == (d.line, d.column)
    for e in sf.enums:
        assert text[e.offset : e.offset + len(e.name)] == e.name
        assert sf.position(e.offset) == (e.line, e.column)
    for call in sf.calls(["hv_set_register", "hv_get_register", "wrmsrl", "rdmsrl"]):
        assert text[call.offset : call.offset + len(call.name)] == call.name
        for arg in call.args:
            assert call.offset < arg.start <= arg.end <= len(text)
    for name, offset in sf.identifiers():
        assert text[offset : offset + len(name)] == name


@PROFILE
@given(c_text, paths)
def test_engine_findings_point_at_their_names(text: str, path: str) -> None:
    linter = Linter(Settings(strict=True), None)
    result = linter.lint_text(path, text)
    again = linter.lint_text(path, text)
    assert result.findings == again.findings
    sf = linter.scanned(path)
    for f in result.findings:
        assert 1 <= f.line <= f.end_line <= max(1, len(sf.line_starts))
        assert f.column >= 1
        if f.end_line == f.line:
            assert sf.line_text(f.line)[f.column - 1 : f.end_column - 1] == f.name, f


HOSTILE_PATHS = [
    "drivers/hv/hv.c",
    "../../etc/passwd",
    "/etc/passwd",
    "a/../../x.c",
    "./x.c",
    '"drivers/hv/\\303\\251.c"',
    '"\\056\\056/x.c"',
    "dev/null",
    "/dev/null",
    "drivers/hv/a b.c",
    "C:/x.c",
    "\\\\server\\x.c",
    "",
]


@st.composite
def patch_bytes(draw) -> bytes:
    """A mail or bare diff whose structure is drawn piece by piece, then encoded."""
    lines = []
    if draw(st.booleans()):
        lines += [
            f"From {'1' * 40} Mon Sep 17 00:00:00 2001",
            "From: A <a@example.org>",
            "Subject: "
            + draw(
                st.sampled_from(
                    ["[PATCH 1/2] hv: x", "=?utf-8?q?=C3=A9?=", "", "[PATCH v2 0/9] cover"]
                )
            ),
            "",
        ]
    for _ in range(draw(st.integers(0, 3))):
        a, b = draw(st.sampled_from(HOSTILE_PATHS)), draw(st.sampled_from(HOSTILE_PATHS))
        lines.append(f"diff --git a/{a} b/{b}")
        lines += draw(
            st.lists(
                st.sampled_from(
                    [
                        "new file mode 100644",
                        "deleted file mode 100644",
                        f"rename from {a}",
                        f"rename to {b}",
                        "index 1111111..2222222 100644",
                        "Binary files differ",
                        "GIT binary patch",
                    ]
                ),
                max_size=2,
            )
        )
        lines += [
            f"--- {draw(st.sampled_from(['a/' + a, '/dev/null', a]))}",
            f"+++ {draw(st.sampled_from(['b/' + b, '/dev/null', b]))}",
        ]
        for _ in range(draw(st.integers(0, 3))):
            nums = st.integers(-3, 2**40)
            lines.append(
                f"@@ -{draw(nums)},{draw(nums)} +{draw(nums)},{draw(nums)} @@"
                + draw(st.sampled_from(["", " f(void)"]))
            )
            lines += draw(
                st.lists(
                    st.tuples(st.sampled_from([" ", "+", "-", "\\", "", "@"]), c_text).map(
                        lambda t: t[0] + t[1].replace("\n", " ")
                    ),
                    max_size=6,
                )
            )
    if draw(st.booleans()):
        lines += ["-- ", "2.40.0"]
    sep = draw(st.sampled_from(["\n", "\r\n"]))
    text = sep.join(lines) + sep
    if draw(st.booleans()):
        return text.encode("utf-8", "surrogateescape")
    return text.encode("latin-1", "replace")


@PROFILE
@given(st.one_of(patch_bytes(), st.binary(max_size=2000)))
# Found by this test: a hunk that adds lines at "+0" put them on line 0.
@example(
    b"diff --git a/drivers/hv/hv.c b/drivers/hv/hv.c\n--- a/drivers/hv/hv.c\n"
    b"+++ b/drivers/hv/hv.c\n@@ -0,0 +0,1 @@\n+\n"
)
def test_patch_reader_reads_or_says_why(data: bytes) -> None:
    check_patch_reader(data)
