"""The package layout: which part of hvlint may import which (docs/layout.md).

Each module belongs to a layer; a module imports only from its own part or from lower layers,
so the front ends (cli, gate, fix, lsp) sit on the engine and nothing below them imports a front
end. Every import counts, the lazy ones inside functions too, and no two modules import each
other, directly or through others.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

PACKAGE = Path(__file__).resolve().parent.parent / "hvlint"

# Lowest first. A module's part is its subpackage (hvlint.c, hvlint.tree, ...) or, at the top,
# the module itself.
LAYERS: List[Set[str]] = [
    {"hvlint", "hvlint.tomlcompat"},
    {"hvlint.findings", "hvlint.ruledata"},
    {"hvlint.c"},
    {"hvlint.tree"},
    {"hvlint.schemes"},
    {"hvlint.config", "hvlint.suppress", "hvlint.checks", "hvlint.lintcache"},
    {"hvlint.engine"},
    {"hvlint.reporters"},
    {"hvlint.fix", "hvlint.gate", "hvlint.kbuild"},
    {"hvlint.lsp"},
    {"hvlint.cli"},
    {"hvlint.entry"},
    {"hvlint.__main__"},
]
SUBPACKAGES = {"c", "tree", "checks", "reporters", "fix", "gate", "kbuild", "lsp"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def part_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in SUBPACKAGES:
        return ".".join(parts[:2])
    return ".".join(parts[:2]) if len(parts) > 1 else module


def layer_of(module: str) -> int:
    part = part_of(module)
    for level, members in enumerate(LAYERS):
        if part in members:
            return level
    raise AssertionError(f"{module}: in no layer of tests/test_layout.py; add its part there")


def imports_of(path: Path) -> Set[str]:
    """hvlint modules that ``path`` imports (``from hvlint.x import y`` counts y if it is one)."""
    found: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "hvlint")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "hvlint":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if MODULES.get(sub) else node.module)
    return found


MODULES: Dict[str, Path] = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH: Dict[str, Set[str]] = {m: imports_of(p) - {m} for m, p in MODULES.items()}


def test_every_import_goes_down_or_stays_in_its_part():
    wrong = []
    for module, targets in GRAPH.items():
        for target in targets:
            same_part = part_of(target) == part_of(module)
            if not same_part and layer_of(target) >= layer_of(module):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles():
    cycles = []
    for start in GRAPH:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, chain = stack.pop()
            for nxt in GRAPH.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join(chain + (start,)))
                elif nxt not in seen and nxt in GRAPH:
                    seen.add(nxt)
                    stack.append((nxt, chain + (nxt,)))
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles)[:20])


def test_the_checker_sees_the_imports():
    # The two tests above pass trivially if the import reader finds nothing: it must see the
    # front end's known dependencies.
    assert "hvlint.engine" in GRAPH["hvlint.cli"]
    assert {"hvlint.gate.series", "hvlint.fix.command"} <= GRAPH["hvlint.cli"]
    assert "hvlint.c.scanner" in GRAPH["hvlint.engine"]
