"""The engine: scan files, keep the symbol index, choose the scheme, run the rules.

One ``Linter`` serves every front end: the command line, the patch gate (post-images as
overlays), the language server (buffers as overlays) and --fix. No rule knows where its
input came from.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from hvlint import ruledata, schemes, suppress
from hvlint.tree import cache
from hvlint.tree.cache import TreeCache
from hvlint.checks import CHECKS
from hvlint.checks.context import FileContext
from hvlint.c.cond import ArchSymbols, BuildMacros, ConditionEvaluator
from hvlint.config import ConfigError, Settings
from hvlint.findings import Finding, InputProblem
from hvlint import lintcache
from hvlint.c.decls import FileDecls, declarations
from hvlint.tree.declindex import DeclIndex, Record, file_record, grammar_of, layout_of
from hvlint.tree.index import Definition, SymbolIndex, builtin_definitions
from hvlint.tree.buildcache import CachedBuilds, build_deps
from hvlint.tree.kconfig import BuildClasses, Kconfig, x86_only_symbol
from hvlint.tree.paths import GlobSet, PathClassifier
from hvlint.ruledata import RuleData
from hvlint.c.scanner import ScannedFile, scan
from hvlint.c.tristate import file_arches
from hvlint.c.values import Resolver
from hvlint.schemes import SchemeChoice, looks_like_register_alias
from hvlint.tree.walk import list_files, prefilter, read_source

__all__ = ["Linter", "SchemeChoice", "looks_like_register_alias", "find_root", "is_tree_root"]

Progress = Callable[[int, int], None]


@dataclass
class FileResult:
    """Findings and input problems of one file."""

    findings: List[Finding]
    problems: List[InputProblem]
    lines: int
    notes: List[str] = field(default_factory=list)


@dataclass
class LintResult:
    """Findings and input problems of a whole run."""

    findings: List[Finding] = field(default_factory=list)
    problems: List[InputProblem] = field(default_factory=list)
    files_checked: int = 0
    lines_checked: int = 0
    notes: List[str] = field(default_factory=list)


def is_tree_root(folder: Path) -> bool:
    """A kernel tree (Kconfig and arch/ at the top) or a folder holding .hvlint.toml."""
    return (folder / ".hvlint.toml").is_file() or ((folder / "Kconfig").is_file() and (folder / "arch").is_dir())


def find_root(paths: Sequence[Path]) -> Optional[Path]:
    """The tree that contains the first path (or the current directory), if any."""
    start = Path(paths[0]) if paths else Path.cwd()
    start = start.resolve()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if is_tree_root(folder):
            return folder
    return None


class Linter:
    """Lints C sources in the context of a tree (or of nothing but the rules tables)."""

    def __init__(self, settings: Settings, root: Optional[Path], data: Optional[RuleData] = None) -> None:
        self.settings = settings
        self.root = root.resolve() if root else None
        self.data = data or ruledata.load()
        classes = {k: tuple(v) + tuple(settings.extra_paths.get(k, ())) for k, v in self.data.classes.items()}
        for k, v in settings.extra_paths.items():
            classes.setdefault(k, tuple(v))
        self.classifier = PathClassifier(classes, anchored=self.root is not None)
        self.arch_symbols = ArchSymbols(self.data.pp_arch, self.data.pp_arch_prefixes, self.data.pp_other)
        self.evaluator = ConditionEvaluator(self.arch_symbols)
        self.index = SymbolIndex(
            builtin_definitions(self.data.registers, self.data.x86_msr_prefix, self.data.vp_register_prefix)
        )
        self.resolver = Resolver(self.index)
        self.cache: Optional[TreeCache] = None
        if self.root is not None and settings.use_cache:
            try:
                self.cache = cache.open_for(self.root, (self.data, classes, settings.use_kconfig), settings.cache_max_mb)
            except cache.CapError as exc:
                raise ConfigError(str(exc)) from None
        self.builds: Optional[BuildClasses] = None
        self._build_answers: Optional[CachedBuilds] = None
        if self.root is not None and settings.use_kconfig:
            self.builds = BuildClasses(self.root, Kconfig(self.root, self.data.kconfig_arch, self.cache))
            self._build_answers = CachedBuilds(self.builds, self.cache, self.root)
        self._index_exclude = GlobSet(self.data.index_exclude)
        # Paths whose names are not the tree's: excluded ones, and user space (index_exclude,
        # tools/) with definitions of its own. A rename never reaches them.
        self.foreign = GlobSet(tuple(self.classifier.sets["exclude"].patterns) + self.data.index_exclude)
        self._accessor_schemes = {a: n for n, s in self.data.schemes.items() for a in s.accessors}
        self._scans: Dict[str, Tuple[str, ScannedFile]] = {}
        self._indexed_digest: Dict[str, str] = {}
        # Scheme evidence (hvlint.schemes) per path: the tree's, from the files on disk of the
        # index (index roots, or the files given to prepare()); the input's, from files read
        # without a tree; and a patch series' added lines, set by the gate.
        self._evidence: Dict[str, Counter] = {}
        self._input_evidence: Dict[str, Counter] = {}
        self._series_evidence: Optional[Tuple[str, Counter]] = None
        self._held: Dict[str, Counter] = {}  # path -> what the series added to the file on disk
        self._index_paths: set = set()  # given to prepare(): part of the index wherever they are
        self._tree_paths: set = set()
        self._overlays: Dict[str, str] = {}
        self._relpaths: Dict[str, str] = {}  # walked path -> root-relative path
        self._walked_files: set = set()  # the files to lint that walks found (Path objects)
        self._walked: List[str] = []  # root-relative folders already walked
        self._scheme: Optional[Tuple[int, SchemeChoice]] = None
        self._from_cache: Dict[str, Dict[int, str]] = {}  # reports from the tree cache: their quoted lines
        self._read_problems: Dict[str, Optional[str]] = {}  # what reading each linted file noted
        self.grammar = grammar_of(self.data)
        self.decls = DeclIndex(self.root, layout_of(self.data), self.grammar, self._guard_reader,
                               self._config_x86_only if self.builds is not None else None)
        self._config_x86: Dict[str, bool] = {}
        self._own_decls: Dict[str, Tuple[ScannedFile, FileDecls]] = {}
        self._header_arch: Dict[str, Optional[Tuple[str, str]]] = {}  # driver-local headers
        self.prepared = False
        self.notes: List[str] = []

    # -- paths ---------------------------------------------------------------------------

    def relpath(self, path: Path) -> str:
        """The path as rules see it: relative to the root, posix separators."""
        known = self._relpaths.get(str(path))
        if known is not None:
            return known
        path = Path(path)
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root).as_posix()
            except ValueError:
                pass
        return path.as_posix()  # relative paths are already clean: Path drops "./"

    def path_class(self, relpath: str) -> Optional[str]:
        """x86, arm64, neutral, exclude or None."""
        return self.classifier.classify(relpath)

    def build_arch(self, relpath: str) -> Optional[Tuple[str, str]]:
        """(arch, reason) when the tree's Kconfig/Makefiles build the file for one arch only;
        a driver's own header (not under include/) by the .c files beside it that include it."""
        if self._build_answers is None or relpath.startswith("arch/"):
            return None
        if relpath.endswith(".h") and not relpath.startswith("include/"):
            return self._local_header_arch(relpath)
        if not relpath.endswith(".c"):
            return None
        return self._build_answers.answer(relpath)[0]

    def _local_header_arch(self, relpath: str) -> Optional[Tuple[str, str]]:
        """The one arch of every .c file in the header's folder that includes it ("x.h")."""
        if relpath not in self._header_arch:
            self._header_arch[relpath] = self._includers_arch(relpath)
        return self._header_arch[relpath]

    def _includers_arch(self, relpath: str) -> Optional[Tuple[str, str]]:
        assert self.root is not None
        folder = (self.root / relpath).parent
        needle = re.compile(r'^\s*#\s*include\s*"' + re.escape(Path(relpath).name) + '"', re.M)
        includers = []
        for path in sorted(folder.glob("*.c")) if folder.is_dir() else ():
            source = read_source(path)
            if source.text is not None and needle.search(source.text):
                includers.append(self.relpath(path))
        arches = {self.build_arch(rel) for rel in includers}
        if not includers or None in arches or len(arches) != 1:
            return None
        arch = next(iter(arches))
        assert arch is not None
        return arch[0], f"included only by {', '.join(includers)}, built only for {arch[0]}"

    # -- scanning and indexing -------------------------------------------------------------

    def scan_text(self, relpath: str, text: str) -> ScannedFile:
        """Scan (or reuse the scan of) ``text`` as ``relpath``."""
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        cached = self._scans.get(relpath)
        if cached and cached[0] == digest:
            return cached[1]
        sf = scan(relpath, text, self.evaluator)
        self._scans[relpath] = (digest, sf)
        return sf

    def _index_scan(self, sf: ScannedFile, tree: bool) -> None:
        relpath = sf.path
        digest = self._scans[relpath][0]
        if self._indexed_digest.get(relpath) == digest:
            return
        self._indexed_digest[relpath] = digest
        if self._index_exclude.matches(relpath):
            return
        defs, evidence = self._index_facts(sf)
        self._apply_index(relpath, defs, evidence, tree)
        if not tree:  # a series' file or an editor buffer: its declarations count like the tree's
            make = functools.partial(self._overlay_record, sf)
            self.decls.set_overlay(relpath, make, self._decl_arches(relpath))

    def _index_facts(self, sf: ScannedFile) -> Tuple[List[Definition], Counter]:
        """What ``sf`` gives the index: its definitions, with the arches they are defined
        for, and its scheme evidence."""
        relpath = sf.path
        # The index takes a file's arches from its path only: Kconfig classes .c files, and
        # definitions live in headers.
        whole_file = file_arches(self.path_class(relpath))
        defs: List[Definition] = []
        for d in sf.defines:
            arches = sf.arches_of_guard(d.guard) & whole_file
            if arches:
                kind = "macro" if d.params is None else "function-macro"
                defs.append(Definition(d.name, relpath, d.line, d.column, kind, d.value, arches))
        for e in sf.enums:
            arches = sf.arches_of_guard(e.guard) & whole_file
            if arches:
                defs.append(Definition(e.name, relpath, e.line, e.column, "enum", e.value, arches))
        return defs, schemes.file_evidence(sf, self.data, self._accessor_schemes)

    def _apply_index(self, relpath: str, defs: List[Definition], evidence: Counter, tree: bool) -> None:
        """Put a file's definitions and evidence (scanned, or from the tree cache) in the index."""
        self.index.set_file(relpath, defs)
        if tree:
            self._tree_paths.add(relpath)
            if self._in_index(relpath):
                self._evidence[relpath] = evidence
        elif self.root is None:
            self._input_evidence[relpath] = evidence

    def _guard_reader(self, relpath: str, text: str, x86_configs: frozenset) -> Callable[[int], frozenset]:
        """line -> arches of its #if stack, for a header of the declaration index; each of
        ``x86_configs`` (Kconfig symbols only x86 can set) is undefined on arm64."""
        evaluator = self.evaluator
        if x86_configs:
            unset = {f"CONFIG_{s}{end}": None for s in x86_configs for end in ("", "_MODULE")}
            evaluator = ConditionEvaluator(self.arch_symbols, BuildMacros("arm64", unset, ()))
        return scan(relpath, text, evaluator).arches_at

    def _config_x86_only(self, symbol: str) -> bool:
        """Whether the tree's Kconfig can set ``symbol`` for x86 and never for arm64."""
        known = self._config_x86.get(symbol)
        if known is None:
            assert self.builds is not None
            known = self._config_x86[symbol] = x86_only_symbol(self.builds.kconfig.possible, symbol)
        return known

    def file_declarations(self, sf: ScannedFile) -> FileDecls:
        """What ``sf`` declares at file scope (kept while its scan is the latest)."""
        kept = self._own_decls.get(sf.path)
        if kept is not None and kept[0] is sf:
            return kept[1]
        found = declarations(sf.code, self.grammar)
        self._own_decls[sf.path] = (sf, found)
        return found

    def _overlay_record(self, sf: ScannedFile) -> Record:
        """The declaration record of an overlay's scan (its #if stack read)."""
        return file_record(sf.text, self.grammar, sf.arches_at, self.file_declarations(sf))

    def may_name_x86(self, relpath: str, text: str) -> bool:
        """Whether ``text`` (lines of ``relpath``) names something only x86 declares, by the
        declaration index: a cheap test before linting a file."""
        words = set(re.findall(r"[A-Za-z_]\w*", text))
        words |= {f"{k} {n}" for k, n in re.findall(r"\b(struct|union)\s+([A-Za-z_]\w*)", text)}
        return bool(self.decls.x86_candidates(words, relpath))

    def _decl_arches(self, relpath: str) -> frozenset:
        """Who can see what ``relpath`` declares: a header by its path, a .c file by its path
        or the arch Kconfig builds it for."""
        if relpath.endswith(".h"):
            return self.decls.path_arches(relpath)
        build = self.build_arch(relpath) if self.path_class(relpath) == "neutral" else None
        return file_arches(self.path_class(relpath), build[0] if build else None)

    def _in_index(self, relpath: str) -> bool:
        """Whether ``relpath`` is one of the files the index is built from whatever is linted:
        under an index root of rules/paths.toml, or given to prepare()."""
        return relpath in self._index_paths or any(
            relpath == sub or relpath.startswith(sub + "/") for sub in self.data.index_roots
        )

    def text_evidence(self, relpath: str, text: str) -> Counter:
        """The scheme evidence ``text`` shows as the file ``relpath`` (not indexed)."""
        sf = scan(relpath, text, self.evaluator)
        return schemes.file_evidence(sf, self.data, self._accessor_schemes)

    def set_series_evidence(self, label: str, evidence: Counter, held: Optional[Dict[str, Counter]] = None) -> None:
        """What a patch series adds (its added lines), weighed after the tree's aliases; it
        replaces the evidence of the files read without a tree. ``held``: per tree file that
        already holds the series' lines, the evidence of those lines, not the tree's."""
        self._series_evidence = (label, evidence)
        self._held = dict(held or {})
        self._scheme = None

    def _index_path(self, path: Path, tree: bool) -> Optional[InputProblem]:
        relpath = self.relpath(path)
        sig = cache.signature(str(path)) if self.cache is not None else None  # before reading
        source = read_source(path)
        if source.text is None:
            return InputProblem(relpath, source.problem or "cannot read")
        sf = self.scan_text(relpath, source.text)
        self._index_scan(sf, tree)
        self._remember_index(sf, sig)
        return InputProblem(relpath, source.problem) if source.problem else None

    def _remember_index(self, sf: ScannedFile, sig: Optional[cache.Signature]) -> None:
        """Store what a file read from the tree gives the index, for the next run."""
        if self.cache is None or self._index_exclude.matches(sf.path) or sf.path.startswith("/"):
            return
        if sig is None:  # too fresh to trust: what is stored is no longer true either
            self.cache.files("index").drop(sf.path)
            return
        defs, evidence = self._index_facts(sf)
        self.cache.files("index").put(sf.path, sig, cache.index_value(defs, evidence))

    def _restore_index(self, relpath: str, sig: Optional[cache.Signature]) -> bool:
        """Put a file in the index from the tree cache, when it holds the file as it is
        (true for a file the index leaves out: there is nothing to put)."""
        if self.cache is None:
            return False
        if self._index_exclude.matches(relpath):
            return True
        found = cache.read_index_value(relpath, self.cache.files("index").get(relpath, sig))
        if found is None or found[1] is None:
            return False
        self._apply_index(relpath, found[0], found[1], tree=True)
        return True

    def candidate_files(self, top: Path) -> List[Path]:
        """C files under ``top`` that are not excluded and mention a Hyper-V name (or are
        arch-neutral code)."""
        exclude = self.classifier.sets["exclude"]
        rel_top = self.relpath(top)
        rel_top = "" if rel_top in (".", "") else rel_top
        listed = list(list_files(top, rel_top, self.data.suffixes, exclude.matches))
        self._relpaths.update(listed)
        keep = self._always_read(listed)
        if self.cache is None:
            return prefilter([path for path, _rel in listed], self.data.prefilter, keep=keep)
        hits = self._cached_hits(listed, keep, "prefilter")
        self._forget_missing(rel_top, {rel for _path, rel in listed})
        found = [Path(path) for path, _rel in listed if path in hits]
        self._walked_files.update(found)
        return found

    def _cached_hits(self, listed: List[Tuple[str, str]], keep: Callable[[str], bool], product: str) -> set:
        """The paths of ``listed`` to read: ``keep``'s, and those the byte prefilter passes,
        its verdict taken from the tree cache's ``product`` for every file whose signature it
        holds: "prefilter" keeps True or False for each file of a walk; "index" keeps what a
        file gave the index, False for one the prefilter passed by (so a run that only needs
        the index, as a patch mail's, decodes no whole-tree table)."""
        table = self.cache.files(product)  # type: ignore[union-attr]
        hits = {path for path, _rel in listed if keep(path)}
        fresh: List[Tuple[str, str, Optional[cache.Signature]]] = []
        for path, rel, sig, value in table.lookup((p, r) for p, r in listed if p not in hits):
            if value is None:
                fresh.append((path, rel, sig))
            elif value is not False:
                hits.add(path)
        passed = {str(p) for p in prefilter([path for path, _rel, _sig in fresh], self.data.prefilter)}
        for path, rel, sig in fresh:
            hit = str(Path(path)) in passed  # "./x.c" comes back "x.c"
            if hit:
                hits.add(path)
            if not (hit and product == "index"):  # an indexed file's entry is its index facts
                table.put(rel, sig, hit)
        return hits

    def _forget_missing(self, rel_top: str, listed: set) -> None:
        """Drop the per-file entries of files under ``rel_top`` that the walk no longer finds."""
        assert self.cache is not None
        for product in lintcache.PRODUCTS:
            self.cache.files(product).drop_missing(rel_top, listed)

    def _always_read(self, listed: Iterable[Tuple[str, str]]) -> Callable[[str], bool]:
        """Of (path, relpath) pairs, the paths to read whatever names they hold: arch-neutral
        files, where HV106 judges `#if` lines and HV102 x86 names (`rdmsrl()`, `MSHV_*`) that
        the byte prefilter's Hyper-V needles would not find. The literal heads of the neutral
        globs screen out the rest of a 55,000-file tree before any glob is matched."""
        heads = self._neutral_heads
        return {p for p, rel in listed if rel.startswith(heads) and self.path_class(rel) == "neutral"}.__contains__

    @functools.cached_property
    def _neutral_heads(self) -> Tuple[str, ...]:
        """What every arch-neutral path starts with: each neutral glob up to its first wildcard."""
        return tuple(re.split(r"[*?\[]", glob, maxsplit=1)[0] for glob in self.classifier.sets["neutral"].patterns)

    def prepare(self, paths: Iterable[Path] = (), progress: Optional[Progress] = None) -> List[InputProblem]:
        """Build the symbol index from the tree's index roots and ``paths`` (once).

        Index-root files whose stat signature matches the tree cache are taken from it
        without being read; the rest are read and scanned, and stored for the next run.
        """
        problems: List[InputProblem] = []
        todo: List[Path] = []
        if self.root is not None and not self.prepared:
            todo = self._prepare_tree()
        explicit = {str(Path(p)) for p in paths}
        self._index_paths.update(self.relpath(Path(p)) for p in paths)
        todo += [Path(p) for p in paths]
        unique = list(dict.fromkeys(todo))
        for n, path in enumerate(unique, 1):
            if str(path) in explicit:  # read whatever the cache holds: its problems are reported
                problem = self._index_path(path, tree=True)
                if problem is not None:
                    problems.append(problem)
            elif not self._restore_index(self.relpath(path), cache.signature(str(path)) if self.cache else None):
                self._index_path(path, tree=True)
            if progress is not None:
                progress(n, len(unique))
        self.prepared = True
        if self.settings.rule_enabled("HV102", self.data.rule("HV102").type, False):
            self.decls.build(self.cache)
        return problems

    def _prepare_tree(self) -> List[Path]:
        """Index-root files still to read; the rest come from the cache."""
        assert self.root is not None
        direct: List[Tuple[str, str]] = []  # index roots that are files: always indexed
        walked: List[Tuple[str, str]] = []  # files under index-root folders: prefiltered
        for sub in self.data.index_roots:
            top = self.root / sub
            if any(w == "" or sub == w or sub.startswith(w + "/") for w in self._walked):
                continue  # linted in this run anyway
            if top.is_dir():
                found = list(list_files(top, sub, self.data.suffixes, self.classifier.sets["exclude"].matches))
                self._relpaths.update(found)
                walked += found
                if self.cache is not None:
                    self.cache.files("index").drop_missing(sub, {rel for _path, rel in found})
            elif top.is_file():
                direct.append((str(top), sub))
        keep = self._always_read(walked)
        if self.cache is None:
            hits = {str(p) for p in prefilter([path for path, _rel in walked], self.data.prefilter, keep=keep)}
        else:
            hits = self._cached_hits(walked, keep, "index")
        hits.update(path for path, _rel in direct)
        return [Path(path) for path, _rel in direct + walked if path in hits]

    def save_cache(self) -> None:
        """Write what this run learnt about the tree (index, Kconfig) to the tree cache."""
        if self.cache is not None:
            self.cache.save()

    def set_overlay(self, relpath: str, text: Optional[str]) -> None:
        """Use ``text`` for ``relpath`` instead of the disk (None: back to the disk)."""
        if text is None:
            self._overlays.pop(relpath, None)
            self._indexed_digest.pop(relpath, None)
            self.decls.set_overlay(relpath, None, frozenset())
            disk = self.root / relpath if self.root is not None else None
            if disk is not None and disk.is_file() and relpath in self._tree_paths:
                source = read_source(disk)
                if source.text is not None:
                    self._index_scan(self.scan_text(relpath, source.text), tree=True)
                    return
            self.index.remove_file(relpath)
            self._input_evidence.pop(relpath, None)
            return
        self._overlay_scan(relpath, text)

    def set_build_overlay(self, relpath: str, text: Optional[str]) -> None:
        """Use ``text`` for a Makefile, Kbuild or Kconfig file (None: deleted) when deciding
        which arch a file is built for (a patch that adds a file and its build rule)."""
        builds = self.series_builds()
        if builds is not None:
            builds.set_overlay(relpath, text)

    def series_builds(self) -> Optional[BuildClasses]:
        """Where a patch series' build files go: the tree's build classes or, without a
        tree, ones that know only what the series brings (None with Kconfig off). The
        caller changes them, so answers stored for the tree no longer hold."""
        if self.builds is None and self.root is None and self.settings.use_kconfig:
            self.builds = BuildClasses(None, Kconfig(None, self.data.kconfig_arch))
            self._build_answers = CachedBuilds(self.builds, None, Path())
        if self._build_answers is not None:
            self._build_answers.overlaid = True
        return self.builds

    def _overlay_scan(self, relpath: str, text: str) -> ScannedFile:
        """``set_overlay`` that hands back the scan (one hash and one scan per keystroke)."""
        self._overlays[relpath] = text
        sf = self.scan_text(relpath, text)
        self._index_scan(sf, tree=False)
        return sf

    def forget(self, relpath: str) -> None:
        """Drop a file from the index and caches (deleted on disk)."""
        self._overlays.pop(relpath, None)
        self._scans.pop(relpath, None)
        self._indexed_digest.pop(relpath, None)
        self._evidence.pop(relpath, None)
        self._input_evidence.pop(relpath, None)
        self._tree_paths.discard(relpath)
        self._own_decls.pop(relpath, None)
        self.decls.set_overlay(relpath, None, frozenset())
        self.index.remove_file(relpath)

    # -- scheme ---------------------------------------------------------------------------

    @property
    def scheme(self) -> SchemeChoice:
        """The scheme in force (``auto`` decided from the tree, then the input)."""
        if self.settings.scheme != "auto":
            return SchemeChoice(self.settings.scheme, f"set by {self.settings.scheme_source}")
        if self._scheme is None or self._scheme[0] != self.index.generation:
            self._scheme = (self.index.generation, self._choose_scheme())
        return self._scheme[1]

    def _choose_scheme(self) -> SchemeChoice:
        empty: Counter = Counter()
        tree = schemes.Facts.of(counts - self._held.get(path, empty) for path, counts in self._evidence.items())
        if self._series_evidence is not None:
            label, counts = self._series_evidence
            given = schemes.Facts.of([counts])
        else:
            label, given = "the input", schemes.Facts.of(self._input_evidence.values())
        where = "its Hyper-V headers and core code (index_roots of rules/paths.toml)" if self.root else None
        return schemes.choose(tree, given, label, self.data, where)

    # -- linting --------------------------------------------------------------------------

    def lint_text(self, relpath: str, text: str) -> FileResult:
        """Lint ``text`` as the file ``relpath``; its definitions join the index."""
        return self._lint_scanned(self._overlay_scan(relpath, text))

    def _lint_scanned(self, sf: ScannedFile) -> FileResult:
        relpath = sf.path
        problems = [InputProblem(relpath, p) for p in sf.problems]
        cls = self.path_class(relpath)
        if cls == "exclude":
            return FileResult([], problems, sf.line_count)
        ctx = self.file_context(sf)
        findings: List[Finding] = []
        for rule in self.data.rules:
            check = CHECKS.get(rule.code)
            if check is None or not self.settings.rule_enabled(rule.code, rule.type, rule.strict_only):
                continue
            if self.settings.ignored_at(relpath, rule.code, rule.type):
                continue
            findings.extend(check(ctx))
        findings = _dedupe(findings)
        sups = suppress.find_suppressions(sf, self.data) if "hvlint-ignore" in sf.text else []
        if sups:
            findings, unused = suppress.apply(findings, sups)
            findings += self._unused_suppressions(ctx, unused)
        findings.sort(key=Finding.sort_key)
        return FileResult(findings, problems, sf.line_count, ctx.notes)

    def file_context(self, sf: ScannedFile, kconfig_for_any: bool = False) -> FileContext:
        """What the rules know about ``sf``: its class, index, scheme and, for a shared file
        (any file not under an arch, with ``kconfig_for_any``), the arch Kconfig builds it for."""
        cls = self.path_class(sf.path)
        wants_build = cls not in ("x86", "arm64") if kconfig_for_any else cls == "neutral"
        return FileContext(
            file=sf, path_class=cls, build_arch=self.build_arch(sf.path) if wants_build else None,
            index=self.index, resolver=self.resolver, scheme=self.data.schemes[self.scheme.name],
            data=self.data, strict=self.settings.strict, arch_symbols=self.arch_symbols,
            tree_known=self.root is not None, scheme_established=self.scheme.established,
            declarations=self.decls, own_declarations=lambda: self.file_declarations(sf),
            config_possible=self.builds.kconfig.possible if self.builds is not None else None,
        )

    def _unused_suppressions(self, ctx: FileContext, unused: List[suppress.Suppression]) -> List[Finding]:
        rule = self.data.rule("HV100")
        if not self.settings.rule_enabled(rule.code, rule.type, rule.strict_only):
            return []
        out = []
        for s in unused:
            if s.unknown:
                out.append(ctx.finding(rule, s.offset, s.text, rule.message("unknown", names=", ".join(s.unknown))))
                continue
            # A suppression for a rule that is switched off in this run is not stale.
            names = sorted(n for n in s.names if n.startswith("HV"))
            if all(self.settings.rule_enabled(n, self.data.rule(n).type, False) for n in names):
                out.append(ctx.finding(rule, s.offset, s.text, rule.message("unused", names=s.text)))
        return out

    def lint_paths(self, paths: Sequence[Path], progress: Optional[Progress] = None, reuse: bool = False) -> LintResult:
        """Lint files and directories (walked for C files that can matter).

        ``reuse``: give the findings the tree cache holds for a walked file whose bytes and
        context are unchanged, without reading it (the command line; front ends that go on
        to use the scans, as the gate and --fix do, leave it off)."""
        result = LintResult()
        files: List[Path] = []
        for path in paths:
            path = Path(path)
            if path.is_dir():
                files += self.candidate_files(path)
                rel = self.relpath(path)
                self._walked.append("" if rel in (".", "") else rel)
            elif path.exists() or path.is_symlink():
                if path.suffix in self.data.suffixes or not path.is_file():
                    files.append(path)
                else:
                    result.problems.append(InputProblem(str(path), "not a C source or header (.c, .h), not checked"))
            else:
                result.problems.append(InputProblem(str(path), "no such file or directory"))
        self.prepare(progress=None)
        lints = self.cache.files("lint") if reuse and self.cache is not None else None
        # (relpath, scan or None when the cache holds the file's report, signature, stored report)
        texts: List[Tuple[str, Optional[ScannedFile], Optional[cache.Signature], object]] = []
        for path in files:
            relpath = self.relpath(path)
            if self.path_class(relpath) == "exclude" and not any(Path(p) == path for p in paths):
                continue
            walked = path in self._walked_files
            sig = cache.signature(str(path)) if self.cache is not None and walked else None  # before reading
            stored = lints.get(relpath, sig) if lints is not None else None
            known, problem = lintcache.read_problem(stored)
            if known and self._restore_index(relpath, sig):
                if problem:
                    result.problems.append(InputProblem(relpath, problem))
                texts.append((relpath, None, sig, stored))
                continue
            sf = self._read_and_index(path, relpath, result.problems)
            if sf is not None:
                if walked:
                    self._remember_index(sf, sig)
                texts.append((relpath, sf, sig, None))
        context = self._lint_context() if lints is not None else ""
        linted: List[Tuple[str, ScannedFile, Optional[cache.Signature], FileResult]] = []
        for n, (relpath, sf, sig, stored) in enumerate(texts, 1):
            sf, res = self._lint_again(relpath, sf, stored, context)
            if sf is not None:
                linted.append((relpath, sf, sig, res))
            result.findings += res.findings
            result.problems += res.problems
            result.notes += res.notes
            result.files_checked += 1
            result.lines_checked += res.lines
            if progress is not None:
                progress(n, len(texts))
        result.findings.sort(key=Finding.sort_key)
        self._store_lints(lints, linted)
        self.save_cache()
        return result

    def lint_build(self, path: Path, build: Optional[BuildMacros]) -> LintResult:
        """Lint one file as one build compiles it (kbuild's checker): the tree's index and
        scheme as a plain run of the file has them, each ``#if`` judged with ``build``'s
        macros on its arch (the other arches as ever: the file stays shared code)."""
        result = LintResult()
        self.prepare()
        relpath = self.relpath(path)
        sf = self._read_and_index(path, relpath, result.problems)
        if sf is None:
            return result
        if build is not None:  # the same text, its #if lines judged with this build's macros
            sf = scan(relpath, sf.text, ConditionEvaluator(self.arch_symbols, build))
        res = self._lint_scanned(sf)
        result.findings, result.notes = res.findings, res.notes
        result.problems += res.problems
        result.files_checked, result.lines_checked = 1, res.lines
        self.save_cache()
        return result

    def _read_and_index(self, path: Path, relpath: str, problems: List[InputProblem]) -> Optional[ScannedFile]:
        """Read, scan and index one file to lint (None when it cannot be read as C)."""
        source = read_source(path)
        if source.problem:
            problems.append(InputProblem(relpath, source.problem))
        if source.text is None:
            return None
        self._read_problems[relpath] = source.problem
        sf = self.scan_text(relpath, source.text)
        self._index_scan(sf, tree=self.root is not None)
        return sf

    def _lint_again(
        self, relpath: str, sf: Optional[ScannedFile], stored: object, context: str
    ) -> Tuple[Optional[ScannedFile], FileResult]:
        """(the scan, None when the tree cache answered; the report of one file): the cache's
        when it was made in ``context``, else the file linted (read again if need be)."""
        if sf is None:
            found = lintcache.decode(relpath, stored, context)
            if found is not None:
                self._from_cache[relpath] = found.source_lines
                return None, FileResult(found.findings, found.problems, found.lines, found.notes)
            sf = self._read_and_index(self.root / relpath, relpath, [])  # type: ignore[operator]
            if sf is None:  # gone since the walk: nothing to report but what was noted
                return None, FileResult([], [], 0)
        return sf, self._lint_scanned(sf)

    def _lint_context(self) -> str:
        """A digest of all that a file's findings rest on besides its bytes and build files:
        the settings, the scheme (not why: no rule sees that), the whole symbol index and the
        declaration index's answers (HV102)."""
        scheme = self.scheme
        kconfig = self._build_answers.kconfig_state() if self._build_answers is not None else None
        decls = self.decls.fingerprint() if self.decls.built else None
        return hashlib.blake2b(
            repr((self.settings, scheme.name, scheme.established, self.index.fingerprint(), kconfig, decls))
            .encode("utf-8", "surrogateescape"),
            digest_size=16,
        ).hexdigest()

    def _store_lints(self, lints: Optional[cache.FileTable], linted: list) -> None:
        """Keep the reports of the files linted in this run for the next one. A shared .c
        file's report rests on the tree's Kconfig too: kept only when Kconfig could be."""
        if lints is None or self.cache is None or self.root is None:
            return
        shared = [rel for rel, _sf, _sig, _res in linted if self._needs_build(rel)]
        kconfig = self._build_answers.fingerprint() if self._build_answers is not None and shared else None
        context = self._lint_context()  # with the Kconfig fingerprint now stored
        for relpath, sf, sig, res in linted:
            deps = None
            if relpath in shared:
                deps = build_deps(str(self.root), relpath) if kconfig is not None else None
                if deps is None:
                    lints.drop(relpath)
                    continue
            lines = {f.line: sf.line_text(f.line) for f in res.findings}
            lints.put(relpath, sig, lintcache.encode(
                context, self._read_problems.get(relpath), res.lines, res.findings, res.problems, res.notes, lines, deps))

    def _needs_build(self, relpath: str) -> bool:
        """Whether a file's findings depend on which arch the tree's build files build it for."""
        return (self.builds is not None and self.path_class(relpath) == "neutral"
                and not relpath.startswith("arch/") and relpath.endswith(".c"))

    def scanned_paths(self) -> List[str]:
        """Root-relative paths scanned so far (linted or indexed), and those whose report
        came from the tree cache."""
        return list(dict.fromkeys([*self._scans, *self._from_cache]))

    def scanned(self, relpath: str) -> Optional[ScannedFile]:
        """The last scan of ``relpath``, if any."""
        cached = self._scans.get(relpath)
        return cached[1] if cached else None

    def run_notes(self, no_root: str) -> List[str]:
        """What -v says first: the root (``no_root`` when there is none), the scheme and why,
        and the tree cache used."""
        return [
            f"root: {self.root or no_root}",
            f"scheme: {self.scheme.name} ({self.scheme.reason})",
            f"tree cache: {self.cache.describe() if self.cache else 'off'}",
        ]

    def line_text(self, relpath: str, line: int) -> str:
        """A line of the last scan of ``relpath`` ("" when it was not scanned)."""
        sf = self.scanned(relpath)
        if sf is not None:
            return sf.line_text(line)
        return self._from_cache.get(relpath, {}).get(line, "")

    def file_notes(self, relpath: str) -> List[str]:
        """Verbose facts about a file: its class and, when Kconfig decides, why."""
        cls = self.path_class(relpath) or "other"
        notes = [f"{relpath}: class {cls}"]
        build = self.build_arch(relpath) if cls == "neutral" else None
        if build:
            notes.append(f"{relpath}: treated as {build[0]} code for HV102/HV104 ({build[1]}); still shared code for HV103")
        undecided = self._build_answers.answer(relpath)[1] if self._build_answers is not None and cls == "neutral" else None
        if undecided:
            notes.append(f"{relpath}: {undecided}")
        return notes


def _dedupe(findings: List[Finding]) -> List[Finding]:
    seen = set()
    out = []
    for f in findings:
        key = (f.line, f.column, f.code, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
