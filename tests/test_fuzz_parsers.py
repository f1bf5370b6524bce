"""Property-based fuzzing of every parser that reads text a stranger wrote.

Seeds are real mail from ../shared/corpus (lore-vfio list mail, patchwork's odd and
broken mails); hypothesis mutates them the way mail gets damaged in the wild (flipped
bytes, truncation, repeated headers, wrong or unknown charsets and transfer encodings,
NULs and escapes spliced in) and also builds inputs from parts. The contract under test:
no exception escapes a parser except the documented ParseFailure / MaintainersError, and
what is built from parts parses back to those parts.

Example counts are modest (the whole file runs in well under a minute on 2 cores); run
with ``--hypothesis-show-statistics`` to see how many cases each property ran, and with
``VFIO_FUZZ_SCALE=20`` for a long session.
"""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

import pytest
from conftest import SHARED
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from workbench.errors import MaintainersError
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.mail.parse import SUBJECT_CAP, ParseFailure, parse_message
from workbench.model import FileChange, MailRecord, Person, RawTrailer, Signal
from workbench.patchmail.diff import split_patch, summarize_diff
from workbench.patchmail.hunks import FileDiff, parse_diff
from workbench.patchmail.subject import parse_subject
from workbench.patchmail.trailers import TRAILER_NAMES, extract_trailers

_SCALE = float(os.environ.get("VFIO_FUZZ_SCALE", "1"))  # e.g. 20 for a long fuzzing session
FUZZ = settings(max_examples=int(150 * _SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.data_too_large])
FEW = settings(max_examples=int(60 * _SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large])


def _seed_files() -> list[Path]:
    """A fixed spread of the real corpus: every 25th lore mail plus every patchwork
    single/broken mail (small enough to keep each example fast)."""
    lore = sorted((SHARED / "corpus" / "lore-vfio").glob("*/*.eml"))
    odd = sorted((SHARED / "corpus" / "patchwork" / "mail").glob("*")) + sorted(
        (SHARED / "corpus" / "patchwork" / "fuzz").glob("*"))
    return [p for p in lore[::25] + odd if p.is_file() and p.stat().st_size < 400_000]


SEEDS: list[bytes] = [p.read_bytes() for p in _seed_files()]
PATCH_TEXTS: list[str] = [t for t in (s.decode("utf-8", "replace") for s in SEEDS) if "\ndiff --git " in t]


def needs(seq: list):
    """Skip a test whose examples are drawn from the real corpus when it is absent. A mark,
    not a call in the test body: hypothesis draws the examples before the body runs, and
    drawing from an empty corpus is an error, not a skip."""
    return pytest.mark.skipif(not seq, reason=f"real corpus not available under {SHARED} "
                                              "(../shared beside the checkout)")


# --- mutations ---------------------------------------------------------------------------

CHARSETS = ["utf-16", "utf-16-le", "x-unknown-charset", "utf-7", "iso-2022-jp", "cp1252", "", '"', "base64",
            "utf-8'en'", "koi8-r", "utf-32", "binary", "ascii\x00", "x" * 300]
ENCODINGS = ["base64", "quoted-printable", "x-uuencode", "8bit", "7bit", "binary", "bogus", ""]
JUNK = [b"\x00", b"\xff\xfe", b"\x1b]52;c;ZXZpbA==\x07", b"\x1b[2J", b"\r", b"\r\n\r\n", b"=?utf-8?b?", b"\xe2\x80",
        b"\n\n", b"--", b"\nContent-Type: multipart/mixed; boundary=x\n", b"\n--x\n", b"\xc0\xaf", b"\t"]


