"""What the benchmark scripts share: which kernel tree to measure and which hvlint to run."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import List, Optional

# The one environment variable that names a kernel source tree (docs/testing.md).
TREE_ENV = "HVLINT_KERNEL_TREE"


def given_tree(cli_tree: Optional[Path]) -> Optional[Path]:
    """The tree to measure: ``--tree``, else ``$HVLINT_KERNEL_TREE``; None when neither is
    given (the caller generates one)."""
    if cli_tree is not None:
        return Path(cli_tree)
    if os.environ.get(TREE_ENV):
        return Path(os.environ[TREE_ENV])
    return None


def hvlint_command(spec: Optional[str] = None) -> List[str]:
    """The hvlint to measure: ``spec`` (a command line), else the console script installed
    next to this Python (the same environment), else the one on PATH, else ``python -m hvlint``."""
    if spec:
        return shlex.split(spec)
    beside = Path(sys.executable).parent / "hvlint"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("hvlint")
    return [found] if found else [sys.executable, "-m", "hvlint"]
