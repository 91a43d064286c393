"""``--format checkpatch``: the output shapes of ``scripts/checkpatch.pl``.

Tools that already parse checkpatch (b4, patchwork checks, CI scripts, Emacs compile-mode)
read this unchanged. The default is checkpatch's block form::

    ERROR: HV_REGISTER_SCONTROL is x86 synthetic MSR 0x40000080; ...
    #42: FILE: arch/x86/include/asm/hyperv-tlfs.h:131:
    +#define HV_REGISTER_SCONTROL		0x40000080

    total: 1 errors, 0 warnings, 12 lines checked

and the flags mean what they mean to checkpatch: ``--show-types`` adds the TYPE
(``ERROR:HV_REGISTER_MSR: ...``), ``--emacs`` prefixes ``FILE:LINE:`` of the input,
``--showfile`` prefixes the diffed file's ``path:line:`` instead and drops the ``#N`` line,
``--terse`` keeps only the first line of each report (and implies ``--emacs`` and one
``-q``), ``-q`` drops the banners and, for a clean input, the summary, ``--no-summary``
drops the ``total:`` line.

What the gate knows about the series reaches this module through ``meta.options``:

- ``"checkpatch"``: a dict with ``terse``, ``emacs``, ``showfile``, ``show_types``,
  ``quiet`` (int), ``summary``, ``summary_file``, ``color``, ``strict`` and ``ignored``
  (the ignored TYPE names, listed in a closing note as checkpatch does);
- ``"sections"``: one dict per patch (``key`` = the patch's PatchRef, ``vname``, ``filename``,
  ``lines_checked``), in order; without it each file with findings is one section;
- ``"input_line"``: ``f(finding) -> int`` giving checkpatch's ``#N`` (the line of the input);
- ``"added_text"``: ``f(finding) -> str`` giving the added line's text.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence

from hvlint.findings import Finding
from hvlint.reporters import ReportMeta

LEVELS = {"error": "ERROR", "warning": "WARNING", "check": "CHECK"}
# Term::ANSIColor's constants, as checkpatch uses them.
_RED, _YELLOW, _GREEN, _BLUE, _RESET = "\033[31m", "\033[33m", "\033[32m", "\033[34m", "\033[0m"
_LEVEL_COLOR = {"ERROR": _RED, "WARNING": _YELLOW, "CHECK": _GREEN}


def _report(
    f: Finding,
    flags: dict,
    filename: str,
    input_line: int,
    text: str,
) -> str:
    """One report, shaped exactly as checkpatch's report() would shape it."""
    level = LEVELS[f.severity]
    here = f"#{input_line}: FILE: {f.path}:{f.line}:"
    if flags.get("showfile"):
        prefix = f"{f.path}:{f.line}: "
    elif flags.get("emacs"):
        prefix = f"{filename}:{input_line}: "
    else:
        prefix = ""
    color = bool(flags.get("color"))
    out = _LEVEL_COLOR[level] if color else ""
    out += f"{prefix}{level}:"
    if flags.get("show_types"):
        out += (_BLUE if color else "") + f"{f.type}:"
    out += _RESET if color else ""
    lines = [f"{out} {f.message}", here, f"+{text}", ""]
    if flags.get("showfile"):
        del lines[1]
    if flags.get("terse"):
        return lines[0] + "\n"
    return "\n".join(lines) + "\n"


def _summary(findings: Sequence[Finding], lines_checked: int, strict: bool) -> str:
    counts = {level: 0 for level in LEVELS}
    for f in findings:
        counts[f.severity] += 1
    checks = f"{counts['check']} checks, " if strict else ""
    return (
        f"total: {counts['error']} errors, {counts['warning']} warnings, {checks}"
        f"{lines_checked} lines checked\n"
    )


def _sections(findings: Sequence[Finding], meta: ReportMeta) -> List[dict]:
    """The sections to print: the gate's patches, or one section per file otherwise."""
    given = meta.options.get("sections")
    if given:
        return [dict(s) for s in given]  # type: ignore[union-attr]
    paths = sorted({f.path for f in findings})
    if len(paths) <= 1:
        name = paths[0] if paths else (meta.root or "-")
        return [{"key": None, "vname": name, "filename": name, "lines_checked": meta.lines_checked}]
    return [{"key": p, "vname": p, "filename": p, "lines_checked": 0} for p in paths]


def render(findings: Sequence[Finding], meta: ReportMeta) -> str:
    """Render the run as checkpatch.pl would print it."""
    flags: dict = dict(meta.options.get("checkpatch") or {})  # type: ignore[arg-type]
    quiet = int(flags.get("quiet", 0))
    if flags.get("terse"):  # as checkpatch.pl: --terse implies --emacs and one more -q
        flags["emacs"] = True
        quiet += 1
    summary = flags.get("summary", True)
    strict = bool(flags.get("strict", any(f.severity == "check" for f in findings)))
    input_line: Callable[[Finding], Optional[int]] = meta.options.get(  # type: ignore[assignment]
        "input_line", lambda f: None
    )
    added_text: Callable[[Finding], Optional[str]] = meta.options.get(  # type: ignore[assignment]
        "added_text", lambda f: None
    )
    sections = _sections(findings, meta)
    by_key: Dict[object, List[Finding]] = {s["key"]: [] for s in sections}
    for f in findings:
        if f.patch is not None and f.patch in by_key:
            key: object = f.patch
        elif f.path in by_key:
            key = f.path
        else:
            key = sections[0]["key"]
        by_key[key].append(f)

    out: List[str] = []
    for section in sections:
        found = by_key[section["key"]]
        vname = section["vname"]
        if len(sections) > 1 and quiet == 0:
            out.append(f"{'-' * len(vname)}\n{vname}\n{'-' * len(vname)}\n")
        for f in found:
            line = input_line(f) or f.line
            text = added_text(f)
            if text is None:
                text = meta.source_line(f.path, f.line)
            out.append(_report(f, flags, section["filename"], line, text))
        clean = not found
        if summary and not (clean and quiet == 1):
            prefix = f"{section['filename']} " if flags.get("summary_file") else ""
            out.append(prefix + _summary(found, int(section.get("lines_checked", 0)), strict))
        if quiet == 0:
            verdict = (
                "has no obvious style problems and is ready for submission."
                if clean
                else "has style problems, please review."
            )
            out.append(f"\n{vname} {verdict}\n")
    ignored = flags.get("ignored") or ()
    if quiet == 0 and ignored:
        out.append("\nNOTE: Ignored message types: " + " ".join(sorted(ignored)) + "\n")
    return "".join(out)
