"""gcc-style text: ``path:line:col: severity: message [HV101 HV_REGISTER_MSR]``.

A finding's longer explanation follows it as ``path:line:col: note: ...``, once per run: the
same note on many findings is one fact about the tree (it defines no alias yet), so it is
shown under the first finding that carries it, as gcc explains an undeclared name only once.
"""

from __future__ import annotations

from typing import Sequence, Set

from hvlint.findings import Finding
from hvlint.reporters import ReportMeta

# gcc knows error/warning/note; checkpatch's CHECK level reads best as a note.
_GCC_LEVEL = {"error": "error", "warning": "warning", "check": "note"}


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    """One line per finding, then its notes not shown yet; readable by Vim's quickfix and
    Emacs compile-mode (a ``note:`` line is an information entry there)."""
    lines = []
    shown: Set[str] = set()
    for f in findings:
        where = f"{f.path}:{f.line}:{f.column}"
        origin = f" ({f.patch.label()})" if f.patch is not None else ""
        lines.append(f"{where}: {_GCC_LEVEL[f.severity]}: {f.message} [{f.code} {f.type}]{origin}")
        for note in f.notes:
            if note not in shown:
                shown.add(note)
                lines.append(f"{where}: note: {note}")
    return "".join(line + "\n" for line in lines)
