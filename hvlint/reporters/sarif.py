"""``--format sarif``: a SARIF 2.1.0 log for code-scanning services.

Rule ids are the stable codes (``HV101``), each rule's help is its doc from rules/ (the
same text ``--explain`` prints), URIs are relative to the tree root (``%SRCROOT%``), columns
count Unicode code points as hvlint's do, and each result carries a ``partialFingerprints``
entry that survives lines moving up or down (rule, file, name and the line's text). A
finding's notes are ``relatedLocations`` at its own region, each with the note as its message,
which is how gcc's SARIF output carries a diagnostic's ``note:`` lines.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence
from urllib.parse import quote

from hvlint.findings import Finding
from hvlint.reporters import ReportMeta

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "hvlint/v1"
LEVELS = {"error": "error", "warning": "warning", "check": "note"}
_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _rule(rule) -> dict:
    doc = rule.doc_markdown()
    return {
        "id": rule.code,
        "name": rule.type,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.what.split())},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["hyperv", "naming"],
            "checkpatchType": rule.type,
            "strictOnly": rule.strict_only,
        },
    }


def _uri(path: str) -> str:
    return quote(path, safe="/")


def _region(f: Finding) -> dict:
    region = {"startLine": f.line, "startColumn": f.column}
    if f.end_line >= f.line:
        region["endLine"] = f.end_line
        if f.end_column > 0 and (f.end_line > f.line or f.end_column > f.column):
            region["endColumn"] = f.end_column
    return region


def _renames_constant(f: Finding) -> bool:
    """Whether the suggestion is a drop-in replacement: one register constant for another.

    (An accessor suggestion, ``hv_get_register`` for ``rdmsrl``, changes the call's shape,
    so it is reported but not offered as a fix.)
    """
    return (
        f.end_line == f.line
        and f.end_column > f.column
        and bool(_CONSTANT.match(f.name))
        and bool(_CONSTANT.match(f.suggestion or ""))
    )


def _fingerprint(f: Finding, text: str, seen: Counter) -> str:
    """A hash of what the finding is about, not where: rule, file, name, the line's text."""
    key = "\0".join((f.code, f.path, f.name, " ".join(text.split())))
    seen[key] += 1
    return hashlib.sha256(f"{key}\0{seen[key]}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _result(f: Finding, rule_index: Dict[str, int], text: str, seen: Counter) -> dict:
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(f.path), "uriBaseId": SRCROOT},
            "region": _region(f),
        }
    }
    result: dict = {
        "ruleId": f.code,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(f, text, seen)},
        "properties": {"type": f.type, "name": f.name},
    }
    if f.notes:  # as gcc's SARIF output carries a diagnostic's notes
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": location["physicalLocation"], "message": {"text": note}}
            for i, note in enumerate(f.notes)
        ]
    if f.code in rule_index:
        result["ruleIndex"] = rule_index[f.code]
    if f.suggestion:
        result["properties"]["suggestion"] = f.suggestion
        if _renames_constant(f):
            result["fixes"] = [
                {
                    "description": {"text": f"Replace {f.name} with {f.suggestion}"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(f.path), "uriBaseId": SRCROOT},
                            "replacements": [
                                {
                                    "deletedRegion": _region(f),
                                    "insertedContent": {"text": f.suggestion},
                                }
                            ],
                        }
                    ],
                }
            ]
    if f.patch is not None:
        result["properties"]["patch"] = asdict(f.patch)
    return result


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    """Serialize the run as one SARIF 2.1.0 log."""
    rules = list(meta.data.rules)
    rule_index = {r.code: i for i, r in enumerate(rules)}
    added_text: Callable[[Finding], Optional[str]] = meta.options.get(  # type: ignore[assignment]
        "added_text", lambda f: None
    )
    seen: Counter = Counter()
    results: List[dict] = []
    for f in findings:
        text = added_text(f)
        if text is None:
            text = meta.source_line(f.path, f.line)
        results.append(_result(f, rule_index, text, seen))
    run: dict = {
        "tool": {
            "driver": {
                "name": "hvlint",
                "version": meta.version,
                "semanticVersion": meta.version,
                "rules": [_rule(r) for r in rules],
            }
        },
        "invocations": [{"executionSuccessful": True}],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"scheme": meta.scheme, "schemeReason": meta.scheme_reason},
    }
    if meta.root:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": Path(meta.root).resolve().as_uri() + "/"}}
    doc = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"
