"""hvlint's language server (pygls): diagnostics as you type, rule docs on hover, quick fixes.

Threads. Every LSP message is read, answered and sent on pygls' asyncio loop. A Linter is
only ever used by one worker thread (``_lint_pool``), so it never sees two calls at once; the
tree's index is built on a second thread into a Linter nobody else touches yet, and handed over
by a job on the lint thread. Until then documents are linted by a Linter without a tree (the
rules that need none), so the editor gets diagnostics at once and never waits for the index.

Overlays. An open document's text replaces the file on disk in the index
(``Linter.set_overlay``); when a header's text changes, the other open documents are linted
again, because an unsaved edit to a header changes what the files using it mean. Files that
change on disk (``workspace/didChangeWatchedFiles``) are read again into the index the same way.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from hvlint import __version__, ruledata
from hvlint.tree import walk
from hvlint.config import (
    CONFIG_NAME,
    ConfigError,
    Settings,
    find_config,
    load_settings,
    with_options,
)
from hvlint.engine import Linter, find_root
from hvlint.findings import Finding
from hvlint.lsp.convert import (
    EditorOptions,
    Lines,
    add_path_ignore,
    code_occurrences,
    covers,
    hover_markdown,
    overlaps,
    parse_options,
    replacements,
    resolve_config_path,
    text_edits,
    to_diagnostic,
)
from hvlint.lsp.fixes import is_defined, needed_arches, plan_rename
from hvlint.lsp.rpc import HvlintProtocol, document_key

log = logging.getLogger("hvlint.lsp")

DEBOUNCE_MS = 200
# A change on disk to one of these means "build the index again" (build gating, tree layout).
_REBUILD_NAMES = ("Kconfig", "Makefile", "Kbuild")
_WATCH_GLOBS = ("**/*.c", "**/*.h", f"**/{CONFIG_NAME}", "**/Kconfig*", "**/Makefile", "**/Kbuild")
IGNORE_COMMAND = "hvlint.ignoreInFile"
RENAME_COMMAND = "hvlint.renameInTree"


class Engine:
    """The server's view of hvlint's engine for one workspace and one set of settings.

    ``tree`` is the Linter of the kernel tree (None outside one); it is used once ``build``
    and ``activate`` ran. ``bare`` has no tree and answers meanwhile, and for files outside it.
    Apart from ``build`` (index thread, before activation), every method runs on the lint thread.
    """

    def __init__(self, root: Optional[Path], settings: Settings, rules: ruledata.RuleData) -> None:
        self.root = root.resolve() if root is not None else None
        self.settings = settings
        self.rules = rules
        self.config_file = Path(settings.config_file).resolve() if settings.config_file else None
        self.tree = Linter(settings, self.root, rules) if self.root is not None else None
        self.bare = Linter(settings, None, rules)
        self.ready = False
        self._buffers: Dict[str, str] = {}  # relpath -> open editor buffer
        self._disk: Dict[str, Path] = {}  # relpath -> file changed on disk before activation
        self._candidates: Optional[List[Path]] = None  # see candidates()
        self._candidates_lock = threading.Lock()

    @classmethod
    def create(
        cls, folder: Optional[Path], options: EditorOptions, rules: ruledata.RuleData
    ) -> "Engine":
        """An Engine for the tree around ``folder`` with the settings of ``setup``."""
        return cls(*cls.setup(folder, options, rules), rules)

    @staticmethod
    def setup(
        folder: Optional[Path], options: EditorOptions, rules: ruledata.RuleData
    ) -> Tuple[Optional[Path], Settings]:
        """The tree root around ``folder`` (resolved; None outside a tree) and the settings: the
        config file (``configPath``, else the nearest ``.hvlint.toml``), then the editor's on top.

        Raises ``hvlint.config.ConfigError`` for a config file or setting that cannot be used.
        """
        root = find_root([folder]) if folder is not None else None
        config = resolve_config_path(options, folder)
        if config is not None and not config.is_file():
            raise ConfigError(f"configPath {config}: no such config file")
        if config is None and folder is not None:
            config = find_config(folder)
        settings = with_options(
            load_settings(config, rules),
            rules,
            scheme=options.scheme,
            scheme_source="the editor's settings",
            strict=options.strict,
            ignore=options.ignore or (),
        )
        return (root.resolve() if root is not None else None), settings

    def rel(self, path: Optional[Path]) -> Optional[str]:
        """``path`` relative to the tree root (posix), or None outside the tree."""
        if path is None or self.root is None:
            return None
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def build(self, progress: Callable[[int, int], None]) -> None:
        """Build the tree's index and Kconfig classes (index thread, before ``activate``)."""
        if self.tree is None:
            return
        self.tree.prepare(progress=progress)
        # Kconfig is read on the first question about a shared .c file: ask it here, not on
        # the first keystroke.
        for rel in list(self._buffers):
            if rel.endswith(".c") and self.tree.path_class(rel) == "neutral":
                self.tree.build_arch(rel)
        self.tree.save_cache()

    def activate(self) -> None:
        """Give the built index what the editor and the disk changed meanwhile; use it now on."""
        if self.tree is not None:
            for rel, path in self._disk.items():
                if rel not in self._buffers:
                    self._reread(rel, path)
            for rel, text in self._buffers.items():
                self.tree.set_overlay(rel, text)
        self._disk.clear()
        self.ready = True

    def lint(self, path: Optional[Path], name: str, text: str) -> List[Finding]:
        """Findings for ``text``, the editor's buffer of ``path`` (``name`` when it has no path).

        Linting a tree file also makes ``text`` its overlay in the index, so a header's buffer
        counts for the files that use it from here on.
        """
        if "\0" in text:
            log.info("%s: binary (NUL bytes), not checked", name)
            return []
        rel = self.rel(path)
        if rel is not None:
            self._buffers[rel] = text
        if rel is not None and self.ready and self.tree is not None:
            result = self.tree.lint_text(rel, text)
            self.tree.save_cache()  # Kconfig read for this file's class (a no-op when nothing new)
        else:
            key = rel or (path.as_posix() if path is not None else name)
            result = self.bare.lint_text(key, text)
        for problem in result.problems:
            log.info("%s", problem)
        return result.findings  # sorted by the Linter already

    def defined_elsewhere(self, name: str, path: Optional[Path]) -> bool:
        """Whether a tree file other than ``path`` defines ``name`` too (the index must be ready)."""
        here = self.rel(path)
        return self.tree is not None and any(
            not d.builtin and d.path != here for d in self.tree.index.definitions(name)
        )

    def candidates(self) -> List[Path]:
        """The tree's C files that name Hyper-V things (--fix's walk), kept until a file
        changes on disk. Any thread: the walk only reads, and runs once at a time."""
        with self._candidates_lock:
            if self._candidates is None and self.tree is not None and self.root is not None:
                self._candidates = list(self.tree.candidate_files(self.root))
            return list(self._candidates or [])

    def open_buffers(self) -> Dict[str, str]:
        """The open editor buffers of tree files: root-relative path -> text."""
        return dict(self._buffers)

    def buffer(self, path: Optional[Path], text: Optional[str]) -> None:
        """An open buffer's text (None: closed, the file on disk counts again)."""
        rel = self.rel(path)
        if rel is None or path is None:
            return
        if text is None:
            self._buffers.pop(rel, None)
            if self.ready and self.tree is not None:
                self.tree.set_overlay(rel, None)
            return
        if self._buffers.get(rel) == text or "\0" in text:
            return
        self._buffers[rel] = text
        if self.ready and self.tree is not None:
            self.tree.set_overlay(rel, text)

    def disk_changed(self, path: Path) -> None:
        """A tree file was created, changed or deleted on disk (open buffers keep precedence)."""
        rel = self.rel(path)
        if rel is None or rel in self._buffers or self._excluded(rel):
            return
        with self._candidates_lock:
            self._candidates = None  # a file may have started or stopped naming Hyper-V things
        if not self.ready:
            self._disk[rel] = path
        elif self.tree is not None:
            self._reread(rel, path)

    def _reread(self, rel: str, path: Path) -> None:
        assert self.tree is not None
        if path.is_file():
            self.tree.prepare([path])  # prepared already: indexes just this file, from disk
        else:
            self.tree.forget(rel)

    def affects_others(self, path: Optional[Path]) -> bool:
        """Whether a change to ``path`` can change the findings of other files (a tree header)."""
        return path is not None and path.suffix == ".h" and self.rel(path) is not None

    def is_config(self, path: Path) -> bool:
        """Whether ``path`` is (or may become) the config file in use."""
        return path.name == CONFIG_NAME or (
            self.config_file is not None and path.resolve() == self.config_file
        )

    def defines(self, text: str, name: str) -> bool:
        """Whether ``text`` defines ``name`` (a ``#define`` or an enum constant)."""
        sf = self.bare.scan_text("<buffer>", text)
        return any(d.name == name for d in sf.defines) or any(e.name == name for e in sf.enums)

    def users(self, name: str, definer: Optional[Path]) -> List[Path]:
        """Files of the tree that use ``name`` as defined in ``definer`` (a word that starts with
        it: the rename edits only the whole word, in code, and skips comments and strings).

        When other files define the same name too (``HV_REGISTER_SCONTROL`` is an x86 MSR in
        one header and an arm64 VP register in another), only files that see this definition
        are kept: those of its arch, and none that define the name themselves.
        """
        if self.root is None or self.tree is None:
            return []
        found = self._files_naming(name)
        here = self.rel(definer)
        defs = (
            [d for d in self.tree.index.definitions(name) if not d.builtin] if self.ready else []
        )
        others = {d.path for d in defs if d.path != here}
        if others:
            arches = frozenset().union(*(d.arches for d in defs if d.path == here))
            kept = []
            for rel in found:
                cls = self.tree.path_class(rel) if rel not in others else None
                if cls in arches and cls in ("x86", "arm64"):
                    kept.append(rel)
            found = kept
        return [self.root / rel for rel in found]

    def _files_naming(self, name: str) -> List[str]:
        """Root-relative paths of the tree's sources where a word starts with ``name``.

        hvlint's own walk and byte prefilter, skipping the Linter's ``foreign`` paths (excluded,
        or user space such as tools/ with definitions of its own).
        """
        assert self.root is not None and self.tree is not None
        linter = self.tree
        listed = dict(walk.list_files(self.root, "", linter.data.suffixes, linter.foreign.matches))
        return [listed[str(p)] for p in walk.prefilter(list(listed), [name])]

    def _excluded(self, rel: str) -> bool:
        """Excluded by rules/paths.toml or the config's ``[paths] exclude`` (the Linter's globs)."""
        return self.tree is not None and self.tree.classifier.sets["exclude"].matches(rel)

    def describe(self) -> str:
        """One line about the context: tree, files indexed, scheme."""
        linter = self.tree if self.ready and self.tree is not None else self.bare
        where = (
            f"{self.root} ({len(linter.index.files())} files define names)"
            if self.root
            else "no kernel tree"
        )
        return f"{where}, scheme {linter.scheme.name}"


