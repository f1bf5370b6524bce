"""MAINTAINERS parsing and matching with scripts/get_maintainer.pl's rules.

Who must approve a parent-driver hunk is decided here, so the rules follow the kernel's own
tool rather than intuition (scripts/get_maintainer.pl, ``file_match_pattern`` and
``get_maintainers``):

* ``F:``/``X:`` patterns are globs matched segment by segment (between ``/``), anchored at
  the start only: ``*`` is any run of characters and ``?`` any one character *within one
  segment* (neither crosses ``/``); ``[ch]``, ``[!ch]``/``[^ch]`` and ``[a-z]`` are one
  character of a class, as fnmatch and get_maintainer.pl's regex read them; everything
  else is literal. get_maintainer.pl turns ``*`` into ``.*``, which crosses ``/``; for a
  pattern without a trailing ``/`` that never changes the answer (the same-number-of-``/``
  rule below rejects any match whose ``*`` ate a ``/``). It only differs for a pattern with
  a ``/`` after a glob, such as ``drivers/*/*/qcom/``, which get_maintainer.pl also lets
  match ``drivers/a/b/c/qcom/x.c``. None of the real file's patterns gives a different
  answer for any path of the lore-vfio corpus. Why not ``.*``: a backtracking regex with
  several ``.*`` is polynomial in the path (an 8 KB ``drivers/pci/a/a/…/x.c`` took minutes
  against the real file); the matcher here finds each star-free piece of a segment at its
  leftmost place, which is linear in the path for a given pattern.
* A pattern with a trailing ``/`` matches everything below it; without one, the file must
  also have the same number of ``/`` as the pattern.
* get_maintainer.pl adds the trailing ``/`` to a pattern that names an existing directory
  of the tree (``-d``), so ``F: drivers/vfio/pci/virtio`` covers the files below it. We
  have no tree to ask, so a glob-free pattern is taken as a directory when the path lies
  below it (a path below it proves it is one). The only difference: a stale pattern for a
  directory that no longer exists still matches a series that re-creates it.
* ``X:`` anywhere in a section excludes the whole section for that file.
* ``N:`` is an (extended, ``/x``) regex searched in the path; ``K:`` is searched in the
  patch: any line before the diff, only ``+``/``-`` lines inside it.
* Rank: number of ``/`` in the pattern, +1 when it does not end in ``/``; ``N:`` ranks 0;
  patterns starting with ``*`` (THE REST) rank -1. Ties, which get_maintainer.pl leaves in
  hash order, go to the pattern with the longer literal prefix (``drivers/vfio/pci/mlx5/``
  before ``drivers/vfio/pci/*/``), then to file order. ``K:`` matches come last (-2).

Loading the real 25k-line file and matching a few hundred paths must be cheap: patterns are
compiled once and bucketed by the literal directory prefix, so a path is only tested
against the patterns that could match it; only as many directory prefixes of a path are
looked up as the deepest bucket has (a path with 30,000 ``/`` does not make 30,000
slices). Ownership is cached per path, bounded by the characters it holds. ``N:`` regexes
come from the file and run as written: every one in the real file takes well under a
millisecond on a 64 KB path, so no path is cut short or skipped (that could lose an owner).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Literal

from workbench.errors import MaintainersError
from workbench.model import Person
from workbench.patchmail.diff import split_patch
from workbench.patchmail.persons import find_address, parse_person

ACCEPTANCE_DOC = "vfio-pci-device-specific-driver-acceptance.rst"
VFIO_SECTION = "VFIO DRIVER"


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    maintainers: tuple[Person, ...]  # M:
    reviewers: tuple[Person, ...]  # R:
    lists: tuple[str, ...]  # L: addresses only
    status: str  # S:
    files: tuple[str, ...]  # F:
    excludes: tuple[str, ...]  # X:
    regexes: tuple[str, ...]  # N:
    keywords: tuple[str, ...]  # K:
    profile: str | None = None  # P:
    line: int = 0  # 1-based line of the section name in the file

    @property
    def people(self) -> tuple[Person, ...]:
        return self.maintainers + self.reviewers


@dataclass(frozen=True, slots=True)
class Match:
    section: Section
    specificity: int  # higher ranks first (get_maintainer.pl: number of '/' in the pattern)
    pattern: str  # as written in MAINTAINERS, with its tag: "F: drivers/vfio/pci/*/"


_TAG = re.compile(r"^([A-Z]):\s*(.*?)\s*$")
_GLOB = re.compile(r"[*?\[]")


def _class_end(text: str, start: int) -> int:
    """Index just past the ``]`` closing the class opened at ``start``, or -1 when there
    is none (then the ``[`` is a literal, as fnmatch reads it)."""
    i = start + 1
    if i < len(text) and text[i] in "!^":
        i += 1
    if i < len(text) and text[i] == "]":
        i += 1  # "[]x]": a leading ']' is a member
    end = text.find("]", i)
    return -1 if end < 0 else end + 1


def _longest_literal(text: str) -> str:
    """The longest run of literal characters of a glob (classes read as ``_Segment`` does)."""
    runs: list[str] = []
    run: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        end = _class_end(text, i) if ch == "[" else -1
        if ch in "*?" or end > 0:
            runs.append("".join(run))
            run = []
            i = end if end > 0 else i + 1
        else:
            run.append(ch)
            i += 1
    runs.append("".join(run))
    return max(runs, key=len)


@dataclass(frozen=True, slots=True)
class _Segment:
    """One ``/``-separated part of a glob: the star-free pieces between its ``*``s, each
    a fixed-width regex (literals, ``[^/]`` for ``?``, one class per ``[...]``)."""

    pieces: tuple[re.Pattern[str], ...]
    widths: tuple[int, ...]

    @classmethod
    def compile(cls, text: str) -> _Segment:
        pieces: list[list[str]] = [[]]
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "*":
                pieces.append([])
                i += 1
            elif ch == "?":
                pieces[-1].append("[^/]")
                i += 1
            elif ch == "[" and (end := _class_end(text, i)) > 0:
                body = text[i + 1: end - 1]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\").replace("[", "\\[")
                if body.startswith("]"):
                    body = "\\" + body
                pieces[-1].append(("[^/" if negate else "[") + body + "]")
                i = end
            else:
                pieces[-1].append(re.escape(ch))
                i += 1
        compiled = []
        for tokens in pieces:
            try:
                compiled.append(re.compile("".join(tokens)))
            except re.error:  # a class Python cannot read ("[z-a]"): its text, literally
                compiled.append(re.compile(re.escape(text)))
                return cls((compiled[-1],), (len(text),))
        return cls(tuple(compiled), tuple(len(t) for t in pieces))

    def match(self, part: str, whole: bool) -> bool:
        """Whether the segment matches ``part`` (all of it when ``whole``, else a prefix,
        which is the segment followed by ``*``). Greedy-leftmost placement of each piece is
        exact for globs whose pieces have fixed width, and each search is linear."""
        pieces, widths = self.pieces, self.widths
        first = pieces[0]
        if len(pieces) == 1:
            if whole:
                return len(part) == widths[0] and first.match(part) is not None
            return first.match(part) is not None
        if first.match(part) is None:
            return False
        pos = widths[0]
        for rx, width in zip(pieces[1:-1], widths[1:-1], strict=True):
            found = rx.search(part, pos)
            if found is None:
                return False
            pos = found.start() + width
        last, width = pieces[-1], widths[-1]
        if not whole:
            return last.search(part, pos) is not None
        start = len(part) - width
        return start >= pos and last.match(part, start) is not None


@dataclass(slots=True)
class _FilePattern:
    """One F: or X: pattern. Most are plain paths, tested with ``startswith``; the glob
    segments of the others are compiled on first use (compiling all 8k up front is slow
    for a run that matches a handful of paths)."""

    text: str
    slashes: int  # '/' in the pattern
    dir_only: bool  # ends with '/'
    literal: str  # the glob-free prefix
    plain: bool  # no glob syntax at all: may name a directory without '/'
    needle: str = ""  # the longest literal run after the prefix: a path without it cannot match
    _segments: tuple[_Segment, ...] | None = None

    @classmethod
    def compile(cls, text: str) -> _FilePattern | None:
        value = text.strip()
        if not value:
            return None
        meta = _GLOB.search(value)
        literal = value[: meta.start()] if meta else value
        return cls(text=value, slashes=value.count("/"), dir_only=value.endswith("/"),
                   literal=literal, plain=meta is None, needle=_longest_literal(value[len(literal):]))

    def matches(self, path: str, parts: list[str] | None = None) -> bool:
        """``parts`` is ``path.split("/")``, passed in when the caller tests many patterns."""
        if self.plain:
            if not self.dir_only and path.startswith(self.text + "/"):
                return True  # get_maintainer.pl's "-d": a directory named without its slash
            if not path.startswith(self.text):
                return False
            return self.dir_only or path.count("/") == self.slashes
        if not path.startswith(self.literal) or self.needle not in path:
            return False
        if parts is None:
            parts = path.split("/")
        # dir_only: the last segment is "" (anything below); else the same number of '/'.
        if len(parts) - 1 < self.slashes if self.dir_only else len(parts) - 1 != self.slashes:
            return False
        if self._segments is None:
            self._segments = tuple(_Segment.compile(t) for t in self.text.split("/"))
        last = len(self._segments) - 1
        return all(seg.match(parts[i], whole=i < last) for i, seg in enumerate(self._segments))

    @property
    def rank(self) -> int:
        if self.text.startswith("*"):
            return -1
        return self.slashes + (0 if self.dir_only else 1)

    @property
    def bucket(self) -> str:
        """The literal directory this pattern lives in ('' when it starts with a glob)."""
        cut = self.literal.rfind("/")
        return self.literal[: cut + 1] if cut >= 0 else ""


@dataclass(slots=True)
class _Compiled:
    section: Section
    index: int
    files: list[_FilePattern] = field(default_factory=list)
    excludes: list[_FilePattern] = field(default_factory=list)
    regexes: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    keywords: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)

    def excluded(self, path: str, parts: list[str]) -> bool:
        return any(x.matches(path, parts) for x in self.excludes)


def _regex(value: str, flags: int = 0) -> re.Pattern[str] | None:
    """A perl ``/x`` regex from N:/K:; one Python cannot read is skipped, not fatal."""
    for extra in (re.VERBOSE, 0):
        try:
            return re.compile(value, flags | extra)
        except re.error:
            continue
    return None


class _Unset(Enum):
    """Not looked up yet (``None`` is an answer: no section names the document)."""

    UNSET = 0


def _dir_prefixes(path: str, depth: int) -> list[str]:
    """"", "a/", "a/b/" … for at most ``depth`` directories: no bucket is deeper, and a
    path with thousands of ``/`` must not cost thousands of long slices."""
    out = [""]
    start = 0
    while len(out) <= depth and (cut := path.find("/", start)) >= 0:
        out.append(path[: cut + 1])
        start = cut + 1
    return out


_CACHE_CHARS = 8_000_000  # path characters kept in the ownership cache before it is emptied


class Maintainers:
    origin: str  # the path it was read from, shown in report headers

    def __init__(self, sections: list[Section], origin: str) -> None:
        self.origin = origin
        self._sections = sections
        self._by_name = {s.name: s for s in reversed(sections)}  # first of a duplicated name wins
        self._by_lower = {s.name.lower(): s for s in reversed(sections)}
        self.problems: list[str] = []  # patterns that could not be compiled
        self._compiled: list[_Compiled] = []
        self._buckets: dict[str, list[tuple[_Compiled, _FilePattern]]] = {}
        self._with_regexes: list[_Compiled] = []
        self._with_keywords: list[_Compiled] = []
        for index, section in enumerate(sections):
            comp = _Compiled(section, index)
            for text in section.files:
                pat = _FilePattern.compile(text)
                if pat is not None:
                    comp.files.append(pat)
                    self._buckets.setdefault(pat.bucket, []).append((comp, pat))
            comp.excludes = [p for p in map(_FilePattern.compile, section.excludes) if p is not None]
            for tag, values, out in (("N", section.regexes, comp.regexes), ("K", section.keywords, comp.keywords)):
                for value in values:
                    rx = _regex(value, re.MULTILINE if tag == "K" else 0)
                    if rx is None:
                        self.problems.append(f"{section.name}: {tag}: {value!r} is not a usable regex")
                    else:
                        out.append((value, rx))
            if comp.regexes:
                self._with_regexes.append(comp)
            if comp.keywords:
                self._with_keywords.append(comp)
            self._compiled.append(comp)
        self._depth = max((b.count("/") for b in self._buckets), default=0)
        self._cache: dict[str, list[Match]] = {}
        self._cache_chars = 0
        self._keyword_cache: dict[str, list[Match]] = {}
        self._keyword_chars = 0
        self._acceptance: Section | None | Literal[_Unset.UNSET] = _Unset.UNSET
        self._lists: frozenset[str] | None = None

    # --- loading ---------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> Maintainers:
        """Read a MAINTAINERS file (or a kernel tree's, when given its directory)."""
        path = Path(path).expanduser()
        hint = "pass --maintainers PATH (a MAINTAINERS file) or --linux-tree PATH (a kernel checkout)"
        if path.is_dir() and (path / "MAINTAINERS").is_file():
            path = path / "MAINTAINERS"
        if not path.exists():
            raise MaintainersError(f"MAINTAINERS file not found: {path}; {hint}")
        if path.is_dir():
            raise MaintainersError(f"{path} is a directory without a MAINTAINERS file; {hint}")
        try:
            data = path.read_bytes()
        except OSError as err:
            raise MaintainersError(f"cannot read MAINTAINERS file {path}: {err.strerror or err}; {hint}") from None
        made = cls.parse(data.decode("utf-8", errors="replace"), str(path))
        if not made._sections:
            raise MaintainersError(f"{path} has no MAINTAINERS sections (is it the kernel's MAINTAINERS?); {hint}")
        return made

    @classmethod
    def parse(cls, text: str, origin: str = "<text>") -> Maintainers:
        """Sections from MAINTAINERS text, as get_maintainer.pl reads them: a section is a
        run of ``X:`` tag lines, named by the non-tag line just before it. The preamble's
        indented examples are not tag lines, so it contributes no section."""
        sections: list[Section] = []
        name: str | None = None
        name_line = 0
        tags: list[tuple[str, str]] = []

        def flush() -> None:
            if name is not None and tags:
                sections.append(_section(name, tags, name_line))

        for lineno, raw in enumerate(text.splitlines(), 1):
            if not raw.strip():
                continue
            m = _TAG.match(raw)
            if m:
                if name is not None:
                    tags.append((m.group(1), m.group(2)))
                continue
            flush()
            name, name_line, tags = raw.strip(), lineno, []
        flush()
        return cls(sections, origin)

    # --- queries ---------------------------------------------------------------------

    def sections(self) -> list[Section]:
        return list(self._sections)

    def section(self, name: str) -> Section | None:
        return self._by_name.get(name) or self._by_lower.get(name.strip().lower())

    def acceptance_section(self) -> Section | None:
        """The section whose P: names the acceptance document (today "VFIO PCI DEVICE
        SPECIFIC DRIVERS"); found by the document, so a renamed section still works.
        Looked up once: every series asks."""
        if self._acceptance is not _Unset.UNSET:
            return self._acceptance
        found: Section | None = next((s for s in self._sections if s.profile and ACCEPTANCE_DOC in s.profile), None)
        self._acceptance = found
        return found

    def list_addresses(self) -> frozenset[str]:
        """Every ``L:`` address: a From with one of these is a list relaying someone
        (``series.senders``). Looked up once: grouping asks per message."""
        if self._lists is None:
            self._lists = frozenset(a for s in self._sections for a in s.lists)
        return self._lists

    def vfio_maintainers(self) -> tuple[Person, ...]:
        """M: of "VFIO DRIVER": who the ``maintainer`` check looks for by default."""
        section = self.section(VFIO_SECTION)
        return section.maintainers if section else ()

    def sections_for(self, path: str, patch_text: str | None = None) -> list[Match]:
        """Every section for ``path``, most specific first (see the module docstring)."""
        path = path.lstrip("/")
        matches = self._cache.get(path)
        if matches is None:
            matches = self._file_matches(path)
            if len(self._cache) > 50_000 or self._cache_chars + len(path) > _CACHE_CHARS:
                self._cache.clear()
                self._cache_chars = 0
            self._cache[path] = matches
            self._cache_chars += len(path)
        if patch_text:
            seen = {m.section.name for m in matches}
            extra = [m for m in self._keyword_matches(patch_text) if m.section.name not in seen]
            if extra:
                return matches + extra
        return list(matches)

    def _file_matches(self, path: str) -> list[Match]:
        best: dict[int, tuple[int, int, str]] = {}  # section index -> (rank, literal len, pattern)
        excluded: dict[int, bool] = {}
        parts = path.split("/")

        def offer(comp: _Compiled, rank: int, literal: int, pattern: str) -> None:
            if comp.index not in excluded:
                excluded[comp.index] = comp.excluded(path, parts)
            if excluded[comp.index]:
                return
            old = best.get(comp.index)
            if old is None or (rank, literal) > old[:2]:
                best[comp.index] = (rank, literal, pattern)

        for prefix in _dir_prefixes(path, self._depth):
            for comp, pat in self._buckets.get(prefix, ()):
                if pat.matches(path, parts):
                    offer(comp, pat.rank, len(pat.literal), f"F: {pat.text}")
        for comp in self._with_regexes:
            for text, rx in comp.regexes:
                if rx.search(path):
                    offer(comp, 0, 0, f"N: {text}")
                    break
        order = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        return [Match(self._compiled[i].section, rank, pattern) for i, (rank, _lit, pattern) in order]

    def _keyword_matches(self, patch_text: str) -> list[Match]:
        """K: sections for one patch; cached because checks ask once per file of it.

        get_maintainer.pl tests each line; we search the lines joined (multi-line mode),
        which is the same for every K: in MAINTAINERS and costs one search per keyword."""
        cached = self._keyword_cache.get(patch_text)
        if cached is not None:
            return cached
        found: list[Match] = []
        if self._with_keywords:
            prose, diff = split_patch(patch_text)
            lines = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++ ", "--- "))]
            text = prose + "\n" + "\n".join(lines)
            for comp in self._with_keywords:
                for value, rx in comp.keywords:
                    if rx.search(text):
                        found.append(Match(comp.section, -2, f"K: {value}"))
                        break
        if len(self._keyword_cache) > 64 or self._keyword_chars + len(patch_text) > _CACHE_CHARS * 4:
            self._keyword_cache.clear()  # keyed by whole patches: bounded by what they hold
            self._keyword_chars = 0
        self._keyword_cache[patch_text] = found
        self._keyword_chars += len(patch_text)
        return found


def _section(name: str, tags: list[tuple[str, str]], line: int) -> Section:
    by: dict[str, list[str]] = {}
    for tag, value in tags:
        by.setdefault(tag, []).append(value)

    def people(tag: str) -> tuple[Person, ...]:
        out = []
        for value in by.get(tag, ()):
            person = parse_person(value)
            if person is not None:
                out.append(person)
        return tuple(out)

    lists = []
    for value in by.get("L", ()):
        found = find_address(value)
        if found:
            lists.append(found.text.lower())
    return Section(
        name=name,
        maintainers=people("M"),
        reviewers=people("R"),
        lists=tuple(lists),
        status=(by.get("S") or [""])[0],
        files=tuple(by.get("F", ())),
        excludes=tuple(by.get("X", ())),
        regexes=tuple(by.get("N", ())),
        keywords=tuple(by.get("K", ())),
        profile=next(iter(by.get("P", ())), None),
        line=line,
    )
