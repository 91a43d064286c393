#!/usr/bin/env python3
"""Compare a generated rename patch with a reference migration, name by name, file by file.

    tools/compare_patch.py GENERATED.patch --reference-from OLD NEW
    tools/compare_patch.py GENERATED.patch --tree OLD --reference REFERENCE.patch

GENERATED applies to the tree OLD (``hvlint --scheme upstream --diff`` run in it). The
reference is either a patch that applies to OLD as well, or rebuilt from two trees that lie
before (OLD) and after (NEW) mainline's commit, with the facts in tools/reference/*.toml:
the files the commit touched and the substitutions its renames follow.

Both sides go through one analysis. For every file, the code identifiers (comments and
strings left out) are counted before and after; a name whose uses drop is renamed to a name
whose uses grow (or that takes its place when it disappears) when the two share a stem: the
register after its prefix (HV_REGISTER_SIMP, HV_MSR_SIMP), a function without its
_register/_reg/_msr ending. A reference pair counts only when it is one of the commit's
substitutions; every other difference between the two trees is set aside and counted.
New #defines with the alias prefix whose value names a register are alias definitions,
compared by arch and by the value they resolve to.

Printed: renames (same, different, only one side), alias definitions, functions renamed,
files, +/- lines, then the targets. Exit status: 0 every target met, 1 a target missed,
2 usage or input error.

Targets: every rename the reference makes to a name present in OLD is made the same way,
and the generated patch renames nothing else.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from hvlint import ruledata, tomlcompat
from hvlint.c.values import Resolved
from hvlint.config import load_settings
from hvlint.engine import Linter, looks_like_register_alias

DEFAULT_REFERENCE = Path(__file__).resolve().parent / "reference" / "hv-msr-prefix.toml"
_IDENT = re.compile(r"[A-Za-z_]\w*")
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_FUNC_END = re.compile(r"_(?:register|reg|msr|syn_reg)$")
ARCHES = ("x86", "arm64")


class InputError(Exception):
    """Bad input: one line on stderr, exit status 2."""


# -- patches ------------------------------------------------------------------------------


@dataclass
class FilePatch:
    """One file of a unified diff: its hunks as (old start, old lines, new lines)."""

    path: str
    hunks: List[Tuple[int, List[str], List[str]]] = field(default_factory=list)
    added: int = 0
    removed: int = 0


def parse_patch(text: str) -> Dict[str, FilePatch]:
    """The files of a unified diff (``git diff`` / ``hvlint --diff`` shape), by new path."""
    files: Dict[str, FilePatch] = {}
    current: Optional[FilePatch] = None
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("+++ "):
            path = line[4:].strip().split("\t")[0]
            if path == "/dev/null":
                raise InputError("the patch deletes a file; only edits are compared")
            current = files.setdefault(path[2:] if path.startswith("b/") else path, FilePatch(path))
            current.path = path[2:] if path.startswith("b/") else path
        elif line.startswith("@@") and current is not None:
            m = _HUNK.match(line)
            if not m:
                raise InputError(f"unreadable hunk header: {line.strip()}")
            old_len = int(m.group(2) or "1")
            new_len = int(m.group(4) or "1")
            old, new = [], []
            i += 1
            while i < len(lines) and (len(old) < old_len or len(new) < new_len):
                body = lines[i]
                tag, rest = body[:1], body[1:]
                if tag == " ":
                    old.append(rest)
                    new.append(rest)
                elif tag == "-":
                    old.append(rest)
                    current.removed += 1
                elif tag == "+":
                    new.append(rest)
                    current.added += 1
                elif body.startswith("\\"):
                    pass
                else:
                    break
                i += 1
            while i < len(lines) and lines[i].startswith("\\"):
                i += 1
            current.hunks.append((int(m.group(1)), old, new))
            continue
        i += 1
    return files


def apply_patch(text: str, fp: FilePatch) -> str:
    """``text`` with the hunks of ``fp`` applied at their line numbers (context checked)."""
    lines = text.splitlines(keepends=True)
    out: List[str] = []
    pos = 0
    for start, old, new in fp.hunks:
        at = max(start - 1, 0) if old else start
        if lines[at : at + len(old)] != old:
            raise InputError(f"{fp.path}: hunk at line {start} does not apply to the tree")
        out += lines[pos:at] + new
        pos = at + len(old)
    return "".join(out + lines[pos:])


# -- what a file's names are ----------------------------------------------------------------


@dataclass
class Names:
    """The code identifiers of one file and its alias definitions."""

    counts: Counter
    aliases: Dict[str, str]  # alias name -> its value text


def stem(name: str, data: ruledata.RuleData) -> Optional[str]:
    """What a rename keeps: the register after its prefix, or a function's name less its
    register ending."""
    split = data.split_register_name(name)
    if split is not None:
        return "reg:" + split[1]
    if name.startswith("hv_") and _FUNC_END.search(name):
        return "fn:" + _FUNC_END.sub("", name)
    return None


class Reader:
    """Scans files with hvlint's own scanner (comments and strings blanked)."""

    def __init__(self, root: Path) -> None:
        data = ruledata.load()
        self.linter = Linter(load_settings(None, data), root, data)
        self.data = data
        # Every scheme's alias prefix: a syn-reg patch's HV_SYN_REG_* are aliases too.
        self.alias_prefixes = tuple(sorted({s.alias_prefix for s in data.schemes.values()}))

    def names(self, relpath: str, text: Optional[str]) -> Names:
        """The identifiers of ``text`` (a missing file has none)."""
        if text is None:
            return Names(Counter(), {})
        sf = self.linter.scan_text(relpath, text)
        alias_defs = [
            d
            for d in sf.defines
            if d.params is None
            and d.name.startswith(self.alias_prefixes)
            and looks_like_register_alias(d.value, self.data)
        ]
        code = sf.code
        for d in alias_defs:  # an alias definition is counted as one, not as uses
            start = sf.line_starts[d.line - 1]
            code = code[:start] + " " * (d.body_end - start) + code[d.body_end :]
        counts = Counter(m.group() for m in _IDENT.finditer(code))
        for keyword in ("define", "undef", "ifdef", "ifndef", "endif", "elif"):
            counts.pop(keyword, None)
        return Names(counts, {d.name: d.value.strip() for d in alias_defs})

    def arch(self, relpath: str) -> str:
        """The arch class of a file (x86, arm64, neutral, other)."""
        return self.linter.path_class(relpath) or "other"


