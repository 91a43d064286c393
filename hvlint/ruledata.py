"""Load rules/, schemes, path classes, name lists and register tables: all data, read once."""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from hvlint import tomlcompat


@dataclass(frozen=True)
class DocExample:
    """One file of a rule doc's bad or good example."""

    path: str
    code: str


@dataclass(frozen=True)
class Rule:
    """A rule's identity, messages and doc, as written in rules/HVnnn.toml."""

    code: str
    type: str
    severity: str
    summary: str
    messages: Dict[str, str]
    what: str
    why: str
    references: Tuple[str, ...]
    bad: Tuple[DocExample, ...]
    good: Tuple[DocExample, ...]
    strict_only: bool = False
    source_file: str = ""

    def message(self, key: str, **fields: object) -> str:
        """Format the message template ``key`` with ``fields``."""
        return self.messages[key].format(**fields)

    def doc_markdown(self) -> str:
        """The rule's doc as Markdown (used by --explain, hover and SARIF help)."""
        parts = [f"# {self.code} {self.type}: {self.summary}", "", f"Severity: {self.severity}"]
        if self.strict_only:
            parts[-1] += " (reported only with --strict)"
        parts += ["", "## What it does", self.what.strip(), "", "## Why is this bad?", self.why.strip()]
        parts += ["", "## Example"]
        for ex in self.bad:
            parts += [f"{ex.path}:", "```" + _fence(ex.path), ex.code.strip("\n"), "```"]
        parts += ["", "## Use instead"]
        for ex in self.good:
            parts += [f"{ex.path}:", "```" + _fence(ex.path), ex.code.strip("\n"), "```"]
        if self.references:
            parts += ["", "## References"] + [f"- {r}" for r in self.references]
        return "\n".join(parts) + "\n"


@dataclass(frozen=True)
class Scheme:
    """A naming scheme: the synthetic alias prefix and the generic accessors that take it."""

    name: str
    description: str
    alias_prefix: str
    accessors: Tuple[str, ...]
    register_arg: int


@dataclass(frozen=True)
class Register:
    """A synthetic register: its alias suffix, x86 MSR and arm64 VP register."""

    name: str
    x86: Optional[int]
    arm64: Optional[int]
    arm64_name: str


@dataclass(frozen=True)
class AllowEntry:
    """An intentional x86 name in shared code (rules/names.toml)."""

    prefix: str
    why: str
    where: Tuple[str, ...]
    definitions_only: bool


@dataclass(frozen=True)
class RuleData:
    """Everything in rules/, parsed."""

    rules: Tuple[Rule, ...]
    schemes: Dict[str, Scheme]
    default_scheme: str
    register_prefixes: Tuple[str, ...]
    vp_register_prefix: str
    x86_msr_prefix: str
    classes: Dict[str, Tuple[str, ...]]
    suffixes: Tuple[str, ...]
    prefilter: Tuple[str, ...]
    index_roots: Tuple[str, ...]
    index_exclude: Tuple[str, ...]
    kconfig_arch: Dict[str, Tuple[str, ...]]
    pp_arch: Dict[str, Tuple[str, ...]]
    pp_arch_prefixes: Dict[str, Tuple[str, ...]]
    pp_other: Tuple[str, ...]
    x86_prefixes: Tuple[str, ...]
    msr_accessors: Tuple[str, ...]
    msr_accessor_arg: Dict[str, int]
    indexed_prefixes: Tuple[str, ...]
    allow: Tuple[AllowEntry, ...]
    msr_first: int
    msr_last: int
    registers: Tuple[Register, ...]
    # Why a scheme's alias a finding would name does not exist, at length: the gcc-style
    # ``note:`` of HV102/HV103 (rules/schemes.toml [missing_alias_notes]), by reason.
    missing_alias_notes: Dict[str, str] = field(default_factory=dict)
    decl_roots: Tuple[str, ...] = ()
    decl_arch_includes: Tuple[Tuple[str, str], ...] = ()
    decl_generic: Tuple[str, ...] = ()
    decl_qualifiers: Tuple[str, ...] = ()
    decl_macros: Tuple[Tuple[str, int], ...] = ()
    decl_keywords: Tuple[str, ...] = ()
    decl_assembly: Tuple[str, ...] = ()

    def rule(self, key: str) -> Rule:
        """Find a rule by code (HV101) or TYPE (HV_REGISTER_MSR), case-insensitively."""
        key = key.strip().upper()
        for rule in self.rules:
            if key in (rule.code, rule.type):
                return rule
        raise KeyError(key)

    def is_msr(self, value: int) -> bool:
        """True when ``value`` lies in the x86 synthetic MSR range."""
        return self.msr_first <= value <= self.msr_last

    def split_register_name(self, name: str) -> Optional[Tuple[str, str]]:
        """Split ``HV_X64_MSR_SCONTROL`` into (prefix, suffix) for a known register prefix."""
        for prefix in self._prefixes_longest_first:
            if name.startswith(prefix) and len(name) > len(prefix):
                return prefix, name[len(prefix):]
        return None

    def register_by_suffix(self, suffix: str) -> Optional[Register]:
        """Look a synthetic register up by its alias suffix or its arm64 suffix."""
        return self._registers_by_suffix.get(suffix)

    # Built once per RuleData (an lru_cache keyed by the register tuple hashed 59 frozen
    # dataclasses on every call, once per HV103 finding per keystroke in the editor).
    @functools.cached_property
    def _prefixes_longest_first(self) -> Tuple[str, ...]:
        return tuple(sorted(self.register_prefixes, key=len, reverse=True))

    @functools.cached_property
    def _registers_by_suffix(self) -> Dict[str, Register]:
        table: Dict[str, Register] = {}
        for reg in self.registers:
            table.setdefault(reg.name, reg)
            if reg.arm64_name:
                table.setdefault(reg.arm64_name, reg)
        return table


