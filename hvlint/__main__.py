"""Allow `python -m hvlint`."""

from hvlint.entry import main

raise SystemExit(main())
