"""hvlint: a naming linter for the Linux kernel's Hyper-V register names."""

__version__ = "0.1.0"
