"""The fast word searches find exactly what the plain ``\\b`` regexes would.

hvlint searches with the literal first (``wordfind`` for text, ``walk.probes`` for the
bytes of every file in a tree) because a leading ``\\b`` or lookbehind makes Python's re
try every offset. These tests hold the fast forms to the meaning of the slow ones.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st

from hvlint.tree import walk
from hvlint.c.wordfind import find_words, search_word, word_patterns

PREFIXES = ("HV_", "HV_X64_", "HVCALL_", "HVCALL_X64_", "HYPERV_", "MSHV_", "HVMSG_")
ACCESSORS = ("rdmsrl", "wrmsrl", "rdmsr", "wrmsr", "native_read_msr", "native_read_msr_safe")
CALLS = ("hv_get_register", "hv_set_register", "hv_get_msr", "hv_set_msr")

# Text made of pieces that sit next to each other in C: names, parts of names, separators.
PIECES = st.sampled_from(
    [*PREFIXES, *ACCESSORS, *CALLS, "X", "_", "DC", "a", "9", "é", " ", "(", " (", "\n", ";", "SINT0", "q"]
)
TEXTS = st.lists(PIECES, max_size=40).map("".join)


def plain(words: Tuple[str, ...], tail: str) -> "re.Pattern[str]":
    """The slow, obviously right form: a word start, the longest word, the tail."""
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, ordered)) + ")" + tail)


def spans(matches) -> List[Tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in matches]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_prefix_names_as_with_a_word_boundary(text: str) -> None:
    fast = find_words(text, word_patterns(PREFIXES, r"\w*"))
    assert [(m.start(), m.group()) for m in fast] == [
        (m.start(), m.group()) for m in plain(PREFIXES, r"\w*").finditer(text)
    ]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_exact_words_and_calls_as_with_a_word_boundary(text: str) -> None:
    for words, tail in ((ACCESSORS, r"\b"), (CALLS, r"\s*\(")):
        fast = find_words(text, word_patterns(words, tail))
        assert spans(fast) == spans(plain(words, tail).finditer(text)), (words, text)


def test_examples() -> None:
    patterns = word_patterns(PREFIXES, r"\w*")
    text = "DCHV_X x=HV_X64_MSR_SINT0; MSHV_IOCTL _HV_NO HVCALL_X64_FOO\n"
    assert [m.group() for m in find_words(text, patterns)] == ["HV_X64_MSR_SINT0", "MSHV_IOCTL", "HVCALL_X64_FOO"]
    enum = re.compile(r"enum\b\s*\{")
    assert search_word(enum, "typedef_enum { x }; enum {").start() == len("typedef_enum { x }; ")
    assert search_word(enum, "myenum {") is None


NEEDLES = [n.encode() for n in ("HV_", "hv_", "HVCALL_", "HVMSG_")]


def mentions(data: bytes) -> bool:
    return walk.mentions(data, walk.probes(NEEDLES))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_prefilter_bytes_as_with_a_word_boundary(text: str) -> None:
    data = text.encode("utf-8")
    slow = re.compile(rb"(?<![A-Za-z0-9_])(?:" + b"|".join(map(re.escape, NEEDLES)) + rb")")
    assert mentions(data) == bool(slow.search(data)), data


def test_prefilter_examples() -> None:
    assert not mentions(b"#define DCHV_FOO 1\nint mshv_x;\nHVXYZ\n")  # mid-word, or no needle
    assert mentions(b"HVCALL_FOO at the very start")
    assert mentions(b"x = HVMSG_NONE;")
    assert mentions(b"\thv_get_register(HV_X)")
    assert not mentions(b"")


def test_parallel_prefilter_finds_the_same(tmp_path: Path) -> None:
    """Above the pool threshold the byte check runs in worker processes: same answer."""
    names = []
    for n in range(walk._PARALLEL_MIN_FILES + 50):
        path = tmp_path / f"f{n}.c"
        body = b"u64 v = HV_X64_MSR_VP_INDEX;\n" if n % 97 == 0 else b"int DCHV_NOT_ME = 1;\n"
        path.write_bytes(body)
        names.append(str(path))
    expected = sorted(p for n, p in enumerate(names) if n % 97 == 0)
    assert sorted(map(str, walk.prefilter(names, ["HV_", "hv_"], jobs=2))) == expected
    assert sorted(map(str, walk.prefilter(names, ["HV_", "hv_"], jobs=1))) == expected
