"""Knowing the tree: which files to read, who defines each name for which arch, what Kconfig
and the Makefiles let each file build for, and the cache that keeps it between runs."""