@st.composite
def mutated_mail(draw) -> bytes:
    data = bytearray(SEEDS[draw(st.integers(0, len(SEEDS) - 1))])
    header_end = data.find(b"\n\n")
    header_end = header_end if header_end > 0 else len(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "truncate", "dup-header", "charset", "cte", "insert", "drop-line"]))
        n = len(data)
        if n == 0:
            break
        if op == "flip":
            for _ in range(draw(st.integers(1, 8))):
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[draw(st.integers(0, n - 1)):]
        elif op == "dup-header":
            lines = bytes(data[:header_end]).split(b"\n")
            line = lines[draw(st.integers(0, len(lines) - 1))]
            times = draw(st.sampled_from([2, 3, 50, 400]))
            data[0:0] = (line + b"\n") * times
        elif op == "charset":
            new = draw(st.sampled_from(CHARSETS)).encode("latin-1", "replace")
            data = bytearray(re.sub(rb"(?i)charset=\"?[\w.-]*\"?", b"charset=" + new, bytes(data)))
            if b"charset=" not in data:
                data[0:0] = b"Content-Type: text/plain; charset=" + new + b"\n"
        elif op == "cte":
            new = draw(st.sampled_from(ENCODINGS)).encode()
            data[0:0] = b"Content-Transfer-Encoding: " + new + b"\n"
        elif op == "insert":
            at = draw(st.integers(0, n))
            data[at:at] = draw(st.one_of(st.sampled_from(JUNK), st.binary(min_size=1, max_size=40)))
        elif op == "drop-line":
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            data = bytearray(b"\n".join(lines[:i] + lines[i + 1:]))
        header_end = min(header_end, len(data))
    return bytes(data)


# --- the message parser --------------------------------------------------------------------

def check_record(record: MailRecord) -> None:
    assert isinstance(record, MailRecord)
    assert record.msgid and "<" not in record.msgid and ">" not in record.msgid
    assert "\n" not in record.subject and "\r" not in record.subject
    assert len(record.subject) <= SUBJECT_CAP
    assert isinstance(record.author, Person) and isinstance(record.sender, Person)
    assert record.msgid not in record.references
    assert record.in_reply_to != record.msgid
    assert all(isinstance(t, RawTrailer) for t in record.trailers)
    assert all(isinstance(f, FileChange) and f.added >= 0 and f.removed >= 0 for f in record.files)
    assert all(isinstance(s, Signal) for s in record.signals)
    if record.date is not None:
        assert record.date.tzinfo is not None


@needs(SEEDS)
@FUZZ
@given(data=mutated_mail())
def test_parse_message_survives_mutated_real_mail(data: bytes) -> None:
    try:
        record = parse_message("/fuzz/mail", data)
    except ParseFailure as err:
        assert err.reason
        return
    check_record(record)


@FEW
@given(data=st.binary(max_size=3000))
@example(b"\x00" * 100)
@example(b"From: a\n\n")
@example(b"\xff\xfe" + "Subject: x\n\nbody".encode("utf-16-le"))
@example(b"Subject: " + b"=?utf-8?b?" * 500 + b"\n\n")
def test_parse_message_survives_arbitrary_bytes(data: bytes) -> None:
    try:
        record = parse_message("/fuzz/bytes", data)
    except ParseFailure:
        return
    check_record(record)


@FEW
@given(headers=st.lists(st.tuples(st.sampled_from(["From", "Subject", "Message-Id", "In-Reply-To", "References",
                                                   "Date", "To", "Cc", "Content-Type", "Reply-To",
                                                   "Content-Transfer-Encoding", "X-Original-From"]),
                                  st.text(max_size=80)), max_size=12),
       body=st.text(max_size=500))
def test_parse_message_survives_generated_headers(headers: list[tuple[str, str]], body: str) -> None:
    blob = "".join(f"{k}: {v}\n" for k, v in headers) + "\n" + body
    try:
        record = parse_message("/fuzz/gen", blob.encode("utf-8", "surrogatepass"))
    except ParseFailure:
        return
    check_record(record)


# --- subjects ---------------------------------------------------------------------------

_WORD = st.from_regex(r"[a-z][a-z0-9_-]{0,9}", fullmatch=True).filter(
    lambda w: not re.fullmatch(r"(patch(v\d+)?|rfc(v\d+)?|resend|v\d+(\.\d+)?)", w))
_TITLE_WORD = st.from_regex(r"[A-Za-z][A-Za-z0-9_/.()]{0,11}", fullmatch=True)


