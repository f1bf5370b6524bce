"""documentation: are the device-specific extensions explained for reviewers?

The acceptance document: drivers "should make an attempt to provide sufficient
documentation for reviewers to understand the device specific extensions, for example in
the case of migration data, how is the device state composed and consumed, which portions
are not otherwise available to the user via vfio-pci, what safeguards exist to validate
the data". Read as (DESIGN.md, "Documentation"):

* applies only when the series brings an extension — an EXTENSION signal (migration ops or
  states, dirty tracking, regions, ioctls, emulated BARs) in a variant-driver or parent
  file; otherwise ``n/a``;
* passes when the series adds or updates a documentation file (``Documentation/…`` or a
  driver ``.rst``), or when the cover letter answers all three questions;
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

from workbench.model import CheckPart, CheckResult, Evidence, Series, SignalKind, Status
from workbench.policy.ownership import is_parent_candidate
from workbench.policy.scope import variant_of
from workbench.text import one_line

CHECK_ID = "documentation"
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


def answers(text: str) -> dict[str, list[str]]:
    """For each question key, the sentences of ``text`` that appear to answer it."""
    found: dict[str, list[str]] = {q.key: [] for q in QUESTIONS}
    for sentence in sentences(text):
        for q in QUESTIONS:
            if q.claim.search(sentence) and q.subject.search(sentence):
                found[q.key].append(sentence)
    return found


def _doc_files(series: Series) -> list[tuple[int, str, str]]:
    out = []
    for patch in series.patches:
        for change in patch.files:
            if change.status == "deleted":
                continue
            if change.path.startswith("Documentation/") or change.path.endswith(".rst"):
                out.append((patch.number, change.path, patch.msgid))
    return out


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
    docs = _doc_files(series)
    doc_evidence = [Evidence(text=one_line(f"documentation file: {path} ({n}/{series.expected})"), msgid=msgid)
                    for n, path, msgid in docs]
    parts: list[CheckPart] = []
    for q in QUESTIONS:
        said = found[q.key]
        ev = [Evidence(text=one_line(f"{where.removeprefix('the ')}: \"{s}\"", 240), person=who, msgid=msgid,
                       date=when)
              for s in said[:MAX_SENTENCES]]
        if said:
            parts.append(CheckPart(q.name, Status.PASS, one_line(f"answered in {where}: {said[0]}", 160),
                                   evidence=ev))
        elif docs:
            parts.append(CheckPart(q.name, Status.PASS, one_line(f"left to the documentation file {docs[0][1]}"),
                                   patches=sorted({n for n, _, _ in docs}), files=[p for _, p, _ in docs],
                                   evidence=list(doc_evidence)))
        else:
            gap = f"{where} does not say" if where else "no cover letter and no documentation file"
            parts.append(CheckPart(q.name, Status.MISSING, gap, missing=[series.author]))
    answered = [q for q, part in zip(QUESTIONS, parts) if found[q.key]]
    cover_ev = [ev for part in parts if part.status is Status.PASS and not part.files for ev in part.evidence]
    evidence = doc_evidence + cover_ev + shown
    if docs:
        summary = f"documentation: {', '.join(sorted({p for _, p, _ in docs}))}"
        return CheckResult(CHECK_ID, Status.PASS, one_line(summary, 160), evidence=evidence, parts=parts)
    if len(answered) == len(QUESTIONS):
        return CheckResult(CHECK_ID, Status.PASS, f"{where} answers all three questions (heuristic; see sentences)",
                           evidence=evidence, parts=parts)
    unanswered = [q.key for q in QUESTIONS if not found[q.key]]
    if not where:
        summary = "extensions without documentation and no cover letter"
    elif answered:
        summary = f"no documentation; {where} leaves unanswered: {', '.join(unanswered)}"
    else:
        summary = f"extensions without documentation; {where} answers none of the three questions"
    return CheckResult(CHECK_ID, Status.MISSING, one_line(summary), evidence=evidence,
                       missing=[series.author], parts=parts)
