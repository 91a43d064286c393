"""Settings from the command line and ``.hvlint.toml``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Optional, Tuple

from hvlint import tomlcompat
from hvlint.tree.cache import CapError, parse_cap
from hvlint.tree.paths import glob_set
from hvlint.ruledata import RuleData

CONFIG_NAME = ".hvlint.toml"
SCHEME_CHOICES = ("auto", "syn-reg", "upstream")
_KEYS = {"scheme", "strict", "ignore", "types", "per-path-ignores", "paths", "kconfig", "cache-max-mb"}


class ConfigError(Exception):
    """A configuration file or option that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """What to check and how. TYPE names are kept upper case; codes are accepted too."""

    # auto: the tree's own scheme (hvlint.schemes). Every front end (command line, gate,
    # pre-commit, editor) starts from these defaults, so each gets auto unless told otherwise.
    scheme: str = "auto"
    scheme_source: str = "the default"
    strict: bool = False
    ignore: FrozenSet[str] = frozenset()
    types: Optional[FrozenSet[str]] = None
    per_path_ignores: Tuple[Tuple[str, FrozenSet[str]], ...] = ()
    extra_paths: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    use_kconfig: bool = True
    use_cache: bool = True
    cache_max_mb: Optional[float] = None  # cache-max-mb of .hvlint.toml ($HVLINT_CACHE_MAX_MB wins)
    config_file: Optional[str] = None

    def rule_enabled(self, code: str, type_: str, strict_only: bool) -> bool:
        """Whether a rule runs at all under these settings."""
        if strict_only and not self.strict:
            return False
        if self.types is not None and not ({code, type_} & self.types):
            return False
        return not ({code, type_} & self.ignore)

    def ignored_at(self, relpath: str, code: str, type_: str) -> bool:
        """Whether a per-path ignore silences this rule for this file."""
        return any(glob_set((glob,)).matches(relpath) and ({code, type_} & names) for glob, names in self.per_path_ignores)


def parse_type_list(text: Iterable[str], data: RuleData, what: str) -> FrozenSet[str]:
    """Normalize TYPE names or codes (comma-separated strings allowed); unknown ones are an error."""
    out = set()
    for item in text:
        for name in str(item).split(","):
            name = name.strip().upper()
            if not name:
                continue
            try:
                rule = data.rule(name)
            except KeyError:
                raise ConfigError(f"{what}: unknown rule type '{name}' (see --list-types)") from None
            out.update((rule.code, rule.type))
    return frozenset(out)


def with_options(
    settings: Settings,
    data: RuleData,
    *,
    scheme: Optional[str] = None,
    scheme_source: str,
    strict: Optional[bool] = None,
    ignore: Iterable[str] = (),
    types: Iterable[str] = (),
    label: str = "",
) -> Settings:
    """``settings`` (from the config file) with a front end's options on top: the command
    line's or the editor's. ``label`` prefixes option names in error messages (``--``)."""
    changes: dict = {}
    if scheme:
        changes["scheme"] = scheme
        changes["scheme_source"] = scheme_source
    if strict is not None:
        changes["strict"] = strict
    ignore, types = list(ignore), list(types)
    if ignore:
        changes["ignore"] = settings.ignore | parse_type_list(ignore, data, f"{label}ignore")
    if types:
        changes["types"] = parse_type_list(types, data, f"{label}types")
    return replace(settings, **changes)


def find_config(start: Path) -> Optional[Path]:
    """The nearest ``.hvlint.toml`` at or above ``start``."""
    start = start if start.is_dir() else start.parent
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_settings(path: Optional[Path], data: RuleData, base: Optional[Settings] = None) -> Settings:
    """Settings from a config file (or defaults when ``path`` is None)."""
    settings = base or Settings()
    if path is None:
        return settings
    try:
        raw = tomlcompat.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    except tomlcompat.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    unknown = set(raw) - _KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown key(s): {', '.join(sorted(unknown))}")
    changes: dict = {"config_file": str(path)}
    if "scheme" in raw:
        if raw["scheme"] not in SCHEME_CHOICES:
            raise ConfigError(f"{path}: scheme must be one of {', '.join(SCHEME_CHOICES)}")
        changes["scheme"] = raw["scheme"]
        changes["scheme_source"] = str(path)
    if "strict" in raw:
        changes["strict"] = bool(raw["strict"])
    if "ignore" in raw:
        changes["ignore"] = parse_type_list(raw["ignore"], data, f"{path}: ignore")
    if "types" in raw:
        changes["types"] = parse_type_list(raw["types"], data, f"{path}: types")
    if "per-path-ignores" in raw:
        changes["per_path_ignores"] = tuple(
            (glob, parse_type_list(names, data, f"{path}: per-path-ignores"))
            for glob, names in raw["per-path-ignores"].items()
        )
    if "paths" in raw:
        extra = {}
        for key, globs in raw["paths"].items():
            if key not in ("x86", "arm64", "neutral", "exclude"):
                raise ConfigError(f"{path}: [paths] takes x86, arm64, neutral, exclude; not {key}")
            extra[key] = tuple(globs)
        changes["extra_paths"] = extra
    if "kconfig" in raw:
        changes["use_kconfig"] = bool(raw["kconfig"])
    if "cache-max-mb" in raw:
        try:
            changes["cache_max_mb"] = parse_cap(raw["cache-max-mb"], f"{path}: cache-max-mb")
        except CapError as exc:
            raise ConfigError(str(exc)) from None
    return replace(settings, **changes)
