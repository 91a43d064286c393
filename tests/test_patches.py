"""The patch reader: mbox series, format-patch mails, bare diffs, and what mail does to them.

Inputs are made for real: a kernel-shaped repository, a series committed with git, and
``git format-patch``/``git diff`` output; mail transfer encodings are applied with the
standard library the way mail clients apply them.
"""

from __future__ import annotations

import email.policy
import subprocess
from email.message import EmailMessage
from email.parser import BytesParser

import gate_series as gs
import pytest

from hvlint.gate import postimage
from hvlint.gate.patches import PatchError, detect, parse_subject, read_series


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """(repo, commit ids, the series as one mbox) for the nine-patch series."""
    repo = gs.make_repo(tmp_path_factory.mktemp("patches") / "linux")
    shas = gs.apply_series(repo, gs.SERIES)
    mbox = gs.git(repo, "format-patch", "--stdout", "base..HEAD").encode()
    return repo, shas, mbox


def _mails(mbox: bytes):
    parts = mbox.split(b"\nFrom ")
    return [parts[0] + b"\n"] + [b"From " + p + b"\n" for p in parts[1:]]


def _added(patches):
    return [
        (p.index, f.path, a.line, a.text) for p in patches for f in p.files for a in f.added_lines()
    ]


def test_mbox_series_reads_every_patch_with_its_commit_and_subject(series):
    _, shas, mbox = series
    patches = read_series(mbox)
    assert detect(mbox) == "mbox"
    assert [p.index for p in patches] == list(range(1, 10))
    assert {p.total for p in patches} == {9}
    assert [p.commit for p in patches] == shas
    assert [p.subject for p in patches] == [s.subject for s in gs.SERIES]
    assert patches[0].raw_subject.startswith("[PATCH 1/9] x86/hyperv:")
    assert "Signed-off-by: Hyper-V Tester" in patches[0].message
    assert "---" not in patches[0].message.splitlines()


def test_added_lines_match_git_line_numbers(series):
    repo, shas, mbox = series
    for patch, sha in zip(read_series(mbox), shas):
        for fd in patch.files:
            if fd.new_path is None:
                continue
            post = gs.git(repo, "show", f"{sha}:{fd.new_path}").split("\n")
            for added in fd.added_lines():
                assert post[added.line - 1] == added.text


def test_input_line_is_the_line_of_the_mbox(series):
    _, _, mbox = series
    lines = mbox.decode().split("\n")
    for patch in read_series(mbox):
        assert lines[patch.first_line - 1].startswith("From ")
        for added in (a for f in patch.files for a in f.added_lines()):
            assert lines[added.input_line - 1] == "+" + added.text


def test_lines_checked_counts_hunk_lines_like_checkpatch(series):
    # checkpatch.pl counts every line inside a hunk: context, removed and added.
    _, _, mbox = series
    first = read_series(mbox)[0]
    # three context lines above, two added, then the blank line and #endif that end the file
    assert first.lines_checked == 3 + 2 + 2


def test_one_mail_and_a_bare_diff(series):
    repo, shas, mbox = series
    mail = _mails(mbox)[4]
    assert detect(mail) == "mbox"
    (one,) = read_series(mail)
    assert (one.index, one.total, one.commit) == (5, 9, shas[4])
    headers_only = mail.split(b"\n", 1)[1]  # without the "From <sha>" line: a plain mail
    assert detect(headers_only) == "mail"
    (mailed,) = read_series(headers_only)
    assert _added([mailed]) == _added([one]) and mailed.commit is None

    diff = gs.git(repo, "diff", f"{shas[3]}..{shas[5]}").encode()
    assert detect(diff) == "diff"
    (bare,) = read_series(diff)
    assert (bare.index, bare.total, bare.subject) == (1, 1, "")
    assert sorted(f.path for f in bare.files) == [
        "arch/x86/include/asm/hyperv-tlfs.h",
        "drivers/hv/hv_common.c",
    ]


def test_quoted_printable_base64_and_crlf_mails_read_the_same(series):
    _, _, mbox = series
    plain = _mails(mbox)[6].split(b"\n", 1)[1]
    msg = BytesParser(policy=email.policy.default).parsebytes(plain)
    body = msg.get_content()
    expected = _added(read_series(plain))
    for cte in ("quoted-printable", "base64"):
        encoded = EmailMessage()
        for key in ("From", "Date", "Subject"):
            encoded[key] = msg[key]
        encoded.set_content(body, cte=cte)
        data = encoded.as_bytes()
        assert cte.encode() in data
        got = read_series(data)
        assert _added(got) == expected
        assert got[0].subject == "Drivers: hv: Enable the SynIC message page"
    crlf = plain.replace(b"\n", b"\r\n")
    assert _added(read_series(crlf)) == expected