@FUZZ
@given(text=st.text(max_size=300))
@example("[" * 5000)
@example("Re: " * 2000)
@example("[PATCH 99999/0]")
@example("[PATCH v0 0/0] x")
def test_parse_subject_never_raises(text: str) -> None:
    info = parse_subject(text)
    assert isinstance(info.title, str)
    assert info.version >= 1
    if info.number is not None:
        assert info.total is not None


@FUZZ
@given(version=st.integers(1, 99), number=st.integers(0, 30), extra=st.integers(0, 30), rfc=st.booleans(),
       resend=st.booleans(), words=st.lists(_WORD, max_size=3), title=st.lists(_TITLE_WORD, min_size=1, max_size=8),
       replies=st.integers(0, 3), style=st.sampled_from(["spaced", "comma", "glued", "of"]))
def test_parse_subject_round_trips_parts(version: int, number: int, extra: int, rfc: bool, resend: bool,
                                         words: list[str], title: list[str], replies: int, style: str) -> None:
    total = max(number, 1) + extra
    tokens = (["RFC"] if rfc else []) + ["PATCH"] + (["RESEND"] if resend else []) + words
    counter = f"{number} of {total}" if style == "of" else f"{number:02d}/{total}"
    if style == "glued":
        tokens[tokens.index("PATCH")] = f"PATCHv{version}"
        inner = " ".join(tokens + [counter])
    elif style == "comma":
        inner = ",".join(tokens + [f"v{version}", counter])
    else:
        inner = " ".join(tokens + [f"v{version}", counter])
    subject = "Re: " * replies + f"[{inner}] " + " ".join(title)
    info = parse_subject(subject)
    assert (info.version, info.number, info.total) == (version, number, total), subject
    assert (info.rfc, info.resend, info.is_patch, info.is_reply) == (rfc, resend, True, replies > 0), subject
    assert info.prefixes == tuple(words), subject
    assert info.title == " ".join(title), subject


# --- trailers ---------------------------------------------------------------------------

_NAME_WORD = st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=10)
_LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,14}", fullmatch=True).filter(lambda s: not s.endswith("."))
_DOMAIN = st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,8}){1,3}", fullmatch=True)
_PROSE = st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters=":\r\n\x0b\x0c"
                                                  "\x1c\x1d\x1e\x85\u2028\u2029"),
                          max_size=60), max_size=5)


@FUZZ
@given(name=st.sampled_from(TRAILER_NAMES), words=st.lists(_NAME_WORD, min_size=1, max_size=4),
       local=_LOCAL, domain=_DOMAIN, before=_PROSE, after=_PROSE, upper=st.booleans())
def test_trailer_line_round_trips_person(name: str, words: list[str], local: str, domain: str,
                                         before: list[str], after: list[str], upper: bool) -> None:
    pname = " ".join(words)
    email = f"{local}@{domain}"
    shown = email.upper() if upper else email
    line = f"{name}: {pname} <{shown}>"
    text = "\n".join(before + [line] + after)
    got = extract_trailers(text, patch=False)
    assert RawTrailer(name, Person(pname, email)) in got, (text, got)
    # the same line quoted, or below a signature, is somebody else's words
    assert extract_trailers("\n".join(before + ["> " + line] + after), patch=False) == ()
    assert RawTrailer(name, Person(pname, email)) not in extract_trailers("\n".join(before + ["-- ", line]),
                                                                           patch=False)


@FUZZ
@given(text=st.text(max_size=2000), patch=st.booleans())
@example("Acked-by: " + "a" * 200_000, False)
@example("Reviewed-by: x@" + "." * 50_000, False)
@example("Acked-by: =?utf-8?q?J=C3=B6rg?= <" + "@" * 300 + ">", False)
def test_extract_trailers_never_raises(text: str, patch: bool) -> None:
    for t in extract_trailers(text, patch=patch):
        assert t.name in TRAILER_NAMES
        assert t.person.email == t.person.email.lower()


