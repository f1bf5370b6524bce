"""Finding and summarising the diff in a patch mail.

Runs once per message at load time, and its result is cached: the checks then work from
``FileChange`` and ``Signal`` records instead of re-reading patches of hundreds of KB.

Signals are found on *added* lines only: what a series brings in is what the acceptance
document asks about; a removed ``copy_from_user`` is not new userspace exposure. The
patterns are a single named table so the evidence can say which one fired, and so a
maintainer who disagrees with one can find it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, chain, count
from operator import add

from workbench.model import FileChange, Signal, SignalKind
from workbench.patchmail.comments import doc_signals, is_documentation_file, reads_lines
from workbench.patchmail.hunks import DiffLine, FileDiff, FileSummary, Hunk, read_diff, scan_summary
from workbench.patchmail.patterns import PATTERNS, Pattern

__all__ = ["PATTERNS", "Pattern", "MAX_PER_PATTERN", "MAX_PER_FILE", "MAX_LINE", "find_signals", "moved_lines",
           "split_patch", "summarize_diff", "file_change", "tokens"]

MAX_PER_PATTERN = 8
"""Per file and pattern: enough to point the reviewer at the places, not a wall of lines."""
MAX_PER_FILE = 40
"""Per file and kind: a new driver's many extension lines must not crowd out its userspace ones."""
_KINDS = frozenset(p.kind for p in PATTERNS)
MAX_LINE = 1000
"""Only the start of a longer added line is searched: C is not written in 1000-column
lines, and a hostile one must not make a regex walk megabytes."""

# A cheap pre-filter: most added lines match nothing, and substring tests are far cheaper
# than running two dozen regexes (an alternation of them was the slowest part of loading).
# The needles of each file's patterns are in _applies().

_DIFF_PREFIXES = ("diff --git ", "Index: ", "--- ")
# "\n" first: a regex with a literal start is searched for at C speed, while a "^" in
# MULTILINE mode is tried at every offset (2 µs against 12 on the corpus's message bodies)
_DIFF_LINE = re.compile(r"\n(?=diff --git |Index: |--- )")
_SEPARATOR = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


def _diff_start(text: str) -> int | None:
    """Offset of the line where the diff starts, or None: the first line (lines end at
    "\n" only, as ``text.split("\n")`` makes them) that opens a git diff, an ``Index:``
    block with its ``====`` line, or a ``---`` line followed by a ``+++`` one."""
    i: int | None = 0 if text.startswith(_DIFF_PREFIXES) else None
    pos = 0
    while True:
        if i is None:
            m = _DIFF_LINE.search(text, pos)
            if m is None:
                return None
            i = m.end()
        if text.startswith("diff --git ", i):
            return i
        end = text.find("\n", i)
        nxt = text[end + 1:end + 5] if end >= 0 else ""
        if text.startswith("Index: ", i) and nxt.startswith("===="):
            return i
        if text.startswith("--- ", i) and nxt.startswith("+++ "):
            return i
        pos, i = i, None


def split_patch(text: str) -> tuple[str, str]:
    """(prose, diff): the text before the diff and the diff itself ('' when none).

    The prose stops at git's ``---`` separator when there is one before the diff, so the
    diffstat and the "changes since v2" notes are not taken for the commit message. A
    text without a diff is all prose, even if it has a ``---`` line.
    """
    if not text:
        return "", ""
    # Lines end at "\n" only: str.splitlines() also breaks at form feeds, which C code has.
    start = _diff_start(text)
    if start is None:
        return text, ""
    sep = _SEPARATOR.search(text, 0, start)
    # a separator line is one that ends before the diff's line starts ("$" before its "\n")
    end = sep.start() if sep is not None else start
    return text[:end], text[start:]


def file_change(fd: FileDiff) -> FileChange:
    kinds = [line.kind for hunk in fd.hunks for line in hunk.lines]  # one walk for both counts
    return FileChange(path=fd.path, old_path=fd.old_path, status=fd.status,
                      added=kinds.count("+"), removed=kinds.count("-"))


