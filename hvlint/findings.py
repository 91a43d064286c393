"""The finding: what a rule reports, independent of where the input came from."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional, Tuple


@dataclass(frozen=True)
class PatchRef:
    """Which patch of a series a finding came from."""

    index: int  # 1-based position in the series
    total: int
    subject: str
    commit: Optional[str] = None

    def label(self) -> str:
        """``patch 2/5: subject`` (no colon when the patch has no subject), for messages."""
        return f"patch {self.index}/{self.total}" + (f": {self.subject}" if self.subject else "")


@dataclass(frozen=True)
class Finding:
    """One reported naming fault.

    Lines and columns are 1-based; ``end_column`` is exclusive (the column just past the
    offending name), as in SARIF. ``name`` is the exact text the finding is about and
    ``suggestion`` the name that should replace it, or None when hvlint cannot tell.
    ``notes`` are longer explanations, shown once per run as gcc-style ``note:`` lines
    (the same text on many findings is one fact about the tree, not about each line).
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    type: str
    severity: str
    message: str
    name: str
    suggestion: Optional[str] = None
    patch: Optional[PatchRef] = None
    notes: Tuple[str, ...] = field(default=(), compare=False)

    def sort_key(self) -> tuple:
        """Order findings by file, position, then rule."""
        return (self.path, self.line, self.column, self.code, self.message)

    def with_patch(self, patch: PatchRef) -> "Finding":
        """Return a copy that records the patch it came from."""
        return replace(self, patch=patch)


@dataclass(frozen=True)
class InputProblem:
    """A file or input that could not be read as C (or as a patch), reported on stderr."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message
