"""rules/fix.toml and rules/migrations.toml: where --fix writes synthetic alias definitions, in
which style, and what turning a tree into a scheme renames besides the registers."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, Optional, Tuple

from hvlint import ruledata, tomlcompat
from hvlint.ruledata import RuleData

FIX_ARCHES = ("x86", "arm64")


@dataclass(frozen=True)
class FixData:
    """The data --fix needs beyond the rule tables."""

    alias_headers: Dict[str, str]  # arch -> root-relative header path
    comment: str  # template with {accessors}
    value: str  # template with {target}


@dataclass(frozen=True)
class Migration:
    """What turning a tree into ``scheme`` renames besides the registers (migrations.toml)."""

    scheme: str
    functions: Tuple[Tuple[str, str], ...]  # (old, new), old sorted: other namings -> the scheme's
    accessors: Tuple[str, ...]  # the old names that take a register: calls get the alias
    aliases: Tuple[str, ...]  # register suffixes the scheme defines an alias for, used or not

    def new_name(self, old: str) -> Optional[str]:
        """The scheme's name for the function ``old`` (None: not renamed)."""
        return dict(self.functions).get(old)


@functools.lru_cache(maxsize=None)
def load(directory: Optional[str] = None) -> FixData:
    """Read rules/fix.toml (from ``directory`` or the installed rules)."""
    base = ruledata.rules_dir() if directory is None else Path(directory)
    raw = tomlcompat.loads((base / "fix.toml").read_text(encoding="utf-8"))
    headers = {arch: str(raw["alias_headers"][arch]) for arch in FIX_ARCHES}
    style = raw["alias_style"]
    return FixData(alias_headers=headers, comment=str(style["comment"]), value=str(style["value"]))


@functools.lru_cache(maxsize=None)
def load_migration(scheme: str, directory: Optional[str] = None) -> Migration:
    """The migration to ``scheme`` from rules/migrations.toml (from ``directory`` or the
    installed rules). A scheme without a naming of its own renames no function."""
    base = ruledata.rules_dir() if directory is None else Path(directory)
    raw = tomlcompat.loads((base / "migrations.toml").read_text(encoding="utf-8"))
    roles = raw["roles"]
    namings: Dict[str, Dict[str, str]] = raw["naming"]
    target = namings.get(scheme, {})
    pairs: Dict[str, str] = {}
    accessors = set()
    for name in sorted(namings):
        if name == scheme:
            continue
        for role, old in sorted(namings[name].items()):
            new = target.get(role)
            if role not in roles:
                raise ValueError(f"rules/migrations.toml: naming {name}: unknown role {role}")
            if new is None or new == old:
                continue
            if pairs.setdefault(old, new) != new:
                raise ValueError(f"rules/migrations.toml: {old} renamed two ways for {scheme}")
            if roles[role].get("accessor", False):
                accessors.add(old)
    return Migration(
        scheme=scheme,
        functions=tuple(sorted(pairs.items())),
        accessors=tuple(sorted(accessors)),
        aliases=tuple(raw.get("aliases", {}).get(scheme, ())),
    )


def with_migration_accessors(data: RuleData) -> RuleData:
    """``data`` in which every scheme also counts the other namings' accessors as its own, so
    that a migration finds their calls (HV103) and rewrites them to the scheme's alias."""
    schemes = {}
    for name, scheme in data.schemes.items():
        extra = tuple(a for a in load_migration(name).accessors if a not in scheme.accessors)
        schemes[name] = replace(scheme, accessors=scheme.accessors + extra)
    return replace(data, schemes=schemes)
