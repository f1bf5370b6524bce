"""documentation: are the device-specific extensions explained for reviewers?

The acceptance document: drivers "should make an attempt to provide sufficient
documentation for reviewers to understand the device specific extensions, for example in
the case of migration data, how is the device state composed and consumed, which portions
are not otherwise available to the user via vfio-pci, what safeguards exist to validate
the data". Read as (DESIGN.md, "Documentation"):

* applies only when the series brings an extension — an EXTENSION signal in a
  variant-driver or parent file: what the series *adds* for its device (migration ops or
  states, dirty tracking, a region type or device region, an ioctl or feature, an emulated
  BAR), not existing flags on the standard regions or callers converted to a core API
  (series/patterns.py); otherwise ``n/a``;
* passes when the series adds or updates a documentation file about the extension (its
  added text talks about migration, device state …, or it is the driver's own), or when the
  cover letter — and comment blocks the series adds to the variant driver, where reviewers
  read — answer all three questions;
* otherwise ``missing``, with one CheckPart per question saying whether it is answered.

Whether prose answers a question is a heuristic, so every answer is shown as the sentence
that matched (the maintainer can overrule it), and the cues are deliberately strict: a
sentence must name the *data* and say something about it ("the device state consists of
…", "the header is validated …"); a changelog line such as "sanity tested on …" is not an
answer. Changelog lines, quotes, links and diffstats are not read at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.model import (
    CheckId,
    CheckPart,
    CheckResult,
    Evidence,
    Series,
    SignalKind,
    Status,
)
from workbench.patchmail.comments import COMMENT, DOC_TEXT, is_documentation_file
from workbench.policy.ownership import is_parent_candidate
from workbench.policy.scope import variant_of
from workbench.text import one_line

CHECK_ID = CheckId.DOCUMENTATION
MAX_SENTENCES = 3  # per question, in the evidence
MAX_SIGNAL_EVIDENCE = 12


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    name: str  # the part name: what the draft asks
    subject: re.Pattern[str]  # the sentence talks about the right thing...
    claim: re.Pattern[str]  # ...and says what the question asks


_I = re.IGNORECASE
_DATA = (r"(?:device|migration|migrat\w+|saved|internal|vf|hardware|hw)[ -]+(?:state|data|context|image|stream|blob)"
         r"|\bstate[ -]+(?:data|buffer|image|blob)|\bmigration[ -]+(?:region|buffer|file|header)"
         r"|\b(?:the|this|its)\s+(?:state|data|payload)\b")

QUESTIONS: tuple[Question, ...] = (
    Question(
        "composition",
        "how the device state is composed and consumed",
        re.compile(_DATA, _I),
        re.compile(r"\b(?:compos\w+|consist\w*|comprise\w*|contain\w*|made\s+up|layout|format\w*|header|"
                   r"serializ\w+|struct(?:ure[ds]?)?\b|fields?\b|consum\w+|restor\w+|loaded|loads?\b|"
                   r"resum\w+|read\s+(?:back|out|from)|written\s+(?:back|to|into)|transferr?\w*|"
                   r"saved\s+(?:by|from|in|into|to)|saves?\s+the|save\s+and\s+(?:load|restore))", _I),
    ),
    Question(
        "not-otherwise-available",
        "which portions are not otherwise available through vfio-pci",
        re.compile(r"\b(?:state|data|register\w*|context|information|info|portion\w*|part\w*|queue\w*|"
                   r"memory|config\w*|firmware|fw|pf|parent)\b", _I),
        re.compile(r"\bnot\s+(?:otherwise\s+|directly\s+|normally\s+|otherwise\s+be\s+|be\s+)?"
                   r"(?:available|accessible|exposed|visible|reachable|obtainable|readable)"
                   r"|\b(?:cannot|can't|can\s+not|could\s+not|unable\s+to)\s+(?:be\s+)?"
                   r"(?:access\w*|read|reach\w*|obtain\w*|retriev\w*|see|seen)\b"
                   r"|\b(?:only|solely|exclusively)\s+(?:be\s+)?(?:available|accessible|obtainable|known|visible)\b"
                   r"|\b(?:available|accessible|reachable|visible|exposed|readable)\s+only\s+(?:through|via|by|to|from|in)\b"
                   r"|\bnone\s+of\s+(?:this|these|that|those|it|the)\b[^.;:]*?\b(?:is|are)\s+(?:otherwise\s+|directly\s+)?"
                   r"(?:available|accessible|exposed|visible|reachable|obtainable|readable)"
                   r"|\bhidden\s+from\b|\bopaque\s+to\b|\bbeyond\s+what\s+vfio|\bnot\s+part\s+of\s+(?:the\s+)?"
                   r"(?:vf|pci|bar|config)", _I),
    ),
    Question(
        "safeguards",
        "what safeguards validate the data",
        re.compile(r"\b(?:data|state|header|stream|image|input|size|length|buffer|field|version|magic|"
                   r"blob|payload|offset|migration|userspace|user)\b", _I),
        re.compile(r"\b(?:validat\w+|sanity[- ]check\w*|verif(?:y|ies|ied|ication)\w*|checksums?|crc\d*|"
                   r"magic\s+(?:number|value|word)|integrity|reject\w*|malicious|untrusted|trust(?:ed)?|"
                   r"bounds?[- ]check\w*|out[- ]of[- ]bounds|sanitiz\w+|safeguard\w*|guard\s+against|"
                   r"compatib\w+\s+check\w*|check\w*\s+(?:the\s+)?(?:compatib\w+|version|size|length|header|magic))", _I),
    ),
)

# Lines that are not prose a reviewer wrote for this question.
_SKIP_LINE = re.compile(
    r"^\s*(?:>|\[\d+\]|https?://|Link:|Signed-off-by:|Cc:|base-commit:|change-id:|"
    r"(?:changes\s+)?(?:since|from|in)\s+v\d|v\d+\s*(?:-+>|->|to)\s*v\d|RFC\s*v?\d*\s*-+>|"
    r".*\|\s+\d+\s*[+-]*\s*$|\d+ files? changed|create mode|delete mode|rename )",
    re.IGNORECASE,
)
_CHANGELOG_HEAD = re.compile(r"^\s*(?:changes|changelog|v\d+\s*[-=]*>|rfc\s*v?\d*\s*-+>|since\s+v\d)", re.I)
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'\[])")


def sentences(text: str) -> list[str]:
    """Prose sentences of a cover letter, with changelogs, links, quotes and diffstats left
    out. A changelog block (from "v7 --> v8" or "Changes in v2" to the next blank line
    followed by unindented prose) describes past review, not the device."""
    out: list[str] = []
    paragraph: list[str] = []
    in_changelog = False

    def flush() -> None:
        if paragraph:
            joined = " ".join(" ".join(paragraph).split())
            out.extend(s.strip() for s in _SENTENCE_END.split(joined) if len(s.strip()) > 12)
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush()
            in_changelog = False
            continue
        if line.strip() in ("---", "-- ") or re.match(r"^\S.*\(\d+\):$", line):  # "Name (3):" shortlog
            flush()
            break
        if _CHANGELOG_HEAD.match(line):
            flush()
            in_changelog = True
            continue
        if in_changelog or _SKIP_LINE.match(line):
            continue
        if _BULLET.match(line):
            flush()
            line = _BULLET.sub("", line)
        paragraph.append(line.strip())
    flush()
    return out


_ASCII_CASE: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (q.key, re.compile(q.claim.pattern, q.claim.flags & ~_I), re.compile(q.subject.pattern, q.subject.flags & ~_I))
    for q in QUESTIONS)
"""The questions' patterns without IGNORECASE, for an ASCII sentence lower-cased first:
the same answer (their literals are lower case: tests/test_policy_documentation.py checks it on
every sentence of the corpus, upper-cased too), 2.5–4× faster per pattern on the
corpus's sentences: a case-blind pattern folds the case of every character it compares,
at every offset it tries. A sentence with other characters keeps the case-blind search,
whose Unicode folding ("ſ" is an "s", "K" a "k") lower-casing does not repeat."""


def answers(text: str) -> dict[str, list[str]]:
    """For each question key, the sentences of ``text`` that appear to answer it."""
    found: dict[str, list[str]] = {q.key: [] for q in QUESTIONS}
    for sentence in sentences(text):
        if sentence.isascii():
            low = sentence.lower()
            for key, claim, subject in _ASCII_CASE:
                if claim.search(low) and subject.search(low):
                    found[key].append(sentence)
            continue
        for q in QUESTIONS:
            if q.claim.search(sentence) and q.subject.search(sentence):
                found[q.key].append(sentence)
    return found


@dataclass(frozen=True, slots=True)
class DocFile:
    number: int
    path: str
    msgid: str
    about: str  # why it counts: the added line that names the extension, or the path


def _doc_files(series: Series) -> tuple[list[DocFile], list[DocFile]]:
    """(documentation files about the extension, documentation files about something else).

    A file documents the extension when its added text talks about migration, device state,
    dirty tracking … (a ``doc_text`` signal, found at load time), or when its path is the
    driver's own: inside the variant driver's directory, or named after the driver outside
    ``Documentation/ABI/`` (``Documentation/driver-api/vfio/mlx5.rst``). The sysfs ABI entry
    a life-cycle refactor adds for ``vfio-dev/vfioX`` is neither."""
    drivers = {d for patch in series.patches for change in patch.files if (d := variant_of(change.path))}
    topics = {(patch.number, signal.path): signal.line for patch in series.patches for signal in patch.signals
              if signal.kind is SignalKind.DOC and signal.pattern == DOC_TEXT}
    about: list[DocFile] = []
    other: list[DocFile] = []
    for patch in series.patches:
        for change in patch.files:
            if change.status == "deleted" or not is_documentation_file(change.path):
                continue
            topic = topics.get((patch.number, change.path))
            if topic is not None:
                about.append(DocFile(patch.number, change.path, patch.msgid, f'says "{topic.strip()}"'))
            elif _named_for(change.path, drivers):
                about.append(DocFile(patch.number, change.path, patch.msgid, "the driver's own documentation"))
            else:
                other.append(DocFile(patch.number, change.path, patch.msgid, ""))
    return about, other


def _named_for(path: str, drivers: set[str]) -> bool:
    if variant_of(path) is not None:
        return True
    if path.startswith("Documentation/ABI/"):
        return False
    words = set(re.split(r"[/._-]+", path.lower()))
    return any(d.lower() in words for d in drivers)


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment block a patch adds to the variant driver: prose reviewers read."""

    number: int
    path: str
    msgid: str
    text: str


