"""A real git for the tests, reading no user or system configuration.

The test helpers for the gate (gate_series), --fix (fix_support) and the pre-commit hooks
(precommit_repo) build their environments and run git through these two functions; each
adds only what its tools need on top.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence, Tuple


def clean_env(
    author: Tuple[str, str],
    drop: Sequence[str] = ("GIT_",),
    base: Optional[Mapping[str, str]] = None,
    **extra: str,
) -> Dict[str, str]:
    """``base`` (default: this process's environment) without variables that start with
    ``drop``, plus no system git config, a fixed author/committer, a UTF-8 locale and
    ``extra``."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith(tuple(drop))}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME=author[0],
        GIT_AUTHOR_EMAIL=author[1],
        GIT_COMMITTER_NAME=author[0],
        GIT_COMMITTER_EMAIL=author[1],
        LANG="C.UTF-8",
    )
    env.update(extra)
    return env


def run_git(
    repo: Path, args: Sequence[str], env: Mapping[str, str], stdin: bytes = b"", check: bool = True
) -> subprocess.CompletedProcess:
    """``git ARGS`` in ``repo`` (bytes in and out); a failure fails the test when ``check``."""
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=dict(env), input=stdin, capture_output=True, check=False
    )
    if check and proc.returncode:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr.decode('utf-8', 'replace')}")
    return proc
