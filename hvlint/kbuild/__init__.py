"""hvlint as the kernel's checker: ``make C=1 CHECK=hvlint`` (and ``C=2``).

kbuild runs ``$(CHECK) $(CHECKFLAGS) $(c_flags) FILE.c`` from the object tree for every C file
it (re)compiles. ``invocation`` reads that command line, ``buildconf`` this build's
configuration, and ``check`` lints the one file with both and prints gcc-style diagnostics on
stderr, as sparse does.
"""