@needs(SEEDS)
@FEW
@given(data=mutated_mail())
def test_extract_trailers_on_mutated_real_bodies(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    for patch in (True, False):
        assert all(t.name in TRAILER_NAMES for t in extract_trailers(text, patch=patch))


# --- diffs ------------------------------------------------------------------------------


@st.composite
def mutated_patch(draw) -> str:
    text = PATCH_TEXTS[draw(st.integers(0, len(PATCH_TEXTS) - 1))]
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 5))):
        if not lines:
            break
        op = draw(st.sampled_from(["drop", "dup", "renumber", "insert", "truncate", "crlf"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines[i:i] = [lines[i]] * draw(st.integers(1, 30))
        elif op == "renumber":
            lines[i] = re.sub(r"\d+", lambda _m: str(draw(st.integers(0, 10 ** 9))), lines[i]) if "@@" in lines[i] \
                else "@@ -{},{} +{},{} @@\n".format(*(draw(st.integers(-5, 10 ** 6)) for _ in range(4)))
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(["+", "-", " ", "\\", "diff --git a/x b/y\n", "--- /dev/null\n",
                                                  "+++ b/\n", "rename from \n", "Binary files a and b differ\n",
                                                  "@@ -1 +1 @@\n", "\x00\n", "+\x1b[2J\n"])))
        elif op == "truncate":
            del lines[i:]
        elif op == "crlf":
            lines = [ln.replace("\n", "\r\n") for ln in lines]
    return "".join(lines)


@needs(PATCH_TEXTS)
@FUZZ
@given(text=mutated_patch())
def test_diff_parsers_survive_mutated_real_patches(text: str) -> None:
    prose, diff = split_patch(text)
    assert prose + diff == text or diff in text
    files, signals = summarize_diff(diff)
    assert all(isinstance(f, FileChange) for f in files)
    assert all(isinstance(s, Signal) and s.path in {f.path for f in files} for s in signals)
    parsed = parse_diff(diff)
    assert all(isinstance(fd, FileDiff) for fd in parsed)


@FEW
@given(text=st.text(max_size=1500))
@example("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,999999999 +1,999999999 @@\n+a\n")
@example("--- \n+++ \n@@ -0,0 +0,0 @@\n")
def test_diff_parsers_never_raise_on_text(text: str) -> None:
    split_patch(text)
    parse_diff(text)
    summarize_diff(text)


_SEGMENT = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
_CODE_LINE = st.text(alphabet=string.ascii_letters + string.digits + " ;(){}=*_+-/", max_size=40)


@st.composite
def built_diff(draw) -> tuple[str, list[tuple[str, int, int]]]:
    """A well-formed git diff of 1-4 files and the (path, added, removed) it must give."""
    paths = draw(st.lists(st.lists(_SEGMENT, min_size=1, max_size=4).map(lambda s: "/".join(s) + ".c"),
                          min_size=1, max_size=4, unique=True))
    out, expected = [], []
    for path in paths:
        out += [f"diff --git a/{path} b/{path}\n", "index 1111111..2222222 100644\n",
                f"--- a/{path}\n", f"+++ b/{path}\n"]
        added_total = removed_total = 0
        start = 1
        for _ in range(draw(st.integers(1, 3))):
            ctx = draw(st.integers(0, 3))
            removed = draw(st.lists(_CODE_LINE, max_size=5))
            added = draw(st.lists(_CODE_LINE, max_size=5))
            assume(removed or added)
            old_len, new_len = ctx + len(removed), ctx + len(added)
            out.append(f"@@ -{start},{old_len} +{start},{new_len} @@ func()\n")
            out += [f" ctx{i}\n" for i in range(ctx)] + [f"-{r}\n" for r in removed] + [f"+{a}\n" for a in added]
            added_total += len(added)
            removed_total += len(removed)
            start += old_len + 10
        expected.append((path, added_total, removed_total))
    return "".join(out), expected


@FUZZ
@given(built=built_diff())
def test_diff_built_from_parts_parses_back(built: tuple[str, list[tuple[str, int, int]]]) -> None:
    diff, expected = built
    assert [(f.path, f.added, f.removed) for f in parse_diff(diff)] == expected
    files, _signals = summarize_diff(diff)
    assert [(f.path, f.added, f.removed, f.status) for f in files] == [(p, a, r, "modified") for p, a, r in expected]
    _prose, found = split_patch("Commit message\n\nSigned-off-by: A <a@b.org>\n---\n stat\n\n" + diff)
    assert found == diff


# --- MAINTAINERS and .mailmap -------------------------------------------------------------


def _maintainers_seed() -> str:
    path = SHARED / "data" / "MAINTAINERS.recent-sections"
    return path.read_text("utf-8", "replace") if path.exists() else ""


MAINTAINERS_SEED = _maintainers_seed()
MAILMAP_SEED = (SHARED / "data" / "mailmap").read_text("utf-8", "replace")[:20000] \
    if (SHARED / "data" / "mailmap").exists() else ""


@st.composite
def mutated_text(draw, seed: str) -> bytes:
    lines = seed.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "flip", "insert", "truncate"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines[i:i] = [lines[i]] * draw(st.integers(1, 5))
        elif op == "flip":
            line = bytearray(lines[i].encode("utf-8", "surrogatepass"))
            if line:
                line[draw(st.integers(0, len(line) - 1))] = draw(st.integers(0, 255))
            lines[i] = line.decode("utf-8", "replace")
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(["F:\t[\n", "N:\t(\n", "K:\t*+\n", "X:\t\n", "M:\t<>\n",
                                                  "F:\t**/**/*\n", "N:\t(a+)+$\n", "R:\t" + "x" * 5000 + "\n",
                                                  "\x00\n", "<a@b> <\n", "Name <a@b> Other <c@d> Extra\n",
                                                  "# comment\n", "<@>\n"])))
        elif op == "truncate":
            del lines[i:]
    return "".join(lines).encode("utf-8", "surrogatepass")