def _comments(series: Series) -> list[Comment]:
    return [Comment(patch.number, signal.path, patch.msgid, signal.line)
            for patch in series.patches for signal in patch.signals
            if signal.kind is SignalKind.DOC and signal.pattern == COMMENT and variant_of(signal.path) is not None]


def _comment_answers(comments: list[Comment]) -> dict[str, list[tuple[str, Comment]]]:
    found: dict[str, list[tuple[str, Comment]]] = {q.key: [] for q in QUESTIONS}
    for comment in comments:
        for key, said in answers(comment.text).items():
            found[key].extend((sentence, comment) for sentence in said)
    return found


def _extensions(series: Series) -> list[Evidence]:
    seen: dict[tuple[str, str], list[int]] = {}
    msgids: dict[tuple[str, str], str] = {}
    for patch in series.patches:
        for signal in patch.signals:
            if signal.kind is not SignalKind.EXTENSION:
                continue
            if variant_of(signal.path) is None and not is_parent_candidate(signal.path):
                continue
            key = (signal.pattern, signal.path)
            if patch.number not in seen.setdefault(key, []):
                seen[key].append(patch.number)
            msgids.setdefault(key, patch.msgid)
    out = []
    for (pattern, path), nums in seen.items():
        where = ", ".join(f"{n}/{series.expected}" for n in nums)
        out.append(Evidence(text=one_line(f"extension: {pattern} in {path} ({where})"), msgid=msgids[(pattern, path)]))
    return out