def renames(before: Names, after: Names, data: ruledata.RuleData) -> Tuple[Dict[str, str], Counter]:
    """(old -> new pairs, the count changes no pair or alias explains)."""
    names = set(before.counts) | set(after.counts)
    delta = Counter({n: after.counts[n] - before.counts[n] for n in names})
    fell = sorted(n for n in names if delta[n] < 0)
    by_stem: Dict[str, List[str]] = {}
    for n in sorted(names):
        s = stem(n, data)
        if s is not None and after.counts[n] > 0 and delta[n] >= 0:
            by_stem.setdefault(s, []).append(n)
    pairs: Dict[str, str] = {}
    for old in fell:
        s = stem(old, data)
        gone = after.counts[old] == 0  # its place may be taken by a name it duplicated
        cands = [n for n in by_stem.get(s, []) if n != old] if s else []
        # The names that took its uses; when none grew, the one it duplicated (gone now).
        chosen = [n for n in cands if delta[n] > 0] or (cands if gone else [])
        if chosen:
            pairs[old] = ",".join(chosen)  # one name, or several by arch (x86 lines, shared)
    used = set(pairs) | {n for new in pairs.values() for n in new.split(",")}
    rest = Counter({n: d for n, d in delta.items() if d and n not in used})
    return pairs, rest


# -- one side -----------------------------------------------------------------------------


@dataclass
class Side:
    """What one migration does: renames by file, aliases by arch, size."""

    renames: Dict[Tuple[str, str], str] = field(default_factory=dict)  # (file, old) -> new
    # (arch, register suffix) -> (alias, its value text, the number it resolves to)
    aliases: Dict[Tuple[str, str], Tuple[str, str, Optional[int]]] = field(default_factory=dict)
    files: Dict[str, Tuple[int, int]] = field(default_factory=dict)  # patch: file -> (+, -)
    touched: set = field(default_factory=set)  # files with a rename or an alias definition
    unexplained: Dict[str, Counter] = field(default_factory=dict)
    set_aside: int = 0  # reference only: pairs outside the commit's substitutions


def _value(linter: Linter, alias: str, arch: str) -> Optional[int]:
    r = linter.resolver.resolve(alias, arch)
    return r.value if isinstance(r, Resolved) else None


