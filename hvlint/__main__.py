"""Allow `python -m hvlint`."""

from hvlint.cli import main

raise SystemExit(main())
