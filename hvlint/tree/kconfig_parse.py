"""Reading one Kconfig file into entries, the way scripts/kconfig reads it.

An entry is what hvlint needs to judge a symbol: its prompts, dependencies (its own
``depends on`` lines ANDed with every enclosing ``if``, ``menu ... depends on`` and
``choice ... depends on``), defaults, selects and choice membership. Entries are plain
lists so that the tree cache can store them as JSON::

    [name, line, type, prompts, deps, defaults, selects, choice_size]

``prompts`` are the conditions under which a prompt is shown ("y" when always),
``defaults`` are ``[value, condition]`` pairs, ``selects`` are ``[target, condition]``
pairs, ``choice_size`` is the number of members of the entry's ``choice`` (0 outside one).
Line numbers are the physical line of the ``config`` keyword, also after backslash
continuations. ``source`` lines are returned as sites with the block conditions in force
there, since those conditions apply to every entry of the sourced file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

Entry = list  # [name, line, type, prompts, deps, defaults, selects, choice_size]

_TYPES = ("bool", "tristate", "int", "hex", "string")
_PROMPT = re.compile(r'^(?:"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')\s*(?:if\s+(.*))?$')
_IF_TAIL = re.compile(r"^(.*?)\s+if\s+(.*)$")
_COMMENT = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|#.*""")
_SOURCE_WORDS = ("source", "rsource", "osource", "orsource")


def logical_lines(text: str) -> List[Tuple[int, str]]:
    """(physical line number of its start, text) of each line, backslash continuations joined."""
    out: List[Tuple[int, str]] = []
    pending: List[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), 1):
        if not pending:
            start = number
        if raw.endswith("\\"):
            pending.append(raw[:-1])
            continue
        pending.append(raw)
        out.append((start, " ".join(pending)))
        pending = []
    if pending:
        out.append((start, " ".join(pending)))
    return out


def valid_entry(entry: object) -> bool:
    """Whether ``entry`` (read back from the tree cache) has the shape :func:`parse` gives."""
    if not (isinstance(entry, list) and len(entry) == 8):
        return False
    name, line, kind, prompts, deps, defaults, selects, choice_size = entry
    texts = lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)  # noqa: E731
    pairs = lambda v: isinstance(v, list) and all(texts(x) and len(x) == 2 for x in v)  # noqa: E731
    return (isinstance(name, str) and isinstance(line, int) and isinstance(kind, str) and texts(prompts)
            and texts(deps) and pairs(defaults) and pairs(selects) and isinstance(choice_size, int))


def _strip_comment(line: str) -> str:
    return _COMMENT.sub(lambda m: m.group(1) or "", line).rstrip()


def _split_if(rest: str) -> Tuple[str, str]:
    """``X if Y`` -> (X, Y); without ``if`` -> (X, "y")."""
    m = _IF_TAIL.match(rest)
    return (m.group(1).strip(), m.group(2).strip()) if m else (rest.strip(), "y")


@dataclass
class _Block:
    kind: str  # if, menu, choice
    conds: List[str] = field(default_factory=list)
    members: List[Entry] = field(default_factory=list)  # choice members
    visible: List[str] = field(default_factory=list)  # a menu's "visible if"


@dataclass
class Parsed:
    """One file's entries and its ``source`` sites: line -> conditions in force there."""

    entries: List[Entry]
    sites: Dict[int, List[str]]


def parse(text: str) -> Parsed:
    """Every ``config``/``menuconfig`` entry and ``source`` site of one Kconfig file."""
    entries: List[Entry] = []
    sites: Dict[int, List[str]] = {}
    blocks: List[_Block] = []
    current: Optional[Entry] = None  # the config entry being read
    other: Optional[_Block] = None  # a menu/choice/comment whose attributes are being read
    help_indent: Optional[int] = None  # indent of the help keyword
    help_body: Optional[int] = None  # indent of the help text's first line

    def enclosing() -> List[str]:
        return [c for b in blocks for c in b.conds]

    def finish() -> None:
        nonlocal current, other
        if current is not None:
            current[4] = enclosing() + current[4]
            hidden = [v for b in blocks for v in b.visible]
            if hidden:
                current[3] = [" && ".join(f"({c})" for c in [p, *hidden]) for p in current[3]]
            entries.append(current)
            choice = next((b for b in reversed(blocks) if b.kind == "choice"), None)
            if choice is not None:
                choice.members.append(current)
        current = other = None

    for lineno, raw in logical_lines(text):
        expanded = raw.expandtabs(8)
        stripped = expanded.strip()
        indent = len(expanded) - len(expanded.lstrip())
        if help_indent is not None:
            if not stripped:
                continue
            if help_body is None and indent > help_indent:
                help_body = indent
            if help_body is not None and indent >= help_body:
                continue
            help_indent = help_body = None
        line = _strip_comment(stripped) if "#" in stripped else stripped
        if not line:
            continue
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word in ("config", "menuconfig"):
            finish()
            current = [rest, lineno, "", [], [], [], [], 0]
        elif word in ("help", "---help---"):
            help_indent, help_body = indent, None
        elif word in ("if", "menu", "choice"):
            finish()
            block = _Block(word, [rest] if word == "if" else [])
            blocks.append(block)
            if word != "if":
                other = block
        elif word in ("endif", "endmenu", "endchoice"):
            finish()
            kind = word[3:]
            while blocks:
                block = blocks.pop()
                if block.kind == "choice":
                    for member in block.members:
                        member[7] = len(block.members)
                if block.kind == kind:
                    break
        elif word == "comment":
            finish()
            other = _Block("comment")
        elif word in _SOURCE_WORDS:
            finish()
            sites[lineno] = enclosing()
        elif word == "mainmenu":
            finish()
        elif word == "depends" and rest.startswith("on"):
            expr, cond = _split_if(rest[2:])
            dep = expr if cond == "y" else f"!({cond}) || ({expr})"
            if current is not None:
                current[4].append(dep)
            elif other is not None:
                other.conds.append(dep)
        elif word == "visible" and rest.startswith("if") and other is not None:
            other.visible.append(rest[2:].strip())
        elif current is not None:
            _attribute(current, word, rest)
    finish()
    return Parsed(entries, sites)


def _attribute(entry: Entry, word: str, rest: str) -> None:
    """One attribute line of a config entry: type, prompt, default, select."""
    if word in _TYPES or word in ("def_bool", "def_tristate"):
        entry[2] = word if word in _TYPES else word[4:]
        if word.startswith("def_"):
            entry[5].append(list(_split_if(rest)))
        elif rest:
            _prompt(entry, rest)
    elif word == "prompt":
        _prompt(entry, rest)
    elif word == "default":
        entry[5].append(list(_split_if(rest)))
    elif word == "select":
        target, cond = _split_if(rest)
        entry[6].append([target, cond])


def _prompt(entry: Entry, rest: str) -> None:
    m = _PROMPT.match(rest)
    entry[3].append((m.group(1) or "y").strip() if m else "y")