def check_documentation(series: Series) -> CheckResult:
    extensions = _extensions(series)
    if not extensions:
        return CheckResult(CHECK_ID, Status.NA, "no device-specific extension (migration, dirty tracking, "
                                                "regions, ioctls) found")
    shown = extensions[:MAX_SIGNAL_EVIDENCE]
    if len(extensions) > len(shown):
        shown.append(Evidence(text=f"… and {len(extensions) - len(shown)} more extension signals"))
    cover = series.cover
    # Without a cover letter the first patch's commit message is where the author explains
    # (a lone "[PATCH v7] vfio/qat: Add vfio_pci driver …" has nowhere else to say it).
    first = series.patches[0] if cover is None and series.patches and series.patches[0].number == 1 else None
    if cover is not None:
        text, where, who, msgid, when = cover.cover_text, "the cover letter", cover.author, cover.msgid, cover.date
    elif first is not None and first.prose:
        text, where, who, msgid, when = (first.prose, f"the commit message of 1/{series.expected}", first.author,
                                         first.msgid, first.date)
    else:
        text, where, who, msgid, when = "", "", None, None, None
    found = answers(text) if text else {q.key: [] for q in QUESTIONS}
    in_comments = _comment_answers(_comments(series))
    docs, unrelated = _doc_files(series)
    doc_evidence = [Evidence(text=one_line(f"documentation file: {d.path} ({d.number}/{series.expected}), {d.about}",
                                           240), msgid=d.msgid)
                    for d in docs]
    doc_evidence += [Evidence(text=one_line(f"not about the extension: {d.path} ({d.number}/{series.expected}) "
                                            f"says nothing of migration, device state or the driver"), msgid=d.msgid)
                     for d in unrelated]
    parts: list[CheckPart] = []
    for q in QUESTIONS:
        said = found[q.key]
        commented = in_comments[q.key]
        ev = [Evidence(text=one_line(f"{where.removeprefix('the ')}: \"{s}\"", 240), person=who, msgid=msgid,
                       date=when)
              for s in said[:MAX_SENTENCES]]
        if said:
            parts.append(CheckPart(q.name, Status.PASS, one_line(f"answered in {where}: {said[0]}", 160),
                                   evidence=ev))
        elif commented:
            sentence, first_comment = commented[0]
            ev = [Evidence(text=one_line(f"comment in {c.path} ({c.number}/{series.expected}): \"{s}\"", 240),
                           person=series.author, msgid=c.msgid)
                  for s, c in commented[:MAX_SENTENCES]]
            parts.append(CheckPart(q.name, Status.PASS,
                                   one_line(f"answered in a comment in {first_comment.path}: {sentence}", 160),
                                   patches=sorted({c.number for _, c in commented}),
                                   files=sorted({c.path for _, c in commented}), evidence=ev))
        elif docs:
            parts.append(CheckPart(q.name, Status.PASS, one_line(f"left to the documentation file {docs[0].path}"),
                                   patches=sorted({d.number for d in docs}), files=[d.path for d in docs],
                                   evidence=list(doc_evidence[:len(docs)])))
        else:
            gap = f"{where} does not say" if where else "no cover letter and no documentation file"
            if unrelated:
                gap += f" ({unrelated[0].path} is about something else)"
            parts.append(CheckPart(q.name, Status.MISSING, gap, missing=[series.author]))
    by_cover = [q for q in QUESTIONS if found[q.key]]
    by_comment = [q for q in QUESTIONS if not found[q.key] and in_comments[q.key]]
    answered = by_cover + by_comment
    cover_ev = [ev for part in parts if part.status is Status.PASS and not part.files for ev in part.evidence]
    comment_ev = [ev for part in parts if part.status is Status.PASS and part.files
                  and not any(d.path in part.files for d in docs) for ev in part.evidence]
    evidence = doc_evidence + cover_ev + comment_ev + shown
    if docs:
        summary = f"documentation: {', '.join(sorted({d.path for d in docs}))}"
        return CheckResult(CHECK_ID, Status.PASS, one_line(summary, 160), evidence=evidence, parts=parts)
    if len(answered) == len(QUESTIONS):
        if not by_comment:
            said_by = where
        elif not by_cover:
            said_by = "comments in the driver"
        else:
            said_by = f"{where} and comments in the driver"
        return CheckResult(CHECK_ID, Status.PASS, f"{said_by} answer{'s' if said_by == where else ''} all three "
                                                  f"questions (heuristic; see sentences)",
                           evidence=evidence, parts=parts)
    unanswered = [q.key for q in QUESTIONS if not found[q.key] and not in_comments[q.key]]
    if not where:
        summary = "extensions without documentation and no cover letter"
    elif answered:
        summary = f"no documentation; {where} leaves unanswered: {', '.join(unanswered)}"
    else:
        summary = f"extensions without documentation; {where} answers none of the three questions"
    return CheckResult(CHECK_ID, Status.MISSING, one_line(summary), evidence=evidence,
                       missing=[series.author], parts=parts)