def analyse(
    reader: Reader,
    value_linter: Linter,
    files: Iterable[str],
    before: Dict[str, Optional[str]],
    after: Dict[str, Optional[str]],
    substitutions: Optional[Sequence[Tuple[re.Pattern, str]]] = None,
) -> Side:
    """One side: ``before``/``after`` texts by file; only pairs that follow one of
    ``substitutions`` when given (the reference from two trees)."""
    side = Side()
    for rel in sorted(files):
        b = reader.names(rel, before.get(rel))
        a = reader.names(rel, after.get(rel))
        pairs, rest = renames(b, a, reader.data)
        for old, new in sorted(pairs.items()):
            if substitutions is not None and not all(
                any(p.fullmatch(old) and p.sub(r, old) == n for p, r in substitutions)
                for n in new.split(",")
            ):
                side.set_aside += 1
                continue
            side.renames[(rel, old)] = new
            side.touched.add(rel)
        if rest:
            side.unexplained[rel] = rest
        arch = reader.arch(rel)
        for alias, value in sorted(a.aliases.items()):
            if alias in b.aliases or arch not in ARCHES:
                continue
            suffix = reader.data.split_register_name(alias)
            key = (arch, suffix[1] if suffix else alias)
            side.aliases[key] = (alias, value.strip("() "), _value(value_linter, alias, arch))
            side.touched.add(rel)
    return side


# -- the report ---------------------------------------------------------------------------


def _table(rows: List[Tuple[str, ...]], head: Tuple[str, ...], out) -> None:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, tuple("-" * w for w in widths), *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
    out.write("\n")


def verdict(ref: Optional[str], gen: Optional[str]) -> str:
    """same / different / only reference / only generated."""
    if ref is not None and gen is not None:
        return "same" if ref == gen else "DIFFERENT"
    return "only reference" if gen is None else "only generated"


def report(ref: Side, gen: Side, facts: dict, out) -> int:
    """Print the comparison; the number of targets missed."""
    keys = sorted(set(ref.renames) | set(gen.renames))
    rows = [
        (
            f,
            o,
            ref.renames.get((f, o), "-"),
            gen.renames.get((f, o), "-"),
            verdict(ref.renames.get((f, o)), gen.renames.get((f, o))),
        )
        for f, o in keys
    ]
    out.write("Renames, file by file\n\n")
    _table(rows, ("file", "name", "reference", "generated", "verdict"), out)
    tally = Counter(r[4] for r in rows)

    out.write("Alias definitions\n\n")
    akeys = sorted(set(ref.aliases) | set(gen.aliases))
    arows = []
    for k in akeys:
        r, g = ref.aliases.get(k), gen.aliases.get(k)
        if r and g:
            v = (
                "same"
                if r[:2] == g[:2]
                else ("same register" if r[2] == g[2] is not None else "DIFFERENT")
            )
        else:
            v = "only reference" if g is None else "only generated"
        show = [
            (f"{x[0]} ({x[1]} = 0x{x[2]:08X})" if x[2] is not None else f"{x[0]} ({x[1]})")
            if x
            else "-"
            for x in (r, g)
        ]
        arows.append((k[0], k[1], show[0], show[1], v))
    _table(arows, ("arch", "register", "reference", "generated", "verdict"), out)
    atally = Counter(r[4] for r in arows)

    out.write("Functions renamed\n\n")
    fn: Dict[str, Dict[str, set]] = {}
    for side, label in ((ref, "reference"), (gen, "generated")):
        for (_f, old), new in side.renames.items():
            if old[:1].islower():
                fn.setdefault(old, {}).setdefault(label, set()).add(new)
    frows = []
    for old in sorted(fn):
        r = ",".join(sorted(fn[old].get("reference", ()))) or None
        g = ",".join(sorted(fn[old].get("generated", ()))) or None
        frows.append((old, r or "-", g or "-", verdict(r, g)))
    _table(frows, ("function", "reference", "generated", "verdict"), out)

    out.write("Files\n\n")
    ref_files = ref.touched
    frows2 = []
    for f in sorted(ref_files | set(gen.files)):
        plus, minus = gen.files.get(f, (0, 0))
        frows2.append(
            (
                f,
                "yes" if f in ref_files else "-",
                f"+{plus}/-{minus}" if f in gen.files else "-",
                verdict("x" if f in ref_files else None, "x" if f in gen.files else None),
            )
        )
    _table(frows2, ("file", "reference", "generated", "verdict"), out)

    size = facts.get("size")
    added = sum(p for p, _m in gen.files.values())
    removed = sum(m for _p, m in gen.files.values())
    out.write("Summary\n\n")
    out.write(
        f"renames: {len(ref.renames)} in the reference, {len(gen.renames)} generated; "
        f"same {tally['same']}, different {tally['DIFFERENT']}, "
        f"only reference {tally['only reference']}, only generated {tally['only generated']}\n"
    )
    if ref.set_aside:
        out.write(
            f"reference: {ref.set_aside} other renames between the trees set aside "
            "(not the commit's substitutions)\n"
        )
    out.write(
        f"aliases: {len(ref.aliases)} in the reference, {len(gen.aliases)} generated; "
        + ", ".join(f"{k} {atally[k]}" for k in sorted(atally))
        + "\n"
    )
    out.write(
        f"files: {len(ref_files)} in the reference, {len(gen.files)} generated, "
        f"{len(ref_files & set(gen.files))} in both\n"
    )
    out.write(f"lines: generated +{added}/-{removed} in {len(gen.files)} files")
    if size:
        out.write(
            f"; the reference commit: +{size['added']}/-{size['removed']} in {size['files']} files"
        )
    out.write("\n")
    for rel, rest in sorted(gen.unexplained.items()):
        shown = ", ".join(f"{n} {d:+d}" for n, d in sorted(rest.items()))
        out.write(f"generated, not a rename: {rel}: {shown}\n")
    missed = 0
    t1 = tally["DIFFERENT"] + tally["only reference"]
    t2 = tally["only generated"] + tally["DIFFERENT"]
    out.write("\nTargets\n\n")
    out.write(
        f"every reference rename made the same way: {'met' if not t1 else f'MISSED ({t1})'}\n"
    )
    out.write(f"nothing else renamed: {'met' if not t2 else f'MISSED ({t2})'}\n")
    missed += bool(t1) + bool(t2)
    return missed


