#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A stand-in for the kernel's scripts/checkpatch.pl in hvlint's b4 tests.

CI has no kernel tree, so the b4 tests copy this script into their test tree as
scripts/checkpatch.pl. It implements one real checkpatch rule, TRAILING_WHITESPACE (an
ERROR on an added line that ends in blanks), and checkpatch's one-line report shape for
the options b4 passes (``-q --terse --no-summary --mailback``, plus ``--showfile``):

    -:42: ERROR: trailing whitespace                        (the input's line)
    drivers/hv/hv.c:21: ERROR: trailing whitespace          (--showfile: the file's line)

``--show-types`` adds the TYPE (``ERROR:TRAILING_WHITESPACE:``); a clean input prints
nothing. The exit status is 1 when something was reported, as checkpatch's. It needs
``--terse --no-summary`` and refuses any option not listed here with one line and exit 2,
so a test never passes on an option it does not understand.
"""

import re
import sys

FLAGS = {"-q", "--terse", "--no-summary", "--mailback", "--showfile", "--show-types"}
NEEDED = ("--terse", "--no-summary")
HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
TRAILING = re.compile(r"^\+.*\S\s+$|^\+\s+$")


def fail(message):
    sys.stderr.write(f"checkpatch.pl (hvlint test stand-in): {message}\n")
    sys.exit(2)


def reports(lines, flags):
    """checkpatch's one-line reports for ``lines`` (the input, without line ends)."""
    out = []
    realfile, realline, in_hunk = "", 0, False
    for linenr, line in enumerate(lines, 1):
        match = HUNK.match(line)
        if match:
            realline, in_hunk = int(match.group(1)) - 1, True
        elif in_hunk and line[:1] in ("+", " "):
            realline += 1
            if line.startswith("+") and TRAILING.match(line):
                prefix = f"{realfile}:{realline}: " if "--showfile" in flags else f"-:{linenr}: "
                level = "ERROR:TRAILING_WHITESPACE:" if "--show-types" in flags else "ERROR:"
                out.append(f"{prefix}{level} trailing whitespace")
        elif not (in_hunk and line.startswith("-")):
            in_hunk = False
            if line.startswith("+++ "):
                name = line[4:].split("\t")[0]
                realfile = name[2:] if name.startswith("b/") else name
    return out


def main(argv):
    flags = [a for a in argv if a != "-"]
    unknown = [a for a in flags if a not in FLAGS]
    if unknown:
        fail(f"unknown option {unknown[0]}")
    missing = [a for a in NEEDED if a not in flags]
    if missing:
        fail(f"only {' '.join(NEEDED)} output is implemented, {missing[0]} is missing")
    found = reports(sys.stdin.buffer.read().decode("utf-8", "replace").split("\n"), flags)
    for report in found:
        sys.stdout.write(report + "\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
