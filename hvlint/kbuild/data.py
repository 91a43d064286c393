"""rules/kbuild.toml: how kbuild's checker command line and object tree are read."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Dict, Tuple

from hvlint import ruledata, tomlcompat


@dataclass(frozen=True)
class KbuildData:
    """The tables of rules/kbuild.toml."""

    starts: Tuple[str, ...]  # what makes an argument the compiler's
    with_value: Tuple[str, ...]  # compiler options whose value is the next argument
    arch_names: Dict[str, Tuple[str, ...]]  # hvlint arch -> kbuild ARCH names
    autoconf: str
    auto_conf: str
    version: Tuple[str, ...]
    kconfig_header: str
    command_line: Tuple[str, ...]
    fail_env: str


@functools.lru_cache(maxsize=None)
def load() -> KbuildData:
    """Read rules/kbuild.toml once."""
    doc = tomlcompat.loads((ruledata.rules_dir() / "kbuild.toml").read_text(encoding="utf-8"))
    inv, config = doc["invocation"], doc["config"]
    return KbuildData(
        starts=tuple(inv["starts"]),
        with_value=tuple(inv["with_value"]),
        arch_names={k: tuple(v) for k, v in doc["arch"].items()},
        autoconf=config["autoconf"],
        auto_conf=config["auto_conf"],
        version=tuple(config["version"]),
        kconfig_header=config["kconfig_header"],
        command_line=tuple(config["command_line"]),
        fail_env=doc["fail"]["env"],
    )