@needs([MAINTAINERS_SEED] if MAINTAINERS_SEED else [])
@FEW
@given(data=st.data())
def test_maintainers_load_survives_mutated_file(data, tmp_path_factory: pytest.TempPathFactory) -> None:
    blob = data.draw(mutated_text(MAINTAINERS_SEED))
    path = tmp_path_factory.mktemp("m") / "MAINTAINERS"
    path.write_bytes(blob)
    try:
        maint = Maintainers.load(path)
    except MaintainersError as err:
        assert "MAINTAINERS" in str(err)
        return
    for probe in ("drivers/vfio/pci/mlx5/main.c", "drivers/crypto/hisilicon/qm.c", "a", ""):
        for match in maint.sections_for(probe, "copy_from_user(x)"):
            assert match.section.name


@needs([MAILMAP_SEED] if MAILMAP_SEED else [])
@FEW
@given(data=st.data())
def test_mailmap_load_survives_mutated_file(data, tmp_path_factory: pytest.TempPathFactory) -> None:
    blob = data.draw(mutated_text(MAILMAP_SEED))
    path = tmp_path_factory.mktemp("mm") / "mailmap"
    path.write_bytes(blob)
    try:
        mm = Mailmap.load(path)
    except MaintainersError:
        return
    person = Person("Some One", "some@example.org")
    assert isinstance(mm.canonical(person), Person)
    assert mm.same(person, person)


@FEW
@given(name=st.lists(_NAME_WORD, min_size=1, max_size=3).map(" ".join), old=_LOCAL, new=_LOCAL, domain=_DOMAIN)
def test_mailmap_entry_round_trips(name: str, old: str, new: str, domain: str) -> None:
    assume(old != new)
    mm = Mailmap.parse(f"{name} <{new}@{domain}> <{old}@{domain}>\n")
    got = mm.canonical(Person("whatever", f"{old}@{domain}"))
    assert got == Person(name, f"{new}@{domain}")
    assert mm.same(Person("", f"{old}@{domain}"), Person("", f"{new}@{domain}".upper().lower()))


def test_maintainers_missing_and_directory_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(MaintainersError, match="not found"):
        Maintainers.load(tmp_path / "nope")
    with pytest.raises(MaintainersError, match="directory"):
        Maintainers.load(tmp_path)
    (tmp_path / "bin").write_bytes(b"\x00\xff" * 1000)
    with pytest.raises(MaintainersError, match="no MAINTAINERS sections"):
        Maintainers.load(tmp_path / "bin")


# --- round trips: parse -> format -> parse ---------------------------------------------------


