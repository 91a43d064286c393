"""The build lines of a patch whose Makefile, Kbuild or Kconfig hunks do not apply.

A new driver is often posted against a newer base than the tree a maintainer has at hand:
its Kconfig and Makefile hunks name a neighbour that tree lacks, so they cannot be applied.
Their own lines still say how the driver is built. What a hunk adds is read on its own:

- Kconfig: each ``config``/``menuconfig`` entry it adds (type, prompts, ``depends on``,
  ``default``, ``select``, with the ``if``/``menu`` blocks the hunk shows around it) and
  each ``source`` line it adds, written after the tree's file;
- Makefile, Kbuild: each object rule it adds (``obj-$(CONFIG_X) += x.o``, ``x-y := ...``,
  ``x-objs``, with the ``ifdef`` blocks the hunk shows), counted as rules of the folder.

What the tree already has wins: an entry for a symbol the tree defines, an object the
folder's rules already name or a composite object the folder already makes is left out,
so a series older than the tree never widens what the tree says. A symbol these lines use
that no Kconfig file read defines is unknown, not n: the tree the series was made against
may define it (a driver's ``depends on`` a symbol newer than the tree at hand).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, List, Sequence, Set, Tuple

from hvlint.gate.patches import Hunk
from hvlint.gate.postimage import locate
from hvlint.tree import kconfig_parse
from hvlint.tree.kbuild import Rule, read_rules
from hvlint.tree.kconfig import BuildClasses

if TYPE_CHECKING:
    from hvlint.engine import Linter

_SYMBOL = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_SOURCE = re.compile(r'^[ \t]*o?r?source[ \t]+"([^"]+)"')
_TARGETS = ("obj", "lib", "subdir")


def _new_side(hunk: Hunk, entries: bool) -> Tuple[str, Set[int]]:
    """The hunk's new side at its line numbers (the lines before it blank), and the
    numbers of its added lines. With ``entries``, the lines before the first unindented
    one are left out: they belong to a Kconfig entry the hunk does not show whole."""
    lines = hunk.new_lines()
    skip = 0
    if entries:
        skip = next((i for i, text in enumerate(lines) if text[:1] not in ("", " ", "\t")), len(lines))
    first = hunk.new_start if hunk.new_count else hunk.new_start + 1
    text = "\n" * (first - 1 + skip) + "\n".join(lines[skip:]) + "\n"
    return text, {a.line for a in hunk.added}


def _kconfig_side(hunk: Hunk, pre: List[str]) -> Tuple[str, Set[int], int]:
    """The hunk's new side as Kconfig to parse, the line numbers of its added lines there,
    and how far those numbers are from the patch's (the new file's).

    Where the hunk's leading context is found in the file it did not apply to, the file's
    lines above it come first, so the ``if``/``menu`` blocks open there hold for the
    entries the hunk adds (the file's own entries are not added lines, so never taken)."""
    lead: List[str] = []
    for tag, text in hunk.lines:
        if tag != " ":
            break
        lead.append(text)
    near = hunk.old_start - 1 if hunk.old_count else hunk.old_start
    at = locate(pre, lead, near) if any(x.strip() for x in lead) else None
    if at is None:
        return (*_new_side(hunk, entries=True), 0)
    lines = pre[:at] + hunk.new_lines()
    first = at + 1  # the 1-based line of the hunk's first line in ``lines``
    shift = first - (hunk.new_start if hunk.new_count else hunk.new_start + 1)
    return "\n".join(lines) + "\n", {a.line + shift for a in hunk.added}, shift


def _entry_text(entry: kconfig_parse.Entry) -> str:
    """A parsed Kconfig entry written back as Kconfig (its conditions already combined)."""
    name, _line, kind, prompts, deps, defaults, selects, _choice = entry
    out = [f"config {name}"]
    if kind:
        out.append(f"\t{kind}")
    out += [f'\tprompt "{name}" if ({cond})' for cond in prompts]
    out += [f"\tdepends on ({dep})" for dep in deps]
    out += [f"\tdefault ({value}) if ({cond})" for value, cond in defaults]
    out += [f"\tselect {target} if ({cond})" for target, cond in selects]
    return "\n".join(out) + "\n"


def kconfig_lines(hunks: Sequence[Hunk], pre: str, builds: BuildClasses) -> Tuple[str, Dict[str, int]]:
    """Kconfig text for what ``hunks`` add to a file whose text is ``pre`` (they do not
    apply to it): the new entries of symbols no Kconfig file of the tree defines and the
    ``source`` lines ``pre`` lacks. Returns the text and the symbols it defines, each with
    the line of the patch's new file that defines it."""
    pre_lines = pre.split("\n")
    sourced = {m.group(1) for m in map(_SOURCE.match, pre_lines) if m}
    parts: List[str] = []
    names: Dict[str, int] = {}
    for hunk in hunks:
        text, added, shift = _kconfig_side(hunk, pre_lines)
        lines = text.split("\n")
        found = kconfig_parse.parse(text)
        for entry in found.entries:
            if entry[1] in added and entry[0] not in names and not builds.kconfig.defines(entry[0]):
                names[entry[0]] = entry[1] - shift
                parts.append(_entry_text(entry))
        for line, conds in sorted(found.sites.items()):
            m = _SOURCE.match(lines[line - 1])
            if line in added and m and m.group(1) not in sourced:
                sourced.add(m.group(1))
                cond = " && ".join(f"({c})" for c in conds)
                body = lines[line - 1].strip()
                parts.append(f"if {cond}\n{body}\nendif\n" if cond else f"{body}\n")
    return "".join(f"\n{part}" for part in parts), names


def _symbols(exprs: Sequence[str]) -> List[str]:
    """The Kconfig symbols ``exprs`` name."""
    return sorted({name for expr in exprs for name in _SYMBOL.findall(expr)} - {"y", "m", "n"})


def makefile_rules(hunks: Sequence[Hunk], makefile: str, known: Sequence[Rule]) -> List[Rule]:
    """The object rules ``hunks`` add to ``makefile`` (they do not apply to it), less what
    ``known`` (the folder's rules) already builds."""
    named = {obj for rule in known for obj in rule.objects}
    made = {rule.target for rule in known if rule.target not in _TARGETS}
    out: List[Rule] = []
    for hunk in hunks:
        text, added = _new_side(hunk, entries=False)
        for rule in read_rules(text, makefile):
            if int(rule.where.rpartition(":")[2]) not in added:
                continue
            if rule.target in _TARGETS:
                objects = [obj for obj in rule.objects if obj not in named]
            else:
                objects = [] if rule.target in made else rule.objects
            if objects:
                out.append(Rule(rule.target, rule.condition, objects, rule.where))
    return out


def use_added_lines(builds: BuildClasses, path: str, hunks: Sequence[Hunk], pre: str) -> str:
    """Count what ``hunks`` add to the build file ``path`` (they do not apply to its text
    ``pre``) in ``builds``; the file's text from now on."""
    if path.rpartition("/")[2].startswith("Kconfig"):
        extra, names = kconfig_lines(hunks, pre, builds)
        if extra:
            builds.set_overlay(path, pre + extra)
            builds.note_unapplied_symbols(path, names)
            entries = kconfig_parse.parse(extra).entries
            builds.kconfig.leave_open(_symbols([x for e in entries for x in [*e[3], *e[4], *(v for d in e[5] for v in d)]]))
        return pre + extra
    rules = makefile_rules(hunks, path, builds.kbuild.rules(path.rpartition("/")[0]))
    if rules:
        builds.add_rules(path, rules)
        builds.kconfig.leave_open(_symbols([rule.condition for rule in rules]))
    return pre


def verbose_notes(linter: "Linter", paths: Sequence[str]) -> List[str]:
    """What ``-v`` says of the arch-neutral C files of a series: what Kconfig decided (or
    could not) and which build files' lines alone, hunks that did not apply, it rests on."""
    out: List[str] = []
    builds = linter.builds
    for path in paths:
        if builds is None or not path.endswith(".c") or linter.path_class(path) != "neutral":
            continue
        files = builds.unapplied_files(path)
        if files:
            why = "their hunks do not apply to the tree" if linter.root is not None else "no tree"
            out.append(f"{path}: build rules from the lines the series adds to {', '.join(files)} alone ({why})")
        out += linter.file_notes(path)[1:]
    return out
