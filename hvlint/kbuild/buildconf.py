"""This build's configuration, from its object tree: the macros each file's ``#if`` sees.

autoconf.h (include/generated/autoconf.h, what include/linux/kconfig.h pulls into every file)
holds every CONFIG_ symbol the build sets; auto.conf, the make fragment it is written from,
stands in when the header is missing. The command line's ``-D``/``-U`` come last, as the
compiler applies them; the arch comes from sparse's ``--arch=``, else from the arch macros.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Optional

from hvlint.c.cond import ArchSymbols, BuildMacros
from hvlint.kbuild.data import KbuildData
from hvlint.kbuild.invocation import Invocation

_DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)(?:[ \t]+(.*?))?\s*$", re.M)
_ASSIGN = re.compile(r"^(CONFIG_\w+)=(.*)$", re.M)


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def header_macros(text: str) -> Dict[str, str]:
    """Object-like ``#define``s of a generated header (autoconf.h, version.h)."""
    return {m.group(1): m.group(2) or "" for m in _DEFINE.finditer(text)}


def auto_conf_macros(text: str) -> Dict[str, str]:
    """The macros autoconf.h makes of auto.conf's assignments (``=m``: NAME_MODULE)."""
    out: Dict[str, str] = {}
    for name, value in _ASSIGN.findall(text):
        if value == "y":
            out[name] = "1"
        elif value == "m":
            out[name + "_MODULE"] = "1"
        elif value != "n":
            out[name] = value
    return out


def config_macros(objtree: Path, data: KbuildData) -> Dict[str, str]:
    """CONFIG_ macros and LINUX_VERSION_CODE of the build in ``objtree`` (empty: none found)."""
    header = _read(objtree / data.autoconf)
    if header is not None:
        macros = header_macros(header)
    else:
        conf = _read(objtree / data.auto_conf)
        macros = auto_conf_macros(conf) if conf is not None else {}
    for rel in data.version:
        text = _read(objtree / rel)
        if text is not None:
            version = header_macros(text).get("LINUX_VERSION_CODE")
            if version is not None:
                macros["LINUX_VERSION_CODE"] = version
            break
    return macros


def build_arch(inv: Invocation, macros: Dict[str, str], data: KbuildData, symbols: ArchSymbols) -> Optional[str]:
    """hvlint's arch of the build: sparse's ``--arch=``, else an arch macro the command line or
    the configuration defines; "other" for an arch hvlint does not tell apart."""
    if inv.arch is not None:
        for arch, names in data.arch_names.items():
            if inv.arch in names:
                return arch
        return "other"
    for name in [n for n, v in inv.defines if v is not None] + list(macros):
        owner = symbols.arch_of(name)
        if owner is not None and any(name in names for names in symbols.exact.values()):
            return owner
    return None


def build_macros(inv: Invocation, objtree: Optional[Path], data: KbuildData, symbols: ArchSymbols) -> Optional[BuildMacros]:
    """What this build defines, on its arch; None when neither the arch nor a configuration
    can be told (the file is then judged as a plain run judges it)."""
    macros = config_macros(objtree, data) if objtree is not None else {}
    arch = build_arch(inv, macros, data, symbols)
    if arch is None or not macros:
        return None
    defines: Dict[str, Optional[str]] = dict(macros)
    defines.update({name: None for name in data.command_line})
    defines.update(dict(inv.defines))
    return BuildMacros(arch=arch, defines=defines)
