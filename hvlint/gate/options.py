"""The options of the patch gate and the pre-commit hooks, as one typed object.

The command line makes it once from its argparse result (:meth:`GateOptions.from_namespace`);
a Python caller makes it directly, so the gate runs without argparse::

    options = GateOptions(paths=("0001-Drivers-hv-x.patch",), root="/path/to/linux", format="json")
    code = series.run(options, Settings(), sys.stdin, sys.stdout, sys.stderr)

Field names and meanings are the command-line options' (checkpatch.pl's where the gate shares
them): see ``hvlint --help``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from typing import Optional, Tuple


@dataclass(frozen=True)
class GateOptions:
    """What a gate or hook run was asked to do."""

    paths: Tuple[str, ...] = ()  # patches, mbox files, "-" (or sources with --file)
    root: Optional[str] = None  # --root: the kernel tree (None: found from the inputs)
    format: str = "text"
    verbose: int = 0
    git: Tuple[str, ...] = ()  # --git RANGE, each one
    patch: bool = False  # read every PATH as a patch
    file: bool = False  # read every PATH as a source file
    no_tree: bool = False
    # checkpatch's output options
    terse: bool = False
    emacs: bool = False
    showfile: bool = False
    show_types: bool = False
    quiet: int = 0
    summary: bool = True  # False: --no-summary
    summary_file: bool = False
    mailback: bool = False
    color: str = "auto"  # always, never or auto
    # the pre-commit hooks
    staged: bool = False
    pre_push: bool = False
    whole_files: bool = False

    @classmethod
    def from_namespace(cls, args: argparse.Namespace) -> "GateOptions":
        """The options of a parsed hvlint command line (the parser of hvlint.cli)."""
        values = {f.name: getattr(args, f.name) for f in fields(cls)}
        values["paths"] = tuple(str(p) for p in values["paths"])
        values["git"] = tuple(values["git"] or ())
        return cls(**values)