def _fence(path: str) -> str:
    """The code-fence language of an example file: C, or make for a Kbuild file."""
    return "c" if path.endswith((".c", ".h")) else "make"


def rules_dir() -> Path:
    """Where the rules/ data lives: inside the installed package, or the source checkout."""
    # Found by its spec: importlib.resources would cost a patch mail's run more than its lint.
    spec = importlib.util.find_spec("hvlint.rules")
    for folder in (spec.submodule_search_locations or ()) if spec is not None else ():
        path = Path(folder)
        if (path / "schemes.toml").is_file():
            return path
    return Path(__file__).resolve().parent.parent / "rules"


def _read(path: Path) -> dict:
    return tomlcompat.loads(path.read_text(encoding="utf-8"))


def _examples(items: List[dict]) -> Tuple[DocExample, ...]:
    return tuple(DocExample(path=i["path"], code=i["code"]) for i in items)


def _load_rule(path: Path) -> Rule:
    data = _read(path)
    doc = data["doc"]
    return Rule(
        code=data["code"],
        type=data["type"],
        severity=data["severity"],
        summary=data["summary"],
        messages=dict(data["messages"]),
        what=doc["what"],
        why=doc["why"],
        references=tuple(doc.get("references", ())),
        bad=_examples(doc.get("bad", [])),
        good=_examples(doc.get("good", [])),
        strict_only=bool(data.get("strict_only", False)),
        source_file=path.name,
    )


@functools.lru_cache(maxsize=None)
def load(directory: Optional[str] = None) -> RuleData:
    """Read every data file in rules/ (or ``directory``) once."""
    base = Path(directory) if directory else rules_dir()
    rules = tuple(sorted((_load_rule(p) for p in base.glob("HV*.toml")), key=lambda r: r.code))
    schemes_doc = _read(base / "schemes.toml")
    schemes = {
        name: Scheme(
            name=name,
            description=s["description"],
            alias_prefix=s["alias_prefix"],
            accessors=tuple(s["accessors"]),
            register_arg=int(s.get("register_arg", 0)),
        )
        for name, s in schemes_doc["scheme"].items()
    }
    regnames = schemes_doc["register_names"]
    paths = _read(base / "paths.toml")
    names = _read(base / "names.toml")
    regs = _read(base / "registers.toml")
    x86only = names["x86_only"]
    pp = paths["preprocessor"]
    decl_paths = paths["declarations"]
    grammar = _read(base / "declarations.toml")
    return RuleData(
        rules=rules,
        schemes=schemes,
        default_scheme=schemes_doc["fallback"],
        register_prefixes=tuple(regnames["register_prefixes"]),
        vp_register_prefix=regnames["vp_register_prefix"],
        x86_msr_prefix=regnames["x86_msr_prefix"],
        classes={k: tuple(v) for k, v in paths["classes"].items()},
        suffixes=tuple(paths["walk"]["suffixes"]),
        prefilter=tuple(paths["walk"]["prefilter"]),
        index_roots=tuple(paths["walk"]["index_roots"]),
        index_exclude=tuple(paths["walk"].get("index_exclude", ())),
        kconfig_arch={k: tuple(v) for k, v in paths["kconfig"].items()},
        pp_arch={"x86": tuple(pp["x86"]), "arm64": tuple(pp["arm64"])},
        pp_arch_prefixes={"x86": tuple(pp["x86_prefixes"]), "arm64": tuple(pp["arm64_prefixes"])},
        pp_other=tuple(pp.get("other", ())),
        x86_prefixes=tuple(x86only["prefixes"]),
        msr_accessors=tuple(x86only["msr_accessors"]),
        msr_accessor_arg=dict(x86only.get("msr_accessor_register_arg", {})),
        indexed_prefixes=tuple(x86only["indexed_prefixes"]),
        allow=tuple(
            AllowEntry(
                prefix=a["prefix"],
                why=a["why"],
                where=tuple(a.get("where", ())),
                definitions_only=bool(a.get("definitions_only", False)),
            )
            for a in names.get("allow", [])
        ),
        msr_first=int(regs["msr_range"]["first"]),
        msr_last=int(regs["msr_range"]["last"]),
        registers=tuple(
            Register(
                name=r["name"],
                x86=r.get("x86"),
                arm64=r.get("arm64"),
                arm64_name=r.get("arm64_name", r["name"] if "arm64" in r else ""),
            )
            for r in regs["register"]
        ),
        missing_alias_notes=dict(schemes_doc.get("missing_alias_notes", {})),
        decl_roots=tuple(decl_paths["roots"]),
        decl_arch_includes=tuple(sorted(decl_paths["arch_includes"].items())),
        decl_generic=tuple(decl_paths["generic"]),
        decl_qualifiers=tuple(grammar["grammar"]["qualifiers"]),
        decl_macros=tuple(sorted((k, int(v)) for k, v in grammar["declaring_macros"].items())),
        decl_keywords=tuple(sorted(grammar["keywords"]["words"])),
        decl_assembly=tuple(grammar["grammar"]["assembly_macros"]),
    )