def find_signals(files: list[FileDiff]) -> tuple[Signal, ...]:
    """Signals on the added lines of ``files``; one per (pattern, line), capped per file and kind.

    Most added lines match nothing, so the lines worth a look are found first with
    ``str.find`` over each file's added text joined (C speed, no Python per line); only
    those lines then get the pattern tests, in order, so the caps apply as in a plain
    line-by-line walk.

    What the patch also removes is not new:

    * userspace data: a line whose tokens equal a removed line's (anywhere in the patch)
      was only moved — refactoring series move a ``copy_from_user`` from one function or
      file to another. A moved line that was also edited is compared by its tokens, so it
      differs and stays: the edit may be what needs review.
    * extensions: each name a pattern matches (``VFIO_MIGRATION_STOP_COPY``,
      ``hisi_acc_vf_set_device_state``) is new only beyond the times the patch removes it.
      A life-cycle refactor that rewrites ``vdev.migration_flags =`` / ``VFIO_MIGRATION_STOP_COPY;``
      as one line, or turns ``ext->type.type = VFIO_REGION_TYPE_GFX;`` into a designated
      initializer, adds no extension; a driver that adds ``| VFIO_MIGRATION_PRE_COPY`` to
      its flags does."""
    return _signals([_Lines(fd.path, [(hunk.header, [line.text for line in hunk.lines if line.kind == "+"])
                                      for hunk in fd.hunks],
                            [line.text for hunk in fd.hunks for line in hunk.lines if line.kind == "-"])
                     for fd in files])


class _Lines:
    """One file's added lines (texts, in order, with each one's hunk header found by its
    index) and removed lines: what the signal search reads, from a full ``FileDiff`` or a
    ``FileSummary``. The headers are looked up only for the few lines that hold a signal,
    rather than paired with every added line."""

    __slots__ = ("path", "added", "removed", "_ends", "_headers")

    def __init__(self, path: str, hunks: list[tuple[str, list[str]]], removed: list[str]) -> None:
        self.path = path
        self.added: list[str] = list(chain.from_iterable(texts for _header, texts in hunks))
        self.removed = removed
        self._ends = list(accumulate(len(texts) for _header, texts in hunks))
        self._headers = [header for header, _texts in hunks]

    def header(self, index: int) -> str:
        """The header of the hunk that adds line ``index``."""
        return self._headers[bisect_right(self._ends, index)]


def _signals(files: list[_Lines]) -> tuple[Signal, ...]:
    found: list[Signal] = []
    removed: _Removed | None = None  # built on the first candidate line: most patches have none
    for fd, candidates in zip(files, _candidate_lines(files), strict=True):
        if not candidates:
            continue
        patterns, _needles, by_needle = _applies(fd.path)
        added = fd.added
        per_kind: dict[SignalKind, int] = {}
        per_pattern: dict[tuple[SignalKind, str], int] = {}
        for index, hit in candidates:
            if len(per_kind) == len(_KINDS) and min(per_kind.values()) >= MAX_PER_FILE:
                break
            full = added[index]
            if removed is None:
                removed = _Removed(files)
            text = full[:MAX_LINE]
            low = text.lower()
            moved: bool | None = None
            # ``hit``: the needles found in the whole line, a superset of those in its first
            # MAX_LINE characters: only the patterns of those needles can match, in table order
            chosen = by_needle[next(iter(hit))] if len(hit) == 1 else sorted({i for n in hit for i in by_needle[n]})
            for i in chosen:
                pat = patterns[i]
                key = (pat.kind, pat.name)
                if (per_kind.get(pat.kind, 0) >= MAX_PER_FILE or per_pattern.get(key, 0) >= MAX_PER_PATTERN
                        or not any(n in low for n in pat.needles) or not pat.regex.search(text)):
                    continue
                if pat.kind is SignalKind.EXTENSION:
                    if not removed.claim_new(pat, text):
                        continue
                else:
                    if moved is None:
                        moved = tokens(full) in removed.lines
                    if moved:
                        continue
                per_pattern[key] = per_pattern.get(key, 0) + 1
                per_kind[pat.kind] = per_kind.get(pat.kind, 0) + 1
                found.append(Signal(kind=pat.kind, path=fd.path, pattern=pat.name, line=full,
                                    hunk=fd.header(index)))
    return tuple(found)


