"""rules/fix.toml: where --fix writes synthetic alias definitions, and in which style."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

from hvlint import ruledata, tomlcompat

FIX_ARCHES = ("x86", "arm64")


@dataclass(frozen=True)
class FixData:
    """The data --fix needs beyond the rule tables."""

    alias_headers: Dict[str, str]  # arch -> root-relative header path
    comment: str  # template with {accessors}
    value: str  # template with {target}


@functools.lru_cache(maxsize=None)
def load(directory: Optional[str] = None) -> FixData:
    """Read rules/fix.toml (from ``directory`` or the installed rules)."""
    base = ruledata.rules_dir() if directory is None else Path(directory)
    raw = tomlcompat.loads((base / "fix.toml").read_text(encoding="utf-8"))
    headers = {arch: str(raw["alias_headers"][arch]) for arch in FIX_ARCHES}
    style = raw["alias_style"]
    return FixData(alias_headers=headers, comment=str(style["comment"]), value=str(style["value"]))
