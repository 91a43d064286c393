"""The language server's translations: findings to diagnostics, editor settings to options.

Everything here is a pure function of its arguments, so the LSP layer's only 0-based/1-based
and code-unit arithmetic lives in one place. A Finding is 1-based with an exclusive end column
counted in characters (code points); an LSP position is 0-based and counted in the code units
the client negotiated (UTF-16 unless it offered UTF-8 or UTF-32).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from lsprotocol import types

from hvlint import tomlcompat
from hvlint.config import SCHEME_CHOICES
from hvlint.findings import Finding
from hvlint.c.lexer import blank
from hvlint.ruledata import RuleData, rules_dir

SOURCE = "hvlint"

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "check": types.DiagnosticSeverity.Information,
}

SCHEMES = SCHEME_CHOICES  # the config file's choices; the editor may set the same


class Lines:
    """A document's lines, split on ``\\n`` only (as the scanner counts them).

    ``str.splitlines`` also breaks on form feeds and other separators, which would shift every
    line after one; C sources may hold a form feed, so this splits the way line numbers count.
    """

    def __init__(self, text: str) -> None:
        self._lines = text.split("\n")

    def __len__(self) -> int:
        return len(self._lines)

    def line(self, index: int) -> str:
        """The 0-based line ``index`` (empty past the end)."""
        return self._lines[index] if 0 <= index < len(self._lines) else ""

    def to_lsp(self, line: int, column: int, encoding: str) -> types.Position:
        """Convert a 1-based line and 1-based character column to an LSP position."""
        text = self.line(line - 1)
        return types.Position(
            line=max(line - 1, 0), character=units(text[: max(column - 1, 0)], encoding)
        )

    def from_lsp(self, pos: types.Position, encoding: str) -> Tuple[int, int]:
        """Convert an LSP position to a 1-based (line, character column)."""
        text = self.line(pos.line)
        return pos.line + 1, chars_for_units(text, pos.character, encoding) + 1


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the code units of ``encoding`` (utf-8, utf-16 or utf-32)."""
    if text.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def chars_for_units(text: str, count: int, encoding: str) -> int:
    """How many characters of ``text`` the first ``count`` code units cover."""
    if text.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return min(count, len(text))
    used = 0
    for i, ch in enumerate(text):
        if used >= count:
            return i
        used += units(ch, encoding)
    return len(text)


def rule_href(rules: RuleData, code: str) -> Optional[str]:
    """A link to the rule's doc: the installed ``rules/HVnnn.toml`` as a file: URI.

    Editors open it on a click; the same text is what ``hvlint --explain`` prints and what hover
    shows, so no web site has to be kept in step with the package.
    """
    try:
        rule = rules.rule(code)
    except KeyError:
        return None
    return _doc_uri(rule.source_file or f"{rule.code}.toml")


@functools.lru_cache(maxsize=None)
def _doc_uri(name: str) -> Optional[str]:
    path = rules_dir() / name
    return path.resolve().as_uri() if path.is_file() else None


def to_diagnostic(
    finding: Finding, lines: Lines, encoding: str, rules: RuleData
) -> types.Diagnostic:
    """One finding as an LSP diagnostic, its range on the offending name. Its notes follow the
    message as further lines (``note: ...``): an editor shows each diagnostic on its own, and
    relatedInformation would point at the same range again, which clients draw as a link to
    where the cursor already is."""
    start = lines.to_lsp(finding.line, finding.column, encoding)
    end = lines.to_lsp(finding.end_line, finding.end_column, encoding)
    href = rule_href(rules, finding.code)
    return types.Diagnostic(
        range=types.Range(start=start, end=end),
        message="".join([finding.message, *(f"\nnote: {note}" for note in finding.notes)]),
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.type,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        data={"code": finding.code, "name": finding.name, "suggestion": finding.suggestion},
    )


def covers(finding: Finding, line: int, column: int) -> bool:
    """True when the 1-based (line, column) lies on the finding's range (end inclusive)."""
    if (line, column) < (finding.line, finding.column):
        return False
    return (line, column) <= (finding.end_line, finding.end_column)


