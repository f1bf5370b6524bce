"""The shape of a set of mails, measured from their raw bytes: what makes mail expensive.

Why: the synthetic generator was tuned by eye, and on real list mail the benchmark's
figures came out worse (issue 13) — real mail carries 20–40 recipients, long References
chains, multi-file patches and MIME parts. This module measures those quantities from raw
message files, so that

- the real-style generator (``synth_mail.Shape``) samples them from the real corpus, and
- the benchmark prints real and generated distributions side by side, so a reader sees
  whether the generator matches.

Pure Python over bytes, no email package: it must run over 100k files in seconds and
measure what is on disk (folded headers, encoded bodies) rather than a parser's view.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REAL_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "lore-vfio"

_MSGID = re.compile(rb"<([^<>\s]+)>")
_HEADER_NAME = re.compile(rb"^([!-9;-~]+):")


class Measure:
    """Names of the measured quantities (columns of the comparison table)."""

    HEADER_BYTES = "header bytes"
    BODY_BYTES = "body bytes"
    RECIPIENTS = "To+Cc addresses"
    REFERENCES = "References depth"
    PATCH_LINES = "patch changed lines"
    PATCH_BYTES = "patch body bytes"
    PATCH_FILES = "files per patch"
    REPLY_BYTES = "reply body bytes"
    REPLY_QUOTED = "reply quoted % of lines"
    REPLY_DEPTH = "reply depth (In-Reply-To chain)"
    MIME_PARTS = "parts of multipart mails"


MEASURES = tuple(v for k, v in vars(Measure).items() if k.isupper())
# kinds of message whose share of all messages is shown
SHARES = ("patch", "reply", "multipart", "base64 or qp", "other")


@dataclass(frozen=True, slots=True)
class MailFacts:
    """What one message file says about its own cost."""

    msgid: str
    parent: str  # In-Reply-To's first id, "" for none
    header_bytes: int
    body_bytes: int
    recipients: int  # addresses in To: and Cc:
    references: int  # message-ids in References:
    multipart: bool
    parts: int  # MIME parts (boundary lines), 0 for a single part
    encoding: str  # "base64", "quoted-printable" (the first such part) or ""
    diff_files: int  # "diff --git" lines; >0 means the mail carries a patch
    diff_lines: int  # added + removed lines of the diff
    quoted_lines: int  # body lines starting with ">"
    text_lines: int  # non-empty body lines

    @property
    def is_patch(self) -> bool:
        return self.diff_files > 0

    @property
    def is_reply(self) -> bool:
        return bool(self.parent) and not self.is_patch


def _unfold(header: bytes) -> dict[bytes, bytes]:
    """Header name (lower case) -> value, folded lines joined; the first of repeated names
    wins except for To/Cc, whose values are concatenated (some mailers repeat them)."""
    out: dict[bytes, bytes] = {}
    name = b""
    for line in header.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if name:
                out[name] += b" " + line.strip()
            continue
        m = _HEADER_NAME.match(line)
        if not m:
            name = b""
            continue
        key = m.group(1).lower()
        value = line[m.end():].strip()
        if key in out:
            if key in (b"to", b"cc"):
                out[key] += b", " + value
                name = key
            else:
                name = b""  # a repeated header we do not look at (Received, …)
            continue
        out[key] = value
        name = key
    return out


def count_addresses(value: bytes) -> int:
    """Addresses in a To/Cc value: commas outside quotes, angle brackets and comments."""
    if not value.strip():
        return 0
    n, depth, quoted, angle, seen = 0, 0, False, False, False
    prev = 0
    for c in value:
        if quoted:
            if c == 0x22 and prev != 0x5C:
                quoted = False
        elif c == 0x22:
            quoted = True
        elif c == 0x28:
            depth += 1
        elif c == 0x29 and depth:
            depth -= 1
        elif c == 0x3C:
            angle = True
        elif c == 0x3E:
            angle = False
        elif c == 0x2C and not depth and not angle:
            n += seen
            seen = False
            prev = c
            continue
        if c not in b" \t\r\n":
            seen = True
        prev = c
    return n + seen


def mail_facts(raw: bytes) -> MailFacts:
    """Measure one raw message (RFC 5322 bytes, LF or CRLF line ends)."""
    raw = raw.replace(b"\r\n", b"\n")
    cut = raw.find(b"\n\n")
    header, body = (raw, b"") if cut < 0 else (raw[:cut + 1], raw[cut + 2:])
    h = _unfold(header)
    ids = _MSGID.findall(h.get(b"in-reply-to", b""))
    ctype = h.get(b"content-type", b"").lower()
    multipart = ctype.startswith(b"multipart/")
    parts = 0
    if multipart:
        m = re.search(rb'boundary="?([^";\s]+)"?', h.get(b"content-type", b""), re.I)
        if m:
            parts = body.count(b"\n--" + m.group(1)) + body.startswith(b"--" + m.group(1)) - 1
            parts = max(parts, 0)
    enc = re.search(rb"content-transfer-encoding:\s*(base64|quoted-printable)", raw, re.I)
    diff_files = diff_lines = quoted = text = 0
    in_diff = False
    for line in body.split(b"\n"):
        if line.startswith(b"diff --git "):
            diff_files += 1
            in_diff = True
            continue
        if in_diff:
            if line.startswith((b"+++", b"---")):
                continue
            if line[:1] in (b"+", b"-"):
                diff_lines += 1
            continue
        if line.startswith(b">"):
            quoted += 1
        if line.strip():
            text += 1
    msgid = _MSGID.search(h.get(b"message-id", b""))
    return MailFacts(
        msgid=msgid.group(1).decode("utf-8", "replace") if msgid else "",
        parent=ids[0].decode("utf-8", "replace") if ids else "",
        header_bytes=len(header), body_bytes=len(body),
        recipients=count_addresses(h.get(b"to", b"")) + count_addresses(h.get(b"cc", b"")),
        references=len(_MSGID.findall(h.get(b"references", b""))),
        multipart=multipart, parts=parts, encoding=enc.group(1).decode().lower() if enc else "",
        diff_files=diff_files, diff_lines=diff_lines, quoted_lines=quoted, text_lines=text)


def reply_depths(facts: Sequence[MailFacts]) -> list[int]:
    """For each reply (not a patch) whose parent is in the set: how many In-Reply-To hops up
    to a message of the set that has no parent in it. Patches of a series are one hop
    below their cover letter; a reply to a patch is two."""
    parent = {f.msgid: f.parent for f in facts if f.msgid}
    out = []
    for f in facts:
        if not f.is_reply or f.parent not in parent:
            continue
        depth, cur, seen = 0, f.msgid, set()
        while cur in parent and parent[cur] and cur not in seen:
            seen.add(cur)
            depth += 1
            cur = parent[cur]
        out.append(depth)
    return out


@dataclass(frozen=True, slots=True)
class Distributions:
    """Samples of each measure (unsorted, as measured) and the shares of message kinds."""

    samples: Mapping[str, tuple[int, ...]]
    shares: Mapping[str, float]
    messages: int


def distributions(facts: Sequence[MailFacts]) -> Distributions:
    patches = [f for f in facts if f.is_patch]
    replies = [f for f in facts if f.is_reply]
    samples = {
        Measure.HEADER_BYTES: tuple(f.header_bytes for f in facts),
        Measure.BODY_BYTES: tuple(f.body_bytes for f in facts),
        Measure.RECIPIENTS: tuple(f.recipients for f in facts),
        Measure.REFERENCES: tuple(f.references for f in facts),
        Measure.PATCH_LINES: tuple(f.diff_lines for f in patches),
        Measure.PATCH_BYTES: tuple(f.body_bytes for f in patches),
        Measure.PATCH_FILES: tuple(f.diff_files for f in patches),
        Measure.REPLY_BYTES: tuple(f.body_bytes for f in replies),
        Measure.REPLY_QUOTED: tuple(round(100 * f.quoted_lines / f.text_lines) for f in replies if f.text_lines),
        Measure.REPLY_DEPTH: tuple(reply_depths(facts)),
        Measure.MIME_PARTS: tuple(f.parts for f in facts if f.multipart),
    }
    n = max(len(facts), 1)
    shares = {"patch": len(patches) / n, "reply": len(replies) / n,
              "other": (len(facts) - len(patches) - len(replies)) / n,
              "multipart": sum(f.multipart for f in facts) / n,
              "base64 or qp": sum(bool(f.encoding) for f in facts) / n}
    return Distributions(samples=samples, shares=shares, messages=len(facts))


def measure_raw(messages: Iterable[bytes]) -> Distributions:
    return distributions([mail_facts(raw) for raw in messages])


def quantile(values: Sequence[int], q: float) -> float:
    """The q-quantile by the nearest-rank method (q in [0, 1]); nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))])


