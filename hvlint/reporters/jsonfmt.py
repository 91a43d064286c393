"""``--format json``: one object with version, scheme, findings and a summary."""

from __future__ import annotations

import json
from collections import Counter
from typing import Sequence

from hvlint.findings import Finding
from hvlint.reporters import ReportMeta


def finding_dict(f: Finding) -> dict:
    """The JSON form of one finding (1-based lines and columns, end_column exclusive)."""
    out = {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "type": f.type,
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
        "suggestion": f.suggestion,
        "notes": list(f.notes),  # the longer explanations (the text format's note: lines)
    }
    if f.patch is not None:
        out["patch"] = {
            "index": f.patch.index,
            "total": f.patch.total,
            "subject": f.patch.subject,
            "commit": f.patch.commit,
        }
    return out


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    """Serialize the run as one JSON document."""
    by_severity = Counter(f.severity for f in findings)
    doc = {
        "version": meta.version,
        "scheme": {"name": meta.scheme, "reason": meta.scheme_reason},
        "findings": [finding_dict(f) for f in findings],
        "summary": {
            "findings": len(findings),
            "errors": by_severity.get("error", 0),
            "warnings": by_severity.get("warning", 0),
            "checks": by_severity.get("check", 0),
            "files_checked": meta.files_checked,
            "lines_checked": meta.lines_checked,
            "by_type": dict(sorted(Counter(f.type for f in findings).items())),
        },
    }
    if meta.notes:
        doc["notes"] = list(meta.notes)
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"
