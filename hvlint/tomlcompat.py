"""TOML reading on every supported Python (tomllib from 3.11, tomli before)."""

import sys

if sys.version_info >= (3, 11):
    import tomllib as toml
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as toml

TOMLDecodeError = toml.TOMLDecodeError


def loads(text: str) -> dict:
    """Parse TOML text into a dict."""
    return toml.loads(text)