def overlaps(finding: Finding, start: Tuple[int, int], end: Tuple[int, int]) -> bool:
    """True when the finding's range meets the 1-based range [start, end]."""
    return not (
        (finding.end_line, finding.end_column) < start or end < (finding.line, finding.column)
    )


def hover_markdown(findings: Sequence[Finding], rules: RuleData) -> Optional[str]:
    """The docs of the rules behind ``findings``, once each, as Markdown."""
    seen: List[str] = []
    parts: List[str] = []
    for f in findings:
        if f.code in seen:
            continue
        seen.append(f.code)
        try:
            parts.append(rules.rule(f.code).doc_markdown())
        except KeyError:
            parts.append(f"{f.code} {f.type}: {f.message}\n")
    return "\n---\n\n".join(parts) if parts else None


@dataclass(frozen=True)
class EditorOptions:
    """The settings an editor may pass (initializationOptions or didChangeConfiguration).

    None means "not set by the editor": the config file or the default applies.
    """

    scheme: Optional[str] = None
    strict: Optional[bool] = None
    ignore: Optional[Tuple[str, ...]] = None
    config_path: Optional[str] = None
    debounce_ms: Optional[int] = None


def parse_options(raw: Any, warn: Any = None) -> EditorOptions:
    """Read editor settings, flat or under an ``hvlint`` section; bad values are warned and dropped.

    Accepted keys: ``scheme`` ("auto", "syn-reg", "upstream"), ``strict`` (bool), ``ignore``
    (list of TYPE names or codes, or one comma-separated string), ``configPath`` (a path to a
    ``.hvlint.toml``; relative paths are taken from the workspace root), ``debounceMs`` (how
    long typing must pause before a buffer is checked again; default 200).
    """
    warn = warn or (lambda msg: None)
    if isinstance(raw, Mapping) and isinstance(raw.get("hvlint"), Mapping):
        raw = raw["hvlint"]
    if not isinstance(raw, Mapping):
        if raw is not None:
            warn(f"ignoring settings that are not an object: {raw!r}")
        return EditorOptions()
    scheme = raw.get("scheme")
    if scheme is not None and scheme not in SCHEMES:
        warn(f"unknown scheme {scheme!r} (expected one of {', '.join(SCHEMES)}); ignored")
        scheme = None
    strict = raw.get("strict")
    if strict is not None and not isinstance(strict, bool):
        warn(f"strict must be true or false, not {strict!r}; ignored")
        strict = None
    ignore = raw.get("ignore")
    if isinstance(ignore, str):
        ignore = tuple(t.strip() for t in ignore.split(",") if t.strip())
    elif isinstance(ignore, (list, tuple)) and all(isinstance(t, str) for t in ignore):
        ignore = tuple(t.strip() for t in ignore if t.strip())
    elif ignore is not None:
        warn(f"ignore must be a list of TYPE names, not {ignore!r}; ignored")
        ignore = None
    config_path = raw.get("configPath", raw.get("config_path"))
    if config_path is not None and not isinstance(config_path, str):
        warn(f"configPath must be a string, not {config_path!r}; ignored")
        config_path = None
    debounce = raw.get("debounceMs")
    if debounce is not None and (
        isinstance(debounce, bool) or not isinstance(debounce, int) or debounce < 0
    ):
        warn(f"debounceMs must be a whole number of milliseconds, not {debounce!r}; ignored")
        debounce = None
    return EditorOptions(
        scheme=scheme,
        strict=strict,
        ignore=ignore,
        config_path=config_path or None,
        debounce_ms=debounce,
    )


def resolve_config_path(options: EditorOptions, root: Optional[Path]) -> Optional[Path]:
    """The config file the editor asked for, made absolute against the workspace root."""
    if not options.config_path:
        return None
    path = Path(options.config_path).expanduser()
    if not path.is_absolute() and root is not None:
        path = root / path
    return path