_TOKEN = re.compile(r"\w+|[^\w\s]")


def tokens(line: str) -> str:
    """A line as its C tokens, one space apart: re-indenting or re-spacing it is no change."""
    return " ".join(_TOKEN.findall(line))


def moved_lines(files: list[FileDiff]) -> set[str]:
    """The removed lines of a patch as tokens: an added line among them was moved."""
    out = {tokens(line.text) for fd in files for hunk in fd.hunks for line in hunk.lines if line.kind == "-"}
    out.discard("")
    return out


def _name(text: str, match: re.Match[str]) -> str:
    """What a match names: the match widened to whole words, without spaces
    (``precopy`` in ``qat_vf_precopy_ioctl`` names the function)."""
    start, end = match.start(), match.end()
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return "".join(text[start:end].split())


class _Removed:
    """What one patch removes: its lines as tokens, and per extension pattern how often
    each name occurs on removed lines (counted down as added lines claim them)."""

    def __init__(self, files: list[_Lines]) -> None:
        self._files = files
        self._lines: set[str] | None = None
        self._names: dict[str, dict[str, int]] = {}

    @property
    def lines(self) -> set[str]:
        if self._lines is None:
            self._lines = {tokens(text) for fd in self._files for text in fd.removed}
            self._lines.discard("")
        return self._lines

    def _counts(self, pat: Pattern) -> dict[str, int]:
        counts = self._names.get(pat.name)
        if counts is None:
            counts = {}
            for fd in self._files:
                if pat.path is not None and not pat.path.search(fd.path):
                    continue
                for full in fd.removed:
                    text = full[:MAX_LINE]
                    low = text.lower()
                    if not any(n in low for n in pat.needles):
                        continue
                    for match in pat.regex.finditer(text):
                        name = _name(text, match)
                        counts[name] = counts.get(name, 0) + 1
            self._names[pat.name] = counts
        return counts

    def claim_new(self, pat: Pattern, text: str) -> bool:
        """True when some name ``pat`` matches on this added line is not paid for by a
        removed occurrence; every occurrence it matches is claimed either way."""
        counts = self._counts(pat)
        new = False
        for match in pat.regex.finditer(text):
            name = _name(text, match)
            if counts.get(name, 0) > 0:
                counts[name] -= 1
            else:
                new = True
        return new


_BOUND = tuple(p for p in PATTERNS if p.path is not None)
_Applies = tuple[tuple[Pattern, ...], tuple[str, ...], dict[str, tuple[int, ...]]]
_BY_PLACE: dict[tuple[bool, ...], _Applies] = {}


def _applies(path: str) -> _Applies:
    """The patterns for a file (path-bound ones only where they belong, so a needle as
    common as "struct" is not searched in every file), their needles, and each needle's
    patterns (indexes into the first)."""
    place = tuple(p.path.search(path) is not None for p in _BOUND if p.path is not None)
    got = _BY_PLACE.get(place)
    if got is None:
        pats = tuple(p for p in PATTERNS if p.path is None or p.path.search(path))
        index: dict[str, list[int]] = {}
        for i, p in enumerate(pats):
            for n in p.needles:
                index.setdefault(n, []).append(i)
        got = _BY_PLACE[place] = (pats, tuple(sorted(index)), {n: tuple(ids) for n, ids in index.items()})
    return got


def _patterns_for(path: str) -> tuple[Pattern, ...]:
    return _applies(path)[0]


def _needles_for(path: str) -> tuple[str, ...]:
    return _applies(path)[1]


