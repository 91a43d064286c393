"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=drivers/hv/hv.c,line=42,col=24,endLine=42,endColumn=44,title=HV103 ...::message``

Values are escaped as the Actions runner expects: ``%``, CR and LF everywhere, and also
``:`` and ``,`` inside the ``key=value`` properties. CHECK-level findings become notices.
A finding's notes are further lines of its message (``%0Anote: ...``): each annotation is
read on its own, next to its line of the diff.
"""

from __future__ import annotations

from typing import Sequence

from hvlint.findings import Finding
from hvlint.reporters import ReportMeta

COMMANDS = {"error": "error", "warning": "warning", "check": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    """The workflow command for one finding."""
    props = [
        ("file", f.path),
        ("line", str(f.line)),
        ("col", str(f.column)),
    ]
    if f.end_line >= f.line:
        props.append(("endLine", str(f.end_line)))
        if f.end_line == f.line and f.end_column > f.column:
            props.append(("endColumn", str(f.end_column)))
    props.append(("title", f"{f.code} {f.type}"))
    message = f.message
    if f.patch is not None:
        message += f" ({f.patch.label()})"
    message += "".join(f"\nnote: {note}" for note in f.notes)  # an annotation stands alone
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMANDS[f.severity]} {head}::{escape_data(message)}"


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    """One workflow command line per finding."""
    return "".join(annotation(f) + "\n" for f in findings)