def test_patch_as_mime_attachment(series):
    _, _, mbox = series
    plain = _mails(mbox)[5].split(b"\n", 1)[1]
    msg = BytesParser(policy=email.policy.default).parsebytes(plain)
    body = msg.get_content()
    message, diff = body.split("\n---\n", 1)
    mail = EmailMessage()
    mail["From"], mail["Subject"] = msg["From"], msg["Subject"]
    mail.set_content(message + "\n")
    mail.add_attachment(diff.encode(), maintype="text", subtype="x-patch", filename="0006.patch")
    (patch,) = read_series(mail.as_bytes())
    assert _added([patch]) == _added(read_series(plain))


def test_mboxrd_quoted_from_lines_are_unquoted(series):
    _, _, mbox = series
    mail = _mails(mbox)[0]
    quoted = mail.replace(b"\n\nArch-neutral code", b"\n\n>From the TLFS: arch-neutral code", 1)
    (patch,) = read_series(quoted)
    assert "From the TLFS" in patch.message


def test_cover_letter_and_replies_are_skipped(series):
    _, _, mbox = series
    cover = (
        b"From git@z Thu Jan  1 00:00:00 1970\nFrom: Hyper-V Tester <tester@example.invalid>\n"
        b"Subject: [PATCH 0/9] Hyper-V: synthetic register aliases\n\nThe series.\n\n"
    )
    patches = read_series(cover + mbox)
    assert [p.index for p in patches] == list(range(1, 10))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("[PATCH v2 03/10] Drivers: hv: Use the alias", ("Drivers: hv: Use the alias", 3, 10)),
        ("[RFC PATCH net-next 1/2] hv_netvsc: x", ("hv_netvsc: x", 1, 2)),
        ("[PATCH] x86/hyperv: one", ("x86/hyperv: one", None, None)),
        ("Re: [PATCH 2/3] a", ("Re: [PATCH 2/3] a", None, None)),
        ("[PATCH 6.1.y 1/2] [backport] b", ("b", 1, 2)),
        ("plain subject", ("plain subject", None, None)),
    ],
)
def test_subject_numbering(raw, expected):
    assert parse_subject(raw) == expected


@pytest.fixture(scope="module")
def odd_changes(tmp_path_factory):
    """A commit with a rename, a deletion, a binary file and a file losing its last newline."""
    repo = gs.make_repo(tmp_path_factory.mktemp("odd") / "linux")
    (repo / "drivers/hv/hv_common.c").rename(repo / "drivers/hv/hv_core.c")
    core = repo / "drivers/hv/hv_core.c"
    core.write_text(
        core.read_text().replace("u32 *hv_vp_index;", "u32 *hv_vp_index;\nu32 hv_max_vp_index;")
    )
    (repo / "arch/x86/hyperv/hv_init.c").unlink()
    (repo / "drivers/hv/hv_fw.bin").write_bytes(bytes(range(256)))
    head = repo / "drivers/hv/hyperv_vmbus.h"
    head.write_text(head.read_text().rstrip("\n") + "\n/* end */")
    gs.git(repo, "add", "-A")
    gs.git(repo, "commit", "-q", "-m", "Drivers: hv: Rename hv_common.c")
    return repo, gs.git(repo, "format-patch", "--stdout", "-M", "-1", "HEAD").encode()


def test_rename_delete_binary_and_no_newline(odd_changes):
    _, mbox = odd_changes
    (patch,) = read_series(mbox)
    files = {(f.old_path, f.new_path): f for f in patch.files}
    renamed = files[("drivers/hv/hv_common.c", "drivers/hv/hv_core.c")]
    assert renamed.status == "renamed"
    assert [a.text for a in renamed.added_lines()] == ["u32 hv_max_vp_index;"]
    deleted = files[("arch/x86/hyperv/hv_init.c", None)]
    assert deleted.status == "deleted" and not deleted.added_lines()
    binary = files[(None, "drivers/hv/hv_fw.bin")]
    assert binary.binary and binary.status == "added" and not binary.hunks
    header = files[("drivers/hv/hyperv_vmbus.h", "drivers/hv/hyperv_vmbus.h")]
    (hunk,) = header.hunks
    assert hunk.new_missing_newline
    assert [a.text for a in header.added_lines()] == ["/* end */"]