def _candidate_lines(files: list[_Lines]) -> list[list[tuple[int, set[str]]]]:
    """Per file, the added lines that contain one of its needles (a superset of the lines
    its patterns can match), ascending, each with the needles found in it.

    One search per needle over the whole patch's added text rather than one per file
    and needle: the files of a patch (2.7 on average on the real-style store) mostly
    share their needles, and each ``find`` has a fixed cost besides its walk. With the
    headers looked up only for candidate lines, ``summarize_diff`` went from 266 to
    252 µs a patch there."""
    out: list[list[tuple[int, set[str]]]] = [[] for _ in files]
    texts = list(chain.from_iterable(fd.added for fd in files))
    if not texts:
        return out
    blob = "\n".join(texts)
    if blob.isascii():
        blob = blob.lower()
    else:  # lower() may change a length ("İ" → "i̇"): the offsets come from the lowered lines
        texts = [text.lower() for text in texts]
        blob = "\n".join(texts)
    # where each line starts (one entry past the last line: the end of a search)
    starts = list(map(add, chain((0,), accumulate(map(len, texts))), count()))
    applies = [_applies(fd.path) for fd in files]
    hits: dict[int, set[str]] = {}
    for needle in set().union(*(needles for _p, needles, _b in applies)):
        pos = blob.find(needle)
        while pos != -1:
            index = bisect_right(starts, pos) - 1
            found = hits.get(index)
            if found is None:
                hits[index] = {needle}
            else:
                found.add(needle)
            pos = blob.find(needle, starts[index + 1])
    ends = list(accumulate(len(fd.added) for fd in files))
    for index in sorted(hits):
        k = bisect_right(ends, index)
        mine = hits[index] & applies[k][2].keys()  # only the needles of that file's patterns
        if mine:
            out[k].append((index - (ends[k - 1] if k else 0), mine))
    return out


def summarize_diff(diff: str) -> tuple[tuple[FileChange, ...], tuple[Signal, ...]]:
    """Files touched and signals found, for every message at load time. Never raises: a
    broken diff yields what could be read.

    Reads the diff with ``hunks.scan_summary`` — the tolerant hand parser's walk without
    numbered line objects, which nothing at load time reads — rather than unidiff: on every
    diff unidiff reads it gives the same files, counts and signals (tests/test_diff.py
    checks that on the real corpus), at a fraction of the cost; unidiff stays for the hunk
    view, which reads one series at a time."""
    try:
        files = scan_summary(diff)
    except Exception:  # noqa: BLE001 — a scanner bug: the full parse still answers
        full = read_diff(diff)
        return tuple(file_change(f) for f in full), find_signals(full) + doc_signals(full)
    changes = tuple(FileChange(path=f.path, old_path=f.old_path, status=f.status,
                               added=sum(len(h.added) for h in f.hunks),
                               removed=sum(len(h.removed) for h in f.hunks)) for f in files)
    lines = [_Lines(f.path, [(h.header, h.added) for h in f.hunks],
                    list(chain.from_iterable(h.removed for h in f.hunks))) for f in files]
    prose = [view for f in files if reads_lines(f.path, f.status) and (view := _doc_view(f)) is not None]
    return changes, _signals(lines) + (doc_signals(prose) if prose else ())


def _doc_view(f: FileSummary) -> FileDiff | None:
    """A summarised file as ``comments.doc_signals`` reads it — every line's kind, and the
    text of the added ones (the only text it reads); no line numbers — or None when it
    can find nothing there. A documentation file is read whole (its first added line on
    the topic counts); of a driver source only the hunks where an added line opens a
    comment, since a comment block starts at a ``/*`` and ends within its hunk: most
    hunks need no line-by-line view built."""
    whole = is_documentation_file(f.path)
    hunks: list[Hunk] = []
    for h in f.hunks:
        if not whole and not any("/*" in text for text in h.added):
            continue
        added = iter(h.added)
        hunks.append(Hunk(header=h.header, source_start=0, target_start=0,
                          lines=[DiffLine(k, next(added) if k == "+" else "", None, None) for k in h.kinds]))
    return FileDiff(path=f.path, old_path=f.old_path, status=f.status, hunks=hunks) if hunks else None