def _corpus_subjects() -> list[str]:
    """Every Subject of the real lore corpus (raw header, unfolded), for round trips."""
    out = []
    for path in sorted((SHARED / "corpus" / "lore-vfio").glob("*/*.eml")):
        head = path.read_bytes().split(b"\n\n", 1)[0].decode("utf-8", "replace")
        m = re.search(r"^Subject:[ \t]*(.*(?:\n[ \t].*)*)", head, re.MULTILINE | re.IGNORECASE)
        if m:
            out.append(" ".join(m.group(1).split()))
    return out


CORPUS_SUBJECTS = _corpus_subjects()


def format_subject(info) -> str:
    """The canonical spelling of what parse_subject read: what git format-patch / b4 write."""
    tokens = (["RFC"] if info.rfc else []) + ["PATCH"] + (["RESEND"] if info.resend else []) + list(info.prefixes)
    if info.versioned:
        tokens.append(f"v{info.version}")
    if info.number is not None:
        tokens.append(f"{info.number}/{info.total}")
    return ("Re: " if info.is_reply else "") + f"[{' '.join(tokens)}] {info.title}"


def _fields(info) -> tuple:
    return (info.title, info.is_reply, info.is_patch, info.version, info.number, info.total, info.rfc,
            info.resend, info.prefixes)


@st.composite
def corpus_subject(draw) -> str:
    """A real subject, sometimes damaged the way clients damage them (extra Re:/AW:
    chains, spacing, case, a list tag in front, a comma instead of a space)."""
    subject = draw(st.sampled_from(CORPUS_SUBJECTS))
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["re", "aw", "spaces", "upper", "listtag", "comma"]))
        if op == "re":
            subject = "Re: " + subject
        elif op == "aw":
            subject = "AW: " + subject
        elif op == "spaces":
            subject = subject.replace(" ", "  ").replace("[", " [ ", 1)
        elif op == "upper":
            subject = subject.replace("PATCH", "Patch", 1)
        elif op == "listtag":
            subject = "[Linaro-mm-sig] " + subject
        elif op == "comma":
            subject = subject.replace(" v", ",v", 1)
    return subject


@needs(CORPUS_SUBJECTS)
@FUZZ
@given(subject=corpus_subject())
def test_real_subject_parse_format_parse_round_trips(subject: str) -> None:
    """Parse a real subject, write what was read in canonical form, parse that: the same
    facts. Catches a parser that reads a prefix word, version or counter differently
    depending on spelling, which would split one series into two."""
    first = parse_subject(subject)
    assume(first.is_patch and "[" not in first.title[:1])
    again = parse_subject(format_subject(first))
    assert _fields(again) == _fields(first), (subject, format_subject(first))


@needs(CORPUS_SUBJECTS)
@FUZZ
@given(subject=corpus_subject())
def test_reply_subject_of_a_draft_parses_as_the_same_patch(subject: str) -> None:
    """The subject a reply draft gets (``Re: …``) parses as the same patch, marked a reply:
    what the maintainer sends lands on the patch it answers, not on a new series."""
    from workbench.replies.compose import reply_subject

    first = parse_subject(subject)
    reply = parse_subject(reply_subject(subject))
    assert reply.is_reply
    assert _fields(reply)[2:] == _fields(first)[2:], (subject, reply_subject(subject))
    assert reply.title == first.title or not first.is_patch, (subject, reply_subject(subject))


_HEADER_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"],
                                              blacklist_characters="\u0085"), min_size=1, max_size=60).map(
    lambda s: " ".join(s.split())).filter(bool)


@FUZZ
@given(name=st.lists(_NAME_WORD, min_size=1, max_size=3).map(" ".join), local=_LOCAL, domain=_DOMAIN,
       title=_HEADER_TEXT, n=st.integers(1, 30), refs=st.lists(st.tuples(_LOCAL, _DOMAIN), max_size=6, unique=True),
       trailer=st.sampled_from(TRAILER_NAMES), charset=st.sampled_from(["utf-8", "iso-8859-1"]),
       cte=st.sampled_from(["8bit", "base64", "quoted-printable"]))
