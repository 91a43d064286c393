"""gcc-style text: ``path:line:col: severity: message [HV101 HV_REGISTER_MSR]``."""

from __future__ import annotations

from typing import Sequence

from hvlint.findings import Finding
from hvlint.reporters import ReportMeta

# gcc knows error/warning/note; checkpatch's CHECK level reads best as a note.
_GCC_LEVEL = {"error": "error", "warning": "warning", "check": "note"}


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    """One line per finding, readable by Vim's quickfix and Emacs compile-mode."""
    lines = []
    for f in findings:
        where = f"{f.path}:{f.line}:{f.column}"
        origin = f" ({f.patch.label()})" if f.patch is not None else ""
        lines.append(f"{where}: {_GCC_LEVEL[f.severity]}: {f.message} [{f.code} {f.type}]{origin}")
    return "".join(line + "\n" for line in lines)
