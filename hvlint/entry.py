"""Console entry point. ``hvlint --version`` is answered before the engine is imported,
so scripts that probe the version (and editors starting the tool) pay only Python's start-up."""

import sys
from typing import List, Optional

from hvlint import __version__


def main(argv: Optional[List[str]] = None) -> int:
    """Run hvlint; ``--version`` alone needs no engine."""
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--version"]:
        sys.stdout.write(f"hvlint {__version__}\n")
        return 0
    from hvlint.cli import main as cli_main

    return cli_main(argv)