# -- the command --------------------------------------------------------------------------


def _read(root: Path, rel: str) -> Optional[str]:
    path = root / rel
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def _load_facts(path: Path) -> dict:
    try:
        return tomlcompat.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: {exc}") from None


def _tree(path: str) -> Path:
    p = Path(path)
    if not p.is_dir():
        raise InputError(f"{path}: not a directory")
    return p.resolve()


def _side_from_patch(
    reader: Reader, root: Path, patch: Dict[str, FilePatch], substitutions=None
) -> Side:
    before = {rel: _read(root, rel) for rel in patch}
    after = {}
    for rel, fp in patch.items():
        if before[rel] is None:
            raise InputError(f"{rel}: not in the tree {root}")
        after[rel] = apply_patch(before[rel], fp)
    values = Linter(reader.linter.settings, root, reader.data)
    values.prepare()
    for rel, text in after.items():
        values.set_overlay(rel, text)
    side = analyse(reader, values, patch, before, after, substitutions)
    side.files = {
        rel: (fp.added, fp.removed) for rel, fp in patch.items() if fp.added or fp.removed
    }
    return side


def main(argv: Optional[List[str]] = None, out=sys.stdout) -> int:
    """Compare; 0 targets met, 1 missed, 2 bad input."""
    parser = argparse.ArgumentParser(prog="compare_patch.py", description=__doc__.split("\n")[0])
    parser.add_argument("generated", help="the generated patch (applies to OLD)")
    parser.add_argument(
        "--reference-from",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="rebuild the reference from trees before and after the commit",
    )
    parser.add_argument(
        "--reference", metavar="PATCH", help="a reference patch that applies to --tree"
    )
    parser.add_argument(
        "--tree", metavar="OLD", help="the tree both patches apply to (with --reference)"
    )
    parser.add_argument(
        "--facts",
        default=str(DEFAULT_REFERENCE),
        help="the reference commit's facts (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        if bool(args.reference_from) == bool(args.reference):
            raise InputError("give --reference-from OLD NEW or --reference PATCH --tree OLD")
        facts = _load_facts(Path(args.facts))
        try:
            gen_patch = parse_patch(Path(args.generated).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"{args.generated}: {exc.strerror or exc}") from None
        if args.reference_from:
            old, new = (_tree(p) for p in args.reference_from)
        else:
            if not args.tree:
                raise InputError("--reference needs --tree OLD")
            old, new = _tree(args.tree), None
        reader = Reader(old)
        gen = _side_from_patch(reader, old, gen_patch)
        if new is not None:
            files = list(facts["files"])
            subs = [(re.compile(s["old"]), s["new"]) for s in facts.get("substitution", [])]
            new_linter = Linter(reader.linter.settings, new, reader.data)
            new_linter.prepare()
            ref = analyse(
                reader,
                new_linter,
                files,
                {f: _read(old, f) for f in files},
                {f: _read(new, f) for f in files},
                subs,
            )
        else:
            try:
                ref_patch = parse_patch(Path(args.reference).read_text(encoding="utf-8"))
            except OSError as exc:
                raise InputError(f"{args.reference}: {exc.strerror or exc}") from None
            ref = _side_from_patch(reader, old, ref_patch)
            facts = dict(facts, files=sorted(ref_patch), size=None)
    except InputError as exc:
        sys.stderr.write(f"compare_patch.py: error: {exc}\n")
        return 2
    missed = report(ref, gen, facts, out)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