def code_occurrences(text: str, name: str) -> List[Tuple[int, int]]:
    """Offsets (start, end) of ``name`` as a whole identifier in code (not comments, strings).

    The same search as --fix's (hvlint.fix.tree.find_names), imported here only when used.
    """
    from hvlint.fix.tree import find_names, name_patterns

    code = blank(text).code
    return [(off, off + len(name)) for _name, off in find_names(code, name_patterns([name]))]


def text_edits(
    text: str, spans: Sequence[Tuple[int, int]], new: str, encoding: str
) -> List[types.TextEdit]:
    """Replace each (start, end) offset span of ``text`` with ``new``, as LSP text edits."""
    return replacements(text, [(start, end, new) for start, end in spans], encoding)


def replacements(
    text: str, changes: Sequence[Tuple[int, int, str]], encoding: str
) -> List[types.TextEdit]:
    """Each (start, end, new) replacement of an offset span of ``text``, as an LSP text edit."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    lines = Lines(text)
    edits = []
    for start, end, new in changes:
        sl = bisect.bisect_right(starts, start) - 1
        el = bisect.bisect_right(starts, end) - 1
        rng = types.Range(
            start=lines.to_lsp(sl + 1, start - starts[sl] + 1, encoding),
            end=lines.to_lsp(el + 1, end - starts[el] + 1, encoding),
        )
        edits.append(types.TextEdit(range=rng, new_text=new))
    return edits


_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")
IGNORE_TABLE = "per-path-ignores"


def _toml_key(raw: str) -> Optional[str]:
    try:
        parsed = tomlcompat.loads(f"{raw} = 0")
    except tomlcompat.TOMLDecodeError:
        return None
    return next(iter(parsed), None)


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def add_path_ignore(config_text: str, glob: str, type_: str) -> Optional[str]:
    """``config_text`` with ``type_`` added to ``[per-path-ignores]`` for ``glob``.

    Returns None when the file already ignores it there or cannot be edited safely (it is not
    valid TOML, or the table is written in a form this small editor does not rewrite, such
    as a dotted key). The rest of the file, comments included, is kept as written.
    """
    try:
        current = tomlcompat.loads(config_text)
    except tomlcompat.TOMLDecodeError:
        return None
    table = current.get(IGNORE_TABLE, {})
    if not isinstance(table, dict):
        return None
    names = table.get(glob, [])
    if type_ in names:
        return None
    entry = f"{_toml_string(glob)} = [{', '.join(_toml_string(n) for n in [*names, type_])}]"
    lines = config_text.split("\n")
    header = next(
        (
            i
            for i, ln in enumerate(lines)
            if (m := _TABLE.match(ln)) and _toml_key(m.group(1)) == IGNORE_TABLE
        ),
        None,
    )
    if header is None:
        if IGNORE_TABLE in current:
            return None  # written inline or dotted: leave it to the user
        tail = config_text if config_text.endswith("\n") or not config_text else config_text + "\n"
        new = f"{tail}{chr(10) if tail.strip() else ''}[{IGNORE_TABLE}]\n{entry}\n"
    else:
        end = next((i for i in range(header + 1, len(lines)) if _TABLE.match(lines[i])), len(lines))
        key_at = next(
            (
                i
                for i in range(header + 1, end)
                if (m := _KEY.match(lines[i])) and _toml_key(m.group(1)) == glob
            ),
            None,
        )
        if key_at is None:
            last = max((i for i in range(header, end) if lines[i].strip()), default=header)
            lines.insert(last + 1, entry)
        else:
            stop = key_at
            while stop < end and not _array_closed("\n".join(lines[key_at : stop + 1])):
                stop += 1
            lines[key_at : stop + 1] = [entry]
        new = "\n".join(lines)
    try:
        check = tomlcompat.loads(new)
    except tomlcompat.TOMLDecodeError:
        return None
    return new if type_ in check.get(IGNORE_TABLE, {}).get(glob, []) else None


def _array_closed(text: str) -> bool:
    """True when the ``key = [ ... ]`` in ``text`` is complete."""
    try:
        tomlcompat.loads(text)
    except tomlcompat.TOMLDecodeError:
        return False
    return True
