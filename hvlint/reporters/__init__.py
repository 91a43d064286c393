"""Output formats. A reporter only formats findings; it never decides anything.

Each reporter module exposes ``render(findings, meta) -> str``. ``REPORTERS`` maps the
``--format`` names to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, TextIO

from hvlint.findings import Finding, InputProblem
from hvlint.ruledata import RuleData

if TYPE_CHECKING:
    from hvlint.engine import Linter, LintResult


@dataclass
class ReportMeta:
    """What a reporter may need besides the findings."""

    version: str
    scheme: str
    scheme_reason: str
    data: RuleData
    root: Optional[str] = None
    files_checked: int = 0
    lines_checked: int = 0
    # Returns the source text of (path, 1-based line), or "" when unknown.
    source_line: Callable[[str, int], str] = lambda path, line: ""
    notes: List[str] = field(default_factory=list)
    options: Dict[str, object] = field(default_factory=dict)


Render = Callable[[Sequence[Finding], ReportMeta], str]


def meta_for(linter, root: Optional[object], files: int, lines: int,
             source_line: Callable[[str, int], str], notes: Sequence[str] = (),
             options: Optional[Dict[str, object]] = None) -> ReportMeta:
    """The ``ReportMeta`` of a run of ``linter`` (the scheme it used and why)."""
    from hvlint import __version__

    return ReportMeta(
        version=__version__,
        scheme=linter.scheme.name,
        scheme_reason=linter.scheme.reason,
        data=linter.data,
        root=str(root) if root else None,
        files_checked=files,
        lines_checked=lines,
        source_line=source_line,
        notes=list(notes),
        options=options or {},
    )


def get(name: str) -> Render:
    """The render function of format ``name``."""
    from importlib import import_module

    module = import_module(f"hvlint.reporters.{FORMATS[name]}")
    return module.render


def report(result: "LintResult", linter: "Linter", fmt: str, out: TextIO, options: Optional[dict] = None) -> None:
    """Format findings with the chosen reporter."""
    meta = meta_for(
        linter, linter.root, result.files_checked, result.lines_checked,
        linter.line_text, result.notes, options,
    )
    out.write(get(fmt)(result.findings, meta))


def print_problems(problems: Sequence[InputProblem], err: TextIO) -> None:
    """One line per input problem."""
    for p in problems:
        err.write(f"hvlint: error: {p}\n")


# --format name -> module in this package
FORMATS: Dict[str, str] = {
    "text": "text",
    "json": "jsonfmt",
    "checkpatch": "checkpatch",
    "sarif": "sarif",
    "github": "github",
    "b4-review": "b4review",
}
