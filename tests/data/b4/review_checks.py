"""Run b4 review's per-patch checks on a local mbox, as ``b4 review tui`` runs them.

b4 0.16 runs ``b4.review-perpatch-check-cmd`` only from its review TUI (the check action of
b4/review_tui/_common.py, ``_fetch_and_check``), which needs a terminal and the ``textual``
package. This script makes the same calls without the screen, in the repository it is
started in: b4's config set-up, ``checks.load_check_cmds()`` (the key, b4's defaults and
``_builtin_checkpatch``), the thread split with liblore as the TUI splits a stored thread,
the patches picked and ordered by b4's subject parser, ``checks.run_perpatch_checks()``,
and the results stored in and read back from b4's check database (the TUI's cache).

Usage: ``python review_checks.py SERIES.mbox`` prints b4's debug log on stderr and JSON ``{"commands": [...],
"patches": [{"subject", "results": [{tool, status, summary, url, details}]}]}``.
"""

import argparse
import json
import logging
import sys

import b4
import liblore.utils
from b4.review import checks


def main(mbox_path: str) -> int:
    handler = logging.StreamHandler(sys.stderr)  # what b4 -d prints: each command and its folder
    handler.setFormatter(logging.Formatter("%(message)s"))
    b4.logger.addHandler(handler)
    b4.logger.setLevel(logging.DEBUG)
    b4.setup_config(argparse.Namespace(config=None))  # no -c NAME=VALUE overrides
    b4.can_network = False  # what b4 --offline-mode sets
    perpatch, _series = checks.load_check_cmds()
    topdir = b4.git_get_toplevel()
    with open(mbox_path, "rb") as fh:
        msgs = liblore.utils.split_mbox(fh.read())
    patches = []
    for msg in msgs:
        subject = b4.LoreSubject(msg.get("subject", ""))
        if subject.counter == 0 and subject.expected > 0:
            continue  # the cover letter: per-patch checks skip it
        if subject.patch and not subject.reply:
            patches.append((subject.counter, msg.get("message-id", "").strip("<> "), msg))
    patches.sort(key=lambda p: p[0])
    results = checks.run_perpatch_checks([(mid, msg) for _, mid, msg in patches], perpatch, topdir)
    conn = checks.get_db()
    for mid, found in results.items():
        checks.store_results(conn, mid, found)
    stored = checks.get_cached_results(conn, [mid for _, mid, _ in patches])
    conn.close()
    out = {
        "commands": perpatch,
        "patches": [
            {"subject": msg.get("subject", ""), "results": stored.get(mid, [])}
            for _, mid, msg in patches
        ],
    }
    json.dump(out, sys.stdout, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
