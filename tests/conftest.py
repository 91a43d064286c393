"""Shared helpers: kernel-shaped trees on disk, expectations read from the sources."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, Optional

import pytest

from hvlint import ruledata
from hvlint.config import Settings, load_settings
from hvlint.engine import Linter

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECT = re.compile(r"expect:\s*([A-Z0-9_ ]*?)\s*\*/")
# The one environment variable that names a kernel source tree for the tests that need one.
KERNEL_TREE_ENV = "HVLINT_KERNEL_TREE"


def kernel_tree() -> Optional[Path]:
    """The kernel source tree ``$HVLINT_KERNEL_TREE`` names, or None when it is unset."""
    given = os.environ.get(KERNEL_TREE_ENV)
    return Path(given) if given else None


def kernel_checkpatch() -> Optional[Path]:
    """``scripts/checkpatch.pl`` of ``$HVLINT_KERNEL_TREE``, or None."""
    root = kernel_tree()
    return root / "scripts" / "checkpatch.pl" if root is not None else None


def updating_golden() -> bool:
    """Whether this run rewrites golden files: ``HVLINT_UPDATE_GOLDEN=1`` (any other value
    compares with them, as when it is unset)."""
    return os.environ.get("HVLINT_UPDATE_GOLDEN") == "1"


def write_tree(root: Path, files: Dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def expected_findings(root: Path) -> Counter:
    """(path, line, TYPE) for every ``/* expect: TYPE ... */`` marker under ``root``."""
    out: Counter = Counter()
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".c", ".h"):
            continue
        rel = path.relative_to(root).as_posix()
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in EXPECT.finditer(line):
                for type_ in m.group(1).split():
                    out[(rel, lineno, type_)] += 1
    return out


def actual_findings(findings: Iterable) -> Counter:
    """(path, line, TYPE) of findings, counted."""
    return Counter((f.path, f.line, f.type) for f in findings)


def lint_tree(root: Path, settings: Optional[Settings] = None, paths: Optional[list] = None):
    """Lint ``root`` (or ``paths`` inside it) with its .hvlint.toml, as the CLI would."""
    data = ruledata.load()
    if settings is None:
        config = root / ".hvlint.toml"
        settings = load_settings(config if config.is_file() else None, data)
    linter = Linter(settings, root, data)
    return linter, linter.lint_paths(paths or [root])


@pytest.fixture(scope="session", autouse=True)
def private_tree_cache(tmp_path_factory: pytest.TempPathFactory):
    """hvlint's tree cache goes to a folder of this test session, never ~/.cache (the
    console scripts and tools the tests start inherit it)."""
    saved = {k: os.environ.get(k) for k in ("HVLINT_CACHE_DIR", "HVLINT_NO_CACHE")}
    os.environ["HVLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("hvlint-cache"))
    os.environ.pop("HVLINT_NO_CACHE", None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder outside the tree (which is tmp_path), in force for the test."""
    folder = tmp_path_factory.mktemp("user") / "cache"
    monkeypatch.setenv("HVLINT_CACHE_DIR", str(folder))
    monkeypatch.delenv("HVLINT_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def tree(tmp_path: Path):
    """Factory: ``tree({"drivers/hv/hv.c": "..."})`` writes a tree rooted at tmp_path."""
    (tmp_path / ".hvlint.toml").write_text("", encoding="utf-8")

    def make(files: Dict[str, str]) -> Path:
        return write_tree(tmp_path, files)

    return make