def read_source(path: Path) -> Optional[str]:
    """A source file's text as the engine reads it, or None when it cannot be read."""
    return walk.read_source(path).text


def to_path(uri: str) -> Optional[Path]:
    """The local path of a file: URI."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


@dataclass
class OpenDoc:
    """What the server knows of one open document: its path and its last published findings."""

    uri: str
    path: Optional[Path]
    findings: List[Finding] = field(default_factory=list)
    lines: Lines = field(default_factory=lambda: Lines(""))
    version: Optional[int] = None


class HvlintLanguageServer(LanguageServer):
    """The server object; the LSP handlers are registered on it by ``create_server``."""

    def __init__(self) -> None:
        super().__init__("hvlint", __version__, protocol_cls=HvlintProtocol)
        self.rules = ruledata.load()
        self.engine: Optional[Engine] = None
        self.options = EditorOptions()
        self.docs: Dict[str, OpenDoc] = {}
        self.clean_exit = False
        self._timers: Dict[str, asyncio.TimerHandle] = {}
        self._lint_pool = ThreadPoolExecutor(1, thread_name_prefix="hvlint-lint")
        self._index_pool = ThreadPoolExecutor(1, thread_name_prefix="hvlint-index")
        self._generation = 0
        self._progress_seq = 0
        self._tasks: "set[asyncio.Future[Any]]" = set()
        self._planned: Dict[Tuple[Any, ...], Any] = {}  # the last --fix plan of a quick fix
        self._changes = 0  # buffers and files changed so far (a plan is made for one state)
        self._stopped = False  # shut down: no more jobs

    # ---- small helpers -------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        """The position encoding agreed with the client."""
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def log_to_client(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """Log to the server log and, as window/logMessage, to the editor."""
        log.log(
            logging.WARNING if kind <= types.MessageType.Warning else logging.INFO, "%s", message
        )
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=f"hvlint: {message}"))
        except Exception:  # the client may be gone; the log line above is enough
            pass

    def spawn(self, coro: Any) -> None:
        """Run a coroutine in the background, holding on to it until it is done."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def in_lint_thread(self, job: Callable[[], Any]) -> Any:
        """Run ``job`` on the lint thread (the only thread that uses an activated Linter)."""
        return await asyncio.get_running_loop().run_in_executor(self._lint_pool, job)

    def on_lint_thread(self, what: str, job: Callable[[], Any]) -> None:
        """Queue ``job`` on the lint thread without waiting; failures are logged."""
        try:
            future = self._lint_pool.submit(job)
        except RuntimeError:  # shutting down
            return
        future.add_done_callback(_log_failure(what))

    def text_of(self, uri: str) -> Optional[str]:
        """The editor's text of an open document."""
        doc = self.workspace.text_documents.get(document_key(uri))
        return None if doc is None else doc.source

    def version_of(self, uri: str) -> Optional[int]:
        """The editor's version of an open document."""
        doc = self.workspace.text_documents.get(document_key(uri))
        return None if doc is None else doc.version

    def is_c_document(self, uri: str, language_id: Optional[str]) -> bool:
        """C sources and headers (by suffix, or the editor's language id for unnamed buffers)."""
        name = uri.rsplit("/", 1)[-1]
        if name.endswith(tuple(self.rules.suffixes)):
            return True
        return "." not in name and language_id == "c"

    def workspace_root(self) -> Optional[Path]:
        """The first workspace folder (or rootUri) as a local directory."""
        ws = self.workspace
        uris = [f.uri for f in ws.folders.values()] or ([ws.root_uri] if ws.root_uri else [])
        for uri in uris:
            path = to_fs_path(uri)
            if path and Path(path).is_dir():
                return Path(path)
        return None

    # ---- settings and the index ----------------------------------------------------------

    def configure(self, options: EditorOptions, force: bool = False) -> bool:
        """Take editor settings (and the config file): a new Engine, indexed in the background.

        When the tree and the settings come out as they are, the Engine and its index stay,
        unless ``force`` (the build files changed: Kconfig decides which arch a file is).
        Returns whether a new Engine was made.
        """
        current = self.engine
        try:
            root, settings = Engine.setup(self.workspace_root(), options, self.rules)
            if (
                not force
                and current is not None
                and current.root == root
                and current.settings == settings
            ):
                self.options = options
                log.info("settings unchanged: the index stays")
                return False
            engine = Engine(root, settings, self.rules)
        except Exception as exc:  # a bad config file or setting must not stop the server
            self.log_to_client(f"settings not applied: {exc}", types.MessageType.Error)
            if current is not None:
                return False
            engine = Engine.create(None, EditorOptions(), self.rules)
        self.options = options
        self.engine = engine
        for uri, doc in self.docs.items():
            engine.buffer(doc.path, self.text_of(uri))
        self._generation += 1
        self.spawn(self._index(engine, self._generation))
        self.relint_all()
        return True

    async def _index(self, engine: Engine, generation: int) -> None:
        if engine.tree is None:
            engine.ready = True
            self.log_to_client("no kernel tree: the rules that need none", types.MessageType.Info)
            return
        token = await self._progress_begin(f"hvlint: indexing {engine.root}")
        loop = asyncio.get_running_loop()
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if token is None or total <= 0 or now - last[0] < 0.1:
                return
            last[0] = now
            pct = min(100, int(100 * done / total))
            loop.call_soon_threadsafe(self._progress_report, token, f"{done}/{total} files", pct)

        started = time.monotonic()
        try:
            await loop.run_in_executor(self._index_pool, engine.build, report)
            if generation == self._generation:
                await self.in_lint_thread(engine.activate)
        except Exception as exc:
            if self._stopped:
                return  # shut down meanwhile: the pools refuse new jobs
            log.exception("index build failed")
            self.log_to_client(f"index not built: {exc}", types.MessageType.Error)
            self._progress_end(token, "failed")
            return
        if generation != self._generation:
            self._progress_end(token, "superseded by new settings")
            return
        took = time.monotonic() - started
        summary = await self.in_lint_thread(engine.describe)
        self._progress_end(token, f"{summary} ({took:.1f}s)")
        self.log_to_client(f"index ready: {summary} in {took:.1f}s", types.MessageType.Info)
        self.relint_all()
        # The walk a --fix-planned quick fix needs, done now on the idle index thread.
        try:
            walk_done = self._index_pool.submit(engine.candidates)
        except RuntimeError:  # shutting down
            return
        walk_done.add_done_callback(_log_failure("the tree walk"))

    async def _progress_begin(self, title: str) -> Optional[str]:
        caps = self.client_capabilities.window
        if not (caps and caps.work_done_progress):
            return None
        self._progress_seq += 1
        token = f"hvlint-index-{self._progress_seq}"
        try:
            await self.work_done_progress.create_async(token)
        except Exception as exc:
            log.info("client refused a progress token: %s", exc)
            return None
        self.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, percentage=0))
        return token

    def _progress_report(self, token: str, message: str, percentage: int) -> None:
        self.work_done_progress.report(
            token, types.WorkDoneProgressReport(message=message, percentage=percentage)
        )

    def _progress_end(self, token: Optional[str], message: str) -> None:
        if token is not None:
            self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))

    # ---- linting -------------------------------------------------------------------------

    def schedule(self, uri: str, delay: Optional[float] = None) -> None:
        """Lint ``uri`` after ``delay`` seconds (the debounce), replacing a lint already waiting."""
        self._changes += 1  # every change of a buffer, a file or the settings comes this way
        if self._stopped:
            return
        if delay is None:
            ms = self.options.debounce_ms
            delay = (DEBOUNCE_MS if ms is None else ms) / 1000
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if delay <= 0:
            self.spawn(self.lint(uri))
            return
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(delay, lambda: self.spawn(self.lint(uri)))

    def relint_all(self, except_uri: Optional[str] = None) -> None:
        """Lint every open document again (the index, a header or the settings changed)."""
        for uri in list(self.docs):
            if uri != except_uri:
                self.schedule(uri, 0)

    async def lint(self, uri: str) -> None:
        """Lint the current text of an open document and publish its diagnostics."""
        self._timers.pop(uri, None)
        doc = self.docs.get(uri)
        engine = self.engine
        text, version = self.text_of(uri), self.version_of(uri)
        if doc is None or engine is None or text is None:
            return

        def job() -> Optional[List[Finding]]:
            if self.version_of(uri) != version or self.engine is not engine:
                return None  # a newer text or newer settings are on their way
            started = time.perf_counter()
            findings = engine.lint(doc.path, uri, text)
            took = (time.perf_counter() - started) * 1000
            log.info("%s v%s: %d findings in %.1f ms", uri, version, len(findings), took)
            return findings

        try:
            findings = await self.in_lint_thread(job)
        except Exception as exc:  # never let one file take the server down
            if self._stopped:
                return  # shut down meanwhile: the pools refuse new jobs
            log.exception("linting %s failed", uri)
            self.log_to_client(f"could not lint {uri}: {exc}", types.MessageType.Error)
            return
        if findings is None or self.docs.get(uri) is not doc or self.version_of(uri) != version:
            return
        doc.findings, doc.lines, doc.version = findings, Lines(text), version
        self.publish(doc)

    def publish(self, doc: OpenDoc) -> None:
        """Send a document's diagnostics."""
        diagnostics = [to_diagnostic(f, doc.lines, self.encoding, self.rules) for f in doc.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=doc.uri, diagnostics=diagnostics, version=doc.version
            )
        )

    def buffer_changed(self, uri: str) -> None:
        """An open document changed: lint it after the debounce, and after it the open documents
        that may use it (a header). Its text reaches the index when it is linted, first."""
        engine, doc = self.engine, self.docs.get(uri)
        if engine is None or doc is None:
            return
        self.schedule(uri)
        if engine.affects_others(doc.path):
            for other in self.docs:
                if other != uri:
                    self.schedule(other)

    def files_changed(self, changes: Sequence[types.FileEvent]) -> None:
        """Files changed on disk: reload the config, rebuild the index, or read files again."""
        self._changes += 1
        engine = self.engine
        if engine is None:
            return
        rebuild = others = False
        for change in changes:
            fs_path = to_fs_path(change.uri)
            if not fs_path:
                continue
            path = Path(fs_path)
            if engine.is_config(path):
                self.log_to_client(f"{path} changed: settings reloaded", types.MessageType.Info)
                if self.configure(self.options, force=rebuild):
                    return  # a new Engine reads the tree afresh
                continue
            if path.name.startswith(_REBUILD_NAMES):
                rebuild = True
            elif change.uri not in self.docs and path.suffix in self.rules.suffixes:
                # An open document's buffer is what counts while it is open.
                self.on_lint_thread(f"reading {path}", lambda p=path: engine.disk_changed(p))
                others = others or engine.affects_others(path)
        if rebuild:
            self.configure(self.options, force=True)
        elif others:
            self.relint_all()

    # ---- client features -----------------------------------------------------------------

    async def register_watchers(self) -> None:
        """Ask the client to report changes on disk (workspace/didChangeWatchedFiles)."""
        ws = self.client_capabilities.workspace
        watched = ws.did_change_watched_files if ws else None
        if not (watched and watched.dynamic_registration):
            log.info(
                "the client cannot watch files; changes on disk are seen when a file is opened"
            )
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=g) for g in _WATCH_GLOBS]
        )
        registration = types.Registration(
            id="hvlint-watch",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        try:
            await self.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception as exc:
            log.info("file watching not registered: %s", exc)

    async def pull_configuration(self) -> None:
        """Ask for the ``hvlint`` section (clients that announce a change without the settings)."""
        ws = self.client_capabilities.workspace
        if not (ws and ws.configuration):
            self.configure(self.options)  # the config file may be what changed
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="hvlint")])
            )
        except Exception as exc:
            log.info("workspace/configuration failed: %s", exc)
            return
        raw = result[0] if result else None
        # No hvlint section: keep what the editor said at start; the config file may have changed.
        self.configure(self.options if raw is None else parse_options(raw, self.warn_setting))

    def warn_setting(self, message: str) -> None:
        """Tell the user about a setting that was not taken."""
        self.log_to_client(message, types.MessageType.Warning)

    def supports_resolve(self) -> bool:
        """Whether the client can resolve a code action's edit later (codeAction/resolve)."""
        td = self.client_capabilities.text_document
        ca = td.code_action if td else None
        return bool(ca and ca.resolve_support and "edit" in ca.resolve_support.properties)

    def workspace_edit(self, edits: Dict[str, List[types.TextEdit]]) -> types.WorkspaceEdit:
        """A WorkspaceEdit over several files, versioned for open documents when the client can."""
        ws = self.client_capabilities.workspace
        ws_edit = ws.workspace_edit if ws else None
        if ws_edit and ws_edit.document_changes:
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=self.version_of(uri)
                        ),
                        edits=list(file_edits),
                    )
                    for uri, file_edits in edits.items()
                ]
            )
        return types.WorkspaceEdit(changes=edits)

    def rename_edit(self, uri: str, name: str, new: str, everywhere: bool) -> types.WorkspaceEdit:
        """Replace ``name`` by ``new`` in code (not comments, strings): this file, or all users."""
        edits: Dict[str, List[types.TextEdit]] = {}
        text = self.text_of(uri) or ""
        edits[uri] = text_edits(text, code_occurrences(text, name), new, self.encoding)
        engine = self.engine
        if everywhere and engine is not None:
            for path in engine.users(name, to_path(uri)):
                other = from_fs_path(str(path))
                if other is None or other in edits:
                    continue
                content = self.text_of(other) if other in self.docs else read_source(path)
                spans = code_occurrences(content, name) if content else []
                if spans:
                    edits[other] = text_edits(content, spans, new, self.encoding)
        return self.workspace_edit({u: e for u, e in edits.items() if e})

    def rename_action(
        self, doc: OpenDoc, finding: Finding, diag: types.Diagnostic
    ) -> Optional[types.CodeAction]:
        """The "rename NAME to SUGGESTION" fix: this file, or the tree when NAME is defined here.

        Offered only once the tree's index can tell that SUGGESTION exists; when it does not
        exist yet, the fix is --fix's (the rename plus the missing definitions), or none.
        """
        text = self.text_of(doc.uri) or ""
        engine = self.engine
        if engine is None or not code_occurrences(text, finding.name):
            return None
        if not (engine.ready and engine.tree is not None and engine.rel(doc.path)):
            return None  # without the tree's index nobody knows whether SUGGESTION exists
        if not finding.suggestion and finding.code != "HV103":
            return None  # nothing to rename to (for a call, --fix knows the alias it takes)
        defined_here = engine.defines(text, finding.name)
        exists = bool(finding.suggestion) and is_defined(
            engine.tree, finding.suggestion or "", needed_arches(finding)
        )
        if defined_here:
            # A rename of this file's definition, in the tree: plain when the new name exists
            # nowhere and no other file defines the old one. Else --fix plans it: v6.1 keeps
            # "#define HV_X64_MSR_SCONTROL HV_REGISTER_SCONTROL" for arch code, which a plain
            # rename turns into a definition of itself, and renaming one arch's HV_REGISTER_X
            # while the other arch defines its own leaves shared code that uses it without the
            # name on this arch; --fix drops the duplicate and refuses while shared code uses it.
            plain = not exists and not engine.defined_elsewhere(finding.name, doc.path)
        else:
            # A rename of uses in this file: plain when the new name exists; else --fix plans
            # it with the definitions it needs (an alias in each arch header), or refuses.
            plain = exists
        if not plain:
            return self.planned_action(doc, finding, diag)
        # Across the tree when this file defines the name (the index tells who else does).
        everywhere = defined_here
        where = "in the tree" if everywhere else "in this file"
        action = types.CodeAction(
            title=f"hvlint: rename {finding.name} to {finding.suggestion} {where}",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diag],
            is_preferred=True,
        )
        args = {
            "uri": doc.uri,
            "name": finding.name,
            "new": finding.suggestion,
            "everywhere": everywhere,
        }
        if everywhere and self.supports_resolve():
            action.data = args  # the tree-wide search runs only when the user picks the action
        elif everywhere:  # same, for clients without codeAction/resolve: workspace/applyEdit
            action.command = types.Command(
                title=action.title,
                command=RENAME_COMMAND,
                arguments=[doc.uri, finding.name, finding.suggestion],
            )
        else:
            action.edit = self.rename_edit(doc.uri, finding.name, finding.suggestion, everywhere)
        return action

    def planned_action(
        self, doc: OpenDoc, finding: Finding, diag: types.Diagnostic
    ) -> Optional[types.CodeAction]:
        """The rename as --fix would make it (with the definitions SUGGESTION needs), or None."""
        engine = self.engine
        assert engine is not None and engine.tree is not None
        what = (finding.code, finding.name, finding.path)
        same = [f for f in doc.findings if (f.code, f.name, f.path) == what]
        # The plan depends on the document's text and on the tree: any buffer or file change
        # (self._changes) makes it again.
        key = (doc.uri, doc.version, finding.code, finding.name, id(engine), self._changes)
        planned = self._planned.get(key)
        if planned is None:
            buffers = engine.open_buffers()
            planned = plan_rename(engine.tree, buffers, same or [finding], engine.candidates())
            self._planned = {key: planned}  # one at a time: the latest question
        if isinstance(planned, str):
            log.info("no rename of %s: %s", finding.name, planned)
            return None
        new = planned.new_name(finding) or finding.suggestion
        if new is None:
            return None
        edits: Dict[str, List[types.TextEdit]] = {}
        for rel, (old_text, file_edits) in sorted(planned.files.items()):
            uri = doc.uri if rel == finding.path else from_fs_path(str(engine.root / rel))
            if uri is None:
                return None
            changes = [(e.start, e.end, e.new) for e in file_edits]
            edits[uri] = replacements(old_text, changes, self.encoding)
        return types.CodeAction(
            title=planned.title(finding.name, new),
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diag],
            is_preferred=True,
            edit=self.workspace_edit(edits),
        )

    def ignore_action(
        self, doc: OpenDoc, finding: Finding, diag: types.Diagnostic
    ) -> Optional[types.CodeAction]:
        """The "ignore TYPE for this file" fix: a per-path ignore in the config file (in a tree)."""
        engine = self.engine
        rel = engine.rel(doc.path) if engine is not None else None
        if engine is None or rel is None or engine.root is None:
            return None
        config = engine.config_file or (engine.root / CONFIG_NAME)
        title = f"hvlint: ignore {finding.type} for {rel} in {config.name}"
        action = types.CodeAction(
            title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diag]
        )
        current = config_text(config)
        new = add_path_ignore(current, rel, finding.type) if current is not None else None
        if new is None:
            return None
        config_uri = from_fs_path(str(config))
        whole_file = text_edits(current, [(0, len(current))], new, self.encoding)
        ws = self.client_capabilities.workspace
        ws_edit = ws.workspace_edit if ws else None
        can_create = bool(
            ws_edit
            and ws_edit.document_changes
            and ws_edit.resource_operations
            and types.ResourceOperationKind.Create in ws_edit.resource_operations
        )
        if config.exists():
            action.edit = self.workspace_edit({config_uri: whole_file})
        elif can_create:
            create = types.CreateFile(
                uri=config_uri, options=types.CreateFileOptions(ignore_if_exists=True)
            )
            action.edit = types.WorkspaceEdit(
                document_changes=[create, *self.workspace_edit({config_uri: whole_file}).document_changes]
            )
        else:
            action.command = types.Command(
                title=title, command=IGNORE_COMMAND, arguments=[str(config), rel, finding.type]
            )
        return action

    def shutdown_pools(self) -> None:
        """Stop the timers and worker threads (queued jobs are dropped)."""
        self._stopped = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._generation += 1
        self._lint_pool.shutdown(wait=False, cancel_futures=True)
        self._index_pool.shutdown(wait=False, cancel_futures=True)


