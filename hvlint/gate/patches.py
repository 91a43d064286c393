"""Read patches: plain unified diffs, `git format-patch` mails and mbox series.

The reader turns bytes into a list of :class:`Patch` objects, each with the files it
touches, their hunks and the lines it adds (with their post-image line numbers and the
line of the input they came from, which checkpatch's ``#N:`` shows). What kind of input it
is (mbox, one mail, a bare diff) is decided by content, not by file name.

Mail parsing (headers, RFC 2047 subjects, MIME parts, quoted-printable and base64
bodies) is left to the standard library's :mod:`email` package; splitting an mbox is
done here because the position of every message in the input must be kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from typing import Iterator, List, Optional, Sequence, Tuple

from hvlint.findings import PatchRef


# No C source has this many lines; a hunk header past it is hostile or broken.
MAX_HUNK_LINE = 10_000_000


class PatchError(ValueError):
    """The input cannot be read as a patch (or holds a path hvlint refuses)."""


class NotAPatchError(PatchError):
    """Nothing in the input is a patch (checkpatch.pl's --mailback stays silent on it)."""


@dataclass(frozen=True)
class AddedLine:
    """A line a patch adds: where it lands in the new file and where it sat in the input."""

    line: int  # 1-based line number in the post-image (the hunk's "+" side)
    text: str  # the line without its leading "+"
    input_line: int  # 1-based line of the input that holds it (checkpatch's "#N")


@dataclass
class Hunk:
    """One ``@@ -a,b +c,d @@`` hunk."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str = ""
    # (tag, text): tag is " " (context), "-" (removed) or "+" (added)
    lines: List[Tuple[str, str]] = field(default_factory=list)
    added: List[AddedLine] = field(default_factory=list)
    new_missing_newline: bool = False  # "\ No newline at end of file" after a new-side line

    def old_lines(self) -> List[str]:
        """The lines this hunk expects in the pre-image (context and removed)."""
        return [text for tag, text in self.lines if tag != "+"]

    def new_lines(self) -> List[str]:
        """The lines this hunk leaves in the post-image (context and added)."""
        return [text for tag, text in self.lines if tag != "-"]


@dataclass
class FileDiff:
    """The change a patch makes to one file."""

    old_path: Optional[str]  # None for a new file
    new_path: Optional[str]  # None for a deleted file
    status: str = "modified"  # modified, added, deleted, renamed, copied
    binary: bool = False
    hunks: List[Hunk] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The path the change is reported under: the new one, or the old one when deleted."""
        return self.new_path or self.old_path or ""

    def added_lines(self) -> List[AddedLine]:
        """Every added line of every hunk, in order."""
        return [a for h in self.hunks for a in h.added]


@dataclass
class Patch:
    """One patch of a series: one mail, one commit, or a bare diff."""

    index: int
    total: int
    subject: str  # without the "[PATCH n/m]" prefix
    files: List[FileDiff]
    commit: Optional[str] = None  # from the mbox "From <sha> ..." line or the git range
    raw_subject: str = ""  # the Subject header as sent
    message: str = ""  # the commit message (above the "---" cut line)
    first_line: int = 1  # 1-based input line where this patch's text starts

    @property
    def lines_checked(self) -> int:
        """Hunk lines (context, removed, added), as checkpatch counts them."""
        return sum(len(h.lines) for f in self.files for h in f.hunks)

    def ref(self) -> PatchRef:
        """The PatchRef that findings from this patch carry."""
        return PatchRef(
            index=self.index, total=self.total, subject=self.subject, commit=self.commit
        )


# ---------------------------------------------------------------------------------------
# Detection and splitting

_DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# An mbox separator: "From <sender> <asctime date>", as git, b4, mutt and archives write it.
_MBOX_FROM = re.compile(
    rf"^From \S.* (?:{_DAYS}) (?:{_MONTHS}) +\d{{1,2}} \d{{1,2}}:\d{{2}}(?::\d{{2}})? .*\d{{4}}\s*$"
)
_GIT_FROM = re.compile(r"^From ([0-9a-f]{40}|[0-9a-f]{64}) ")


def _is_mbox_from(line: str) -> bool:
    """An mbox separator line (short, so a hostile long line costs no backtracking)."""
    return line.startswith("From ") and len(line) < 512 and bool(_MBOX_FROM.match(line))


_HEADER = re.compile(r"^[!-9;-~]+:[ \t]")  # RFC 5322 field name, colon, blank


def _text_lines(data: bytes) -> List[str]:
    """Decode input bytes into lines (CRLF and a UTF-8 BOM removed, undecodable bytes kept)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", errors="surrogateescape").replace("\r\n", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def detect(data: bytes) -> str:
    """Say what ``data`` is: ``"mbox"``, ``"mail"``, ``"diff"`` or ``""`` (not a patch)."""
    lines = _text_lines(data[:65536])
    first = next((line for line in lines if line.strip()), "")
    if _is_mbox_from(first):
        return "mbox"
    if _HEADER.match(first):
        names = set()
        for line in lines:
            if not line:
                break
            m = _HEADER.match(line)
            if m:
                names.add(line.split(":", 1)[0].lower())
        if names & {"from", "subject"}:
            return "mail"
    if looks_like_diff(lines):
        return "diff"
    return ""


def looks_like_diff(lines: Sequence[str]) -> bool:
    """True when ``lines`` hold a unified diff (a ``---``/``+++`` pair or a git diff header)."""
    for i, line in enumerate(lines):
        if line.startswith("diff --git "):
            return True
        if (
            line.startswith("--- ")
            and i + 2 < len(lines)
            and lines[i + 1].startswith("+++ ")
            and lines[i + 2].startswith("@@ -")
        ):
            return True
    return False


def _split_mbox(lines: List[str]) -> Iterator[Tuple[int, List[str]]]:
    """Yield (0-based index of the From line, message lines without the From line)."""
    start: Optional[int] = None
    for i, line in enumerate(lines):
        if _is_mbox_from(line):
            if start is not None:
                yield start, lines[start + 1 : i]
            start = i
    if start is not None:
        yield start, lines[start + 1 :]


_QUOTED_FROM = re.compile(r"^>(>*From )")


def _unquote_mbox(lines: List[str]) -> List[str]:
    """Undo mboxo/mboxrd ``>From`` quoting (no diff line starts with ``>``)."""
    return [_QUOTED_FROM.sub(r"\1", line) if line.startswith(">") else line for line in lines]


# ---------------------------------------------------------------------------------------
# Mail

_SUBJECT_PREFIX = re.compile(r"^\s*((?:\[[^\]]*\]\s*)+)")
_NUMBERING = re.compile(r"(?<![\w.])(\d+)/(\d+)(?![\w.])")


def parse_subject(raw: str) -> Tuple[str, Optional[int], Optional[int]]:
    """Split ``[PATCH v2 3/7] x86/hyperv: ...`` into (subject, 3, 7)."""
    raw = " ".join(raw.split())
    m = _SUBJECT_PREFIX.match(raw)
    if not m:
        return raw, None, None
    index = total = None
    for tag in re.findall(r"\[([^\]]*)\]", m.group(1)):
        num = _NUMBERING.search(tag)
        if num:
            index, total = int(num.group(1)), int(num.group(2))
    return raw[m.end() :].strip(), index, total


def _body_parts(msg: Message) -> List[str]:
    """The decoded text parts of a mail (the patch may be inline or attached)."""
    parts: List[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if part.get_content_maintype() != "text" and ctype not in (
            "application/x-patch",
            "application/octet-stream",
        ):
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            parts.append(payload.decode(charset, errors="surrogateescape"))
        except LookupError:
            parts.append(payload.decode("utf-8", errors="surrogateescape"))
    return parts


def _is_plain(msg: Message) -> bool:
    """True when the body is one text part sent as is (its lines are the input's lines)."""
    cte = str(msg.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    ctype = str(msg.get("Content-Type", "text/plain")).strip().lower()
    return not ctype.startswith("multipart/") and cte in ("7bit", "8bit", "binary", "")


def _header_text(value: object) -> str:
    """A header's text: RFC 2047 encoded words decoded, folding undone."""
    if value is None:
        return ""
    text = str(value)
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except (ValueError, LookupError, UnicodeError):
            pass  # keep the raw text of a header that does not decode
    return " ".join(text.split())


def _read_mail(lines: List[str], first: int) -> Tuple[dict, List[Tuple[int, str]]]:
    """Parse one mail; return its headers of interest and numbered body lines.

    ``first`` is the 1-based input line of ``lines[0]``. Headers are parsed alone (cheap);
    the whole mail goes through the email parser only when MIME encodes its body.
    """
    header_count = 0
    for line in lines:
        header_count += 1
        if line == "":
            break
    head = "\n".join(lines[:header_count]) + "\n"
    to_bytes = lambda text: text.encode("utf-8", errors="surrogateescape")  # noqa: E731
    msg = BytesHeaderParser(policy=compat32).parsebytes(to_bytes(head))
    if _is_plain(msg):
        body = lines[header_count:]
    else:
        full = BytesParser(policy=compat32).parsebytes(to_bytes("\n".join(lines) + "\n"))
        body = "\n".join(_body_parts(full)).replace("\r\n", "\n").split("\n")
    body_first = first + header_count
    numbered = [(body_first + i, text) for i, text in enumerate(body)]
    return {"subject": _header_text(msg.get("Subject"))}, numbered


def _split_message(body: List[Tuple[int, str]]) -> Tuple[str, List[Tuple[int, str]]]:
    """Split a mail body at the ``---`` cut line into (commit message, the rest)."""
    for i, (_, text) in enumerate(body):
        if text == "---" or text.startswith(("diff --git ", "Index: ")):
            return "\n".join(t for _, t in body[:i]).strip("\n"), body[i:]
        if text.startswith("--- ") and i + 1 < len(body) and body[i + 1][1].startswith("+++ "):
            return "\n".join(t for _, t in body[:i]).strip("\n"), body[i:]
    return "\n".join(t for _, t in body).strip("\n"), []


# ---------------------------------------------------------------------------------------
# Diffs

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$")
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquote(path: str) -> str:
    """Undo git's C-style quoting of a path (``"a/f\\303\\251.c"``)."""
    if not (len(path) >= 2 and path[0] == '"' and path[-1] == '"'):
        return path
    out = bytearray()
    body = path[1:-1]
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567" and re.match(r"[0-7]{3}", body[i + 1 : i + 4]):
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_C_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out.extend(ch.encode("utf-8", errors="surrogateescape"))
        i += 1
    return out.decode("utf-8", errors="surrogateescape")


def safe_path(path: str) -> str:
    """Normalize a root-relative patch path; refuse one that could leave the root."""
    if "\0" in path or path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        raise PatchError(f"refusing path {path!r}: not relative to the tree root")
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise PatchError(f"refusing path {path!r}: it leaves the tree root")
    return "/".join(parts)


def _strip_prefix(path: str) -> Optional[str]:
    """The root-relative path of a ``---``/``+++`` name (``-p1``), or None for /dev/null."""
    path = path.split("\t", 1)[0]
    path = _unquote(path.strip()) if path.strip().startswith('"') else path.rstrip()
    if path == "/dev/null":
        return None
    if path.startswith("/"):
        raise PatchError(f"refusing path {path!r}: not relative to the tree root")
    if "/" in path:
        path = path.split("/", 1)[1]
    return safe_path(path)


def _git_header_paths(rest: str) -> Tuple[Optional[str], Optional[str]]:
    """Paths from ``diff --git a/X b/Y`` (the unambiguous cases; ---/+++ lines refine them)."""
    rest = rest.strip()
    if rest.startswith('"'):
        m = re.match(r'^("(?:[^"\\]|\\.)*")\s+(.*)$', rest)
        if m:
            return _strip_prefix(m.group(1)), _strip_prefix(m.group(2))
    # Same path on both sides: "a/P b/P" has a space exactly in the middle.
    if len(rest) % 2 == 1:
        half = len(rest) // 2
        left, right = rest[:half], rest[half + 1 :]
        if rest[half] == " " and left.split("/", 1)[-1] == right.split("/", 1)[-1]:
            return _strip_prefix(left), _strip_prefix(right)
    m = re.match(r"^(\S+) (\S+)$", rest)
    if m:
        return _strip_prefix(m.group(1)), _strip_prefix(m.group(2))
    return None, None


def _read_hunk(body: List[Tuple[int, str]], i: int, m: re.Match[str]) -> Tuple[Hunk, int]:
    """Read the hunk whose header matched ``m`` at ``body[i]``; return it and the next index."""
    old_start, new_start = int(m.group(1)), int(m.group(3))
    old_count = int(m.group(2)) if m.group(2) is not None else 1
    new_count = int(m.group(4)) if m.group(4) is not None else 1
    where = body[i][0]
    if (old_start == 0 and old_count > 0) or (new_start == 0 and new_count > 0):
        raise PatchError(f"line {where}: malformed hunk header (a side with lines cannot start at line 0)")
    if max(old_start, new_start, old_count, new_count) > MAX_HUNK_LINE:
        raise PatchError(f"line {where}: hunk header names line {max(old_start, new_start)}, beyond any source file")
    hunk = Hunk(old_start, old_count, new_start, new_count, section=m.group(5).strip())
    old_left, new_left = old_count, new_count
    new_line = new_start
    last_tag = ""
    i += 1
    while i < len(body) and (old_left > 0 or new_left > 0):
        lineno, text = body[i]
        if text.startswith("\\"):
            if last_tag in (" ", "+"):
                hunk.new_missing_newline = True
            i += 1
            continue
        tag = text[:1] or " "  # GNU diff may drop the space of an empty context line
        if tag == " " and old_left > 0 and new_left > 0:
            old_left, new_left = old_left - 1, new_left - 1
            new_line += 1
        elif tag == "-" and old_left > 0:
            old_left -= 1
        elif tag == "+" and new_left > 0:
            hunk.added.append(AddedLine(new_line, text[1:], lineno))
            new_left -= 1
            new_line += 1
        else:
            break  # truncated or mangled hunk: keep what was read
        hunk.lines.append((tag, text[1:]))
        last_tag = tag
        i += 1
    # A "\ No newline at end of file" right after the hunk belongs to its last line.
    if i < len(body) and body[i][1].startswith("\\ "):
        if last_tag in (" ", "+"):
            hunk.new_missing_newline = True
        i += 1
    return hunk, i


def parse_diff(body: List[Tuple[int, str]]) -> List[FileDiff]:
    """Parse the unified diffs in ``body`` (numbered lines) into file changes."""
    files: List[FileDiff] = []
    current: Optional[FileDiff] = None
    i = 0
    n = len(body)
    while i < n:
        text = body[i][1]
        if text.startswith("diff --git "):
            old, new = _git_header_paths(text[len("diff --git ") :])
            current = FileDiff(old_path=old, new_path=new)
            files.append(current)
            i += 1
            i = _read_git_headers(body, i, current)
            continue
        if text.startswith("--- ") and i + 1 < n and body[i + 1][1].startswith("+++ "):
            old = _strip_prefix(text[4:])
            new = _strip_prefix(body[i + 1][1][4:])
            if current is None or current.hunks or current.binary:
                current = FileDiff(old_path=old, new_path=new)
                files.append(current)
            else:
                current.old_path, current.new_path = old, new
            if old is None:
                current.status = "added"
            elif new is None:
                current.status = "deleted"
            i += 2
            continue
        m = _HUNK.match(text)
        if m and current is not None and not current.binary:
            hunk, i = _read_hunk(body, i, m)
            current.hunks.append(hunk)
            continue
        i += 1
    return files


_GIT_EXTRA = re.compile(r"^(?:old mode|new mode|similarity index|dissimilarity index|index )")


def _read_git_headers(body: List[Tuple[int, str]], i: int, fd: FileDiff) -> int:
    """Read a git diff's extended header lines (modes, renames, binary) into ``fd``."""
    while i < len(body):
        text = body[i][1]
        if text.startswith("new file mode"):
            fd.status, fd.old_path = "added", None
        elif text.startswith("deleted file mode"):
            fd.status, fd.new_path = "deleted", None
        elif text.startswith("rename from "):
            fd.status, fd.old_path = "renamed", safe_path(_unquote(text[12:]))
        elif text.startswith("rename to "):
            fd.status, fd.new_path = "renamed", safe_path(_unquote(text[10:]))
        elif text.startswith("copy from "):
            fd.status, fd.old_path = "copied", safe_path(_unquote(text[10:]))
        elif text.startswith("copy to "):
            fd.status, fd.new_path = "copied", safe_path(_unquote(text[8:]))
        elif text.startswith("Binary files ") or text == "GIT binary patch":
            fd.binary = True
        elif not _GIT_EXTRA.match(text):
            return i
        i += 1
    return i


# ---------------------------------------------------------------------------------------
# Series


def _patch_from_body(
    body: List[Tuple[int, str]], header: dict, commit: Optional[str], first_line: int
) -> Optional[Patch]:
    message, rest = _split_message(body)
    files = parse_diff(rest)
    if not files:
        return None
    subject, index, total = parse_subject(header.get("subject", ""))
    return Patch(
        index=index or 0,
        total=total or 0,
        subject=subject,
        files=files,
        commit=commit,
        raw_subject=header.get("subject", ""),
        message=message,
        first_line=first_line,
    )


def read_series(data: bytes, kind: Optional[str] = None) -> List[Patch]:
    """Read every patch in ``data`` (an mbox, one mail or a bare diff).

    ``kind`` forces the reading (``"mbox"``, ``"mail"``, ``"diff"``); by default it is
    detected from the content. Mails without a diff (cover letters, replies) are
    skipped. Raises :class:`PatchError` when nothing in ``data`` is a patch or a path
    would leave the tree root.
    """
    kind = kind or detect(data)
    lines = _text_lines(data)
    patches: List[Patch] = []
    if kind == "mbox":
        for start, msg_lines in _split_mbox(lines):
            git = _GIT_FROM.match(lines[start])
            header, body = _read_mail(_unquote_mbox(msg_lines), start + 2)
            patch = _patch_from_body(body, header, git.group(1) if git else None, start + 1)
            if patch:
                patches.append(patch)
    elif kind == "mail":
        header, body = _read_mail(lines, 1)
        patch = _patch_from_body(body, header, None, 1)
        if patch:
            patches.append(patch)
    else:
        files = parse_diff([(i + 1, t) for i, t in enumerate(lines)])
        if files:
            patches.append(Patch(index=0, total=0, subject="", files=files))
    if not patches:
        raise NotAPatchError("does not appear to be a unified-diff format patch")
    _number(patches)
    return patches


def _number(patches: List[Patch]) -> None:
    """Fill in index/total where the subjects did not say (``[PATCH]`` or a bare diff)."""
    count = len(patches)
    for pos, patch in enumerate(patches, 1):
        if not patch.index:
            patch.index = pos
        if not patch.total:
            patch.total = max(count, patch.index)
