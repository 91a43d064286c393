"""hvlint's rule definitions, naming schemes, path classes and register tables (data only)."""