def _log_failure(what: str) -> Callable[[Any], None]:
    def done(future: Any) -> None:
        if not future.cancelled() and future.exception() is not None:
            log.error("%s failed: %s", what, future.exception())

    return done


def config_text(config: Path) -> Optional[str]:
    """The config file's text ("" when there is none yet; None when it cannot be read, so
    it is never overwritten)."""
    return read_source(config) if config.exists() else ""


def write_ignore(config: Path, glob: str, type_: str) -> bool:
    """Add a per-path ignore to ``config`` on disk (for clients that cannot create files)."""
    current = config_text(config)
    new = add_path_ignore(current, glob, type_) if current is not None else None
    if new is None:
        return False
    config.write_text(new, encoding="utf-8")
    return True


def create_server() -> HvlintLanguageServer:
    """Build the server with its LSP features registered."""
    server = HvlintLanguageServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: HvlintLanguageServer, params: types.InitializeParams) -> None:
        ls.options = parse_options(params.initialization_options, lambda m: log.warning("%s", m))

    @server.feature(types.INITIALIZED)
    async def initialized(ls: HvlintLanguageServer, params: types.InitializedParams) -> None:
        ls.configure(ls.options)
        await ls.register_watchers()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: HvlintLanguageServer, params: None) -> None:
        ls.clean_exit = True
        ls.shutdown_pools()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: HvlintLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        if not params.settings:
            await ls.pull_configuration()
        else:
            ls.configure(parse_options(params.settings, ls.warn_setting))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: HvlintLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if not ls.is_c_document(item.uri, item.language_id):
            return
        ls.docs[item.uri] = OpenDoc(uri=item.uri, path=to_path(item.uri))
        ls.schedule(item.uri, 0)
        engine = ls.engine
        if engine is not None and engine.affects_others(ls.docs[item.uri].path):
            ls.relint_all(except_uri=item.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: HvlintLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in ls.docs:
            ls.buffer_changed(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: HvlintLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri in ls.docs:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: HvlintLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = ls.docs.pop(uri, None)
        if doc is None:
            return
        timer = ls._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        engine = ls.engine
        if engine is not None:
            ls.on_lint_thread(f"closing {uri}", lambda: engine.buffer(doc.path, None))
            if engine.affects_others(doc.path):
                ls.relint_all()
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: HvlintLanguageServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        ls.files_changed(params.changes)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: HvlintLanguageServer, params: types.HoverParams) -> Optional[types.Hover]:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return None
        line, column = doc.lines.from_lsp(params.position, ls.encoding)
        hits = [f for f in doc.findings if covers(f, line, column)]
        text = hover_markdown(hits, ls.rules)
        if text is None:
            return None
        first = hits[0]
        rng = types.Range(
            start=doc.lines.to_lsp(first.line, first.column, ls.encoding),
            end=doc.lines.to_lsp(first.end_line, first.end_column, ls.encoding),
        )
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text), range=rng
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix], resolve_provider=True
        ),
    )
    async def code_action(
        ls: HvlintLanguageServer, params: types.CodeActionParams
    ) -> Optional[List[types.CodeAction]]:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None or doc.version != ls.version_of(doc.uri):
            return None  # findings are for an older text; the next lint brings fresh ones
        start = doc.lines.from_lsp(params.range.start, ls.encoding)
        end = doc.lines.from_lsp(params.range.end, ls.encoding)
        actions: List[types.CodeAction] = []
        for finding in (f for f in doc.findings if overlaps(f, start, end)):
            diag = to_diagnostic(finding, doc.lines, ls.encoding, ls.rules)
            for make in (ls.rename_action, ls.ignore_action):
                action = await ls.in_lint_thread(lambda m=make, f=finding, d=diag: m(doc, f, d))
                if action is not None and all(a.title != action.title for a in actions):
                    actions.append(action)
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(
        ls: HvlintLanguageServer, action: types.CodeAction
    ) -> types.CodeAction:
        args = action.data if isinstance(action.data, dict) else {}
        # data comes back from the client: use it only when it is what the server sent.
        if action.edit is None and all(isinstance(args.get(k), str) for k in ("uri", "name", "new")):
            action.edit = await ls.in_lint_thread(
                lambda: ls.rename_edit(
                    args["uri"], args["name"], args["new"], bool(args.get("everywhere"))
                )
            )
        return action

    @server.command(RENAME_COMMAND)
    async def rename_in_tree(ls: HvlintLanguageServer, uri: str, name: str, new: str) -> None:
        edit = await ls.in_lint_thread(lambda: ls.rename_edit(uri, name, new, True))
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label=f"hvlint: rename {name} to {new}")
        )
        if not result.applied:
            ls.log_to_client(f"rename not applied: {result.failure_reason or 'refused'}")

    @server.command(IGNORE_COMMAND)
    def ignore_in_file(ls: HvlintLanguageServer, config: str, glob: str, type_: str) -> None:
        try:
            write_ignore(Path(config), glob, type_)
        except OSError as exc:
            ls.log_to_client(f"cannot write {config}: {exc}", types.MessageType.Error)
            return
        ls.configure(ls.options)

    return server