def comparison_table(columns: Sequence[tuple[str, Distributions]]) -> str:
    """Median / p90 / max of each measure, one column group per distribution set, and the
    share of each message kind: what a reader needs to judge a generator against real mail."""
    label_w = max(len(m) for m in MEASURES)
    head = f"{'measure':<{label_w}}" + "".join(f" | {name[:26]:^26}" for name, _ in columns)
    sub = f"{'':<{label_w}}" + "".join(f" | {'median':>8}{'p90':>9}{'max':>9}" for _ in columns)
    lines = [head, sub, "-" * len(sub)]
    for m in MEASURES:
        row = f"{m:<{label_w}}"
        for _, d in columns:
            vals = d.samples.get(m, ())
            row += " | " + "".join(f"{_num(quantile(vals, q)):>{w}}" for q, w in ((0.5, 8), (0.9, 9), (1.0, 9)))
        lines.append(row)
    lines.append("-" * len(sub))
    for s in SHARES:
        row = f"{'share ' + s:<{label_w}}"
        for _, d in columns:
            row += " | " + f"{100 * d.shares.get(s, 0):>25.1f}%"
        lines.append(row)
    lines.append(f"{'messages':<{label_w}}" + "".join(f" | {d.messages:>26}" for _, d in columns))
    return "\n".join(lines)