def test_gnu_diff_unified_output(tmp_path):
    old, new = tmp_path / "a", tmp_path / "b"
    (old / "drivers/hv").mkdir(parents=True)
    (new / "drivers/hv").mkdir(parents=True)
    source = (gs.TREE / "drivers/hv/hv.c").read_text()
    (old / "drivers/hv/hv.c").write_text(source)
    (new / "drivers/hv/hv.c").write_text(
        source.replace("\n\n/*\n * hv_synic_free", "\n\nint hv_x;\n\n/*\n * hv_synic_free")
    )
    proc = subprocess.run(
        ["diff", "-u", "-r", "a", "b"], cwd=tmp_path, capture_output=True, check=False
    )
    assert proc.returncode == 1, proc.stderr
    (patch,) = read_series(proc.stdout)
    (fd,) = patch.files
    assert fd.path == "drivers/hv/hv.c"
    assert [a.text for a in fd.added_lines()][:2] == ["int hv_x;", ""]


@pytest.mark.parametrize(
    "header",
    [
        "--- a/../../etc/passwd\n+++ b/../../etc/passwd\n",
        "--- /etc/passwd\n+++ /etc/passwd\n",
        "diff --git a/x.c b/x.c\nsimilarity index 90%\nrename from x.c\nrename to ../outside.c\n",
    ],
)
def test_paths_that_leave_the_root_are_refused(header):
    diff = header + "@@ -1 +1 @@\n-root:x:0:0\n+root::0:0\n"
    with pytest.raises(PatchError, match="refusing path"):
        read_series(diff.encode(), kind="diff")


def test_not_a_patch():
    assert detect(b"int main(void) { return 0; }\n") == ""
    with pytest.raises(PatchError, match="unified-diff"):
        read_series(b"Hello\n\nNo diff here.\n")


def test_signature_after_last_hunk_is_not_a_removed_line(series):
    _, _, mbox = series
    last = read_series(_mails(mbox)[8])[0]
    (fd,) = last.files
    (hunk,) = fd.hunks
    assert hunk.old_count == len(hunk.old_lines()) and hunk.new_count == len(hunk.new_lines())


# -- post-images ---------------------------------------------------------------------


def _hunks(diff: str):
    (patch,) = read_series(diff.encode(), kind="diff")
    return patch.files[0].hunks


def base():
    """A fresh 20-line file (post-images are built in place)."""
    return postimage.split_lines("".join(f"line {i}\n" for i in range(1, 21)))


DIFF = "--- a/f.c\n+++ b/f.c\n@@ -9,3 +9,4 @@\n line 9\n line 10\n+added\n line 11\n"


def test_apply_exact_and_moved_hunks():
    post = postimage.build(base(), _hunks(DIFF))
    assert post.how == "applied" and post.image.lines[10] == "added"
    assert list(post.added) == [11]
    shifted = postimage.split_lines("extra\nextra\n" + base().text())
    moved = postimage.build(shifted, _hunks(DIFF))
    assert moved.how == "applied" and moved.image.lines[12] == "added"
    assert moved.added[13].line == 11  # reported at the patch's own line number


def test_tree_that_already_holds_the_patch():
    applied = postimage.build(base(), _hunks(DIFF)).image
    before = list(applied.lines)
    again = postimage.build(applied, _hunks(DIFF))
    assert again.how == "in-tree" and again.image.lines == before
    assert list(again.added) == [11]


def test_unrelated_tree_falls_back_to_the_hunks_and_keeps_the_rest_for_the_index():
    other = postimage.split_lines("".join(f"other {i}\n" for i in range(1, 21)))
    post = postimage.build(other, _hunks(DIFF))
    assert post.how == "sparse" and not post.image.exact
    assert post.image.lines[8:12] == ["line 9", "line 10", "added", "line 11"]
    assert post.image.lines[0] == ""
    assert post.overlay.lines[0] == "other 1" and post.overlay.lines[10] == "added"


def test_a_failed_apply_leaves_the_image_alone():
    image = base()
    two = DIFF + "@@ -18,2 +19,2 @@\n line 18\n-no such line\n+x\n"
    assert postimage.apply(image, _hunks(two)) is None
    assert image.lines == base().lines


def test_many_patches_on_one_file_stay_linear():
    image = postimage.split_lines("")
    for i in range(20_000):
        diff = f"--- a/f.c\n+++ b/f.c\n@@ -{i},0 +{i + 1} @@\n+step {i}\n"
        post = postimage.build(image, _hunks(diff))
        assert post.how == "applied" and list(post.added) == [i + 1]
        image = post.image
    assert len(image.lines) == 20_000 and image.lines[-1] == "step 19999"


def test_no_tree_rebuilds_from_hunks_at_their_line_numbers():
    post = postimage.build(None, _hunks(DIFF))
    assert post.how == "sparse" and len(post.image.lines) == 12 and post.image.lines[10] == "added"
