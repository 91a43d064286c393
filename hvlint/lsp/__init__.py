"""The language server: ``hvlint-lsp`` (entry), the pygls server, the JSON-RPC boundary that
keeps a bad client out (rpc), the quick fixes that ``--fix`` plans (fixes), and the conversions
between hvlint's findings and LSP messages (convert)."""