def _num(x: float) -> str:
    if math.isnan(x):
        return "-"
    return f"{x / 1000:.1f}k" if x >= 100000 else f"{x:.0f}"


def replies_under(facts: Sequence[MailFacts]) -> list[int]:
    """For each message that is not a reply (a patch, a cover letter): how many replies
    sit in the discussion under it, not counting what hangs below another patch."""
    children: dict[str, list[MailFacts]] = {}
    for f in facts:
        if f.parent:
            children.setdefault(f.parent, []).append(f)
    out = []
    for f in facts:
        if f.is_reply:
            continue
        n, todo, seen = 0, [f.msgid], {f.msgid}
        while todo:
            for c in children.get(todo.pop(), ()):
                if c.is_reply and c.msgid not in seen:
                    seen.add(c.msgid)
                    n += 1
                    todo.append(c.msgid)
        out.append(n)
    return out


def real_shape(facts: Sequence[MailFacts]):
    """The generator's ``Shape`` measured from ``facts`` (real mail)."""
    from benchmarks.synth_mail import Shape  # the generator's type; measuring needs no generator

    d = distributions(facts)
    s = d.samples
    n = max(len(facts), 1)
    encoded_b64 = sum(1 for f in facts if f.encoding == "base64") / n
    encoded_qp = sum(1 for f in facts if f.encoding == "quoted-printable") / n

    def nonempty(values, default=(0,)):
        return tuple(sorted(values)) or default

    return Shape(
        header_bytes=nonempty(s[Measure.HEADER_BYTES]),
        recipients_patch=nonempty(f.recipients for f in facts if not f.is_reply),
        recipients_reply=nonempty(f.recipients for f in facts if f.is_reply),
        patch_lines=nonempty(s[Measure.PATCH_LINES], (10,)),
        patch_files=nonempty(s[Measure.PATCH_FILES], (1,)),
        reply_bytes=nonempty(s[Measure.REPLY_BYTES], (500,)),
        reply_quoted=nonempty(s[Measure.REPLY_QUOTED]),
        reply_depth=nonempty(s[Measure.REPLY_DEPTH], (1,)),
        replies_under=nonempty(replies_under(facts)),
        multipart=round(d.shares["multipart"], 4), base64=round(encoded_b64, 4), qp=round(encoded_qp, 4))


def corpus_files(corpus: Path = REAL_CORPUS) -> list[Path]:
    """The message files of a lore-vfio style corpus (``*.eml`` below it), in a stable order."""
    files = sorted(corpus.rglob("*.eml"))
    if not files:
        raise SystemExit(f"no *.eml files under {corpus}: the real corpus is needed for real-style mail")
    return files


def corpus_facts(corpus: Path = REAL_CORPUS) -> list[MailFacts]:
    return [mail_facts(p.read_bytes()) for p in corpus_files(corpus)]


def generated_facts(vfio: int, other: int, seed: int = 1, shape=None) -> list[MailFacts]:
    """Facts of mail the generator writes (in memory, no store)."""
    from benchmarks.synth_mail import generate

    return [mail_facts(data) for _, data in generate(vfio, other, seed, shape)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Print the shape of real mail beside the generators' shapes.")
    p.add_argument("--corpus", type=Path, default=REAL_CORPUS, help=f"real mail (default {REAL_CORPUS})")
    p.add_argument("--messages", type=int, default=5000, help="generated messages per generator (all vfio)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    real = corpus_facts(args.corpus)
    shape = real_shape(real)
    print(comparison_table([
        (f"real {args.corpus.name}", distributions(real)),
        ("real-style generator", distributions(generated_facts(args.messages, 0, args.seed, shape))),
        ("synthetic generator (v2)", distributions(generated_facts(args.messages, 0, args.seed))),
    ]))
    print(f"\nreal-style shape {shape.digest()}: multipart {shape.multipart:.2%}, base64 {shape.base64:.2%}, "
          f"quoted-printable {shape.qp:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
