"""``python -m hvlint.lsp``: the language server on stdio."""

import sys

from hvlint.lsp.entry import main

sys.exit(main())