def test_message_built_from_parts_parses_back(name: str, local: str, domain: str, title: str, n: int,
                                              refs: list[tuple[str, str]], trailer: str, charset: str,
                                              cte: str) -> None:
    """A mail written by Python's email package (RFC 2047 headers, a charset and a
    transfer encoding): parse_message gives back the sender, subject, ids, trailer and
    file it was built from. (UTF-16 bodies are hand-built in test_hostile_big.py: the
    email package itself writes broken UTF-16, splitting the encoded bytes on b"\\n".)"""
    import datetime as dt
    from email.message import EmailMessage
    from email.utils import format_datetime

    email = f"{local}@{domain}"
    ids = [f"{a}.{i}@{b}" for i, (a, b) in enumerate(refs)]
    msgid = f"patch.{n}.{local}@{domain}"
    path = "drivers/vfio/pci/mlx5/main.c"
    body = (f"Commit message for {title}.\n\n{trailer}: {name} <{email}>\n---\n"
            f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,1 +1,2 @@\n int a;\n+int b;\n")
    msg = EmailMessage()
    msg["From"] = f"{name} <{email}>"
    msg["Subject"] = f"[PATCH v2 {n}/30] {title}"
    msg["Message-ID"] = f"<{msgid}>"
    msg["Date"] = format_datetime(dt.datetime(2025, 2, 3, 10, 0, tzinfo=dt.timezone.utc))
    if ids:
        msg["In-Reply-To"] = f"<{ids[-1]}>"
        msg["References"] = " ".join(f"<{i}>" for i in ids)
    if charset == "iso-8859-1":
        try:
            body.encode("latin-1")
        except UnicodeEncodeError:
            assume(False)
    msg.set_content(body, charset=charset, cte=cte)
    record = parse_message("/fuzz/built", msg.as_bytes())
    assert record.msgid == msgid
    assert record.sender == Person(name, email.lower()) or record.sender.email == email.lower()
    assert record.subject == f"[PATCH v2 {n}/30] {title}", (record.subject, record.problems)
    assert record.in_reply_to == (ids[-1] if ids else None)
    assert tuple(record.references) == tuple(ids)
    assert RawTrailer(trailer, Person(name, email.lower())) in record.trailers, (record.trailers, record.problems)
    assert [(f.path, f.added, f.removed) for f in record.files] == [(path, 1, 0)], record.problems
    assert record.date is not None and record.date.year == 2025


_SECTION_NAME = st.from_regex(r"[A-Z][A-Z0-9 ]{2,20}[A-Z0-9]", fullmatch=True)


@FEW
@given(sections=st.lists(st.tuples(_SECTION_NAME, st.lists(st.tuples(_NAME_WORD, _LOCAL, _DOMAIN), min_size=1,
                                                                  max_size=3),
                                   st.lists(_SEGMENT, min_size=1, max_size=3)),
                         min_size=1, max_size=6, unique_by=(lambda s: s[0], lambda s: "/".join(s[2]))))
def test_maintainers_built_from_sections_parses_back(sections) -> None:
    """Sections written the way MAINTAINERS writes them (name, M:, L:, S:, F: dir/) parse
    back to the same people, and every file below a section's directory is owned by it,
    the most specific (deepest) section first."""
    text = ["List of maintainers\n", "===================\n", "\n"]
    for name, people, dirs in sections:
        text.append(f"{name}\n")
        text += [f"M:\t{w} <{lo}@{d}>\n" for w, lo, d in people]
        text += ["L:\tkvm@vger.kernel.org\n", "S:\tMaintained\n", f"F:\t{'/'.join(dirs)}/\n", "\n"]
    maint = Maintainers.parse("".join(text), "built")
    for name, people, dirs in sections:
        section = maint.section(name)
        assert section is not None, (name, [s.name for s in maint.sections])
        assert section.maintainers == tuple(Person(w, f"{lo}@{d}".lower()) for w, lo, d in people)
        probe = "/".join(dirs) + "/sub/file.c"
        owners = [m.section.name for m in maint.sections_for(probe)]
        assert name in owners, (probe, owners)
        deeper = [n for n, _p, d in sections if probe.startswith("/".join(d) + "/") and len(d) > len(dirs)]
        assert owners.index(name) >= len(deeper) or not deeper
