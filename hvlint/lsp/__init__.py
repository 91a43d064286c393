"""The language server: ``hvlint-lsp`` (entry), the pygls server, and the conversions between
hvlint's findings and LSP messages."""
