"""A finished report, kept on disk until one of its inputs changes.

Why: a cron job or a shell prompt asks for the same report again and again, and between
two runs usually nothing that matters has changed. The record cache already spares the
parsing; this spares the grouping, the checks and the rendering too, so an unchanged
store answers in about the time it takes to open notmuch.

A kept report is used only when every input is provably the same:

* the same code (a hash of the whole ``workbench`` package), format and ``--all`` (and
  for text, the terminal width it is laid out for);
* the same database (uuid) and query, and notmuch says the query's messages did not
  change: the same revision, or the same count with no match modified since
  (``lastmod:``) — under the same excluded tags;
* the same MAINTAINERS and .mailmap *content* (hashed, not trusted by mtime), and the
  same "me" (given, or notmuch's user.name / user.primary_email).

Where it lives: everything here that asks notmuch (the database path, excluded tags and
user identity in the key, and whether the query's messages changed) is asked of the
run's ``StoreSession`` (``workbench.mail.session``), the same look and the same
freshness rule the record cache is answered by, so a report run opens notmuch once and
a kept report and a cached record set can never disagree about "unchanged". What stays
here is the report's own business — which inputs of a *report* count (code, format,
width, MAINTAINERS, .mailmap) and its files on disk — so it stays with the report
rather than in ``mail/``, which knows nothing of reports.

A run whose load was not settled (a listed file had vanished) is not kept: the next run
must look again. Files are written to a temporary name and renamed, the report before
its description, and the description carries the report's length and SHA-256: a torn or
edited file is detected, deleted and the report recomputed, never printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.config import Settings
from workbench.mail.session import StoreFacts, StoreSession
from workbench.model import LoadProblem

KEEP = 12
"""Reports kept per cache directory (one per set of inputs); the oldest go first."""

_REVISION_TOKEN = {"json": '"revision": {rev}', "text": "(revision {rev})"}
"""Where each format's header names the database revision (its first occurrence: the
header comes before any mail text)."""

_package_hash: str | None = None


def package_fingerprint() -> str:
    global _package_hash
    if _package_hash is None:
        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha1()
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
        _package_hash = h.hexdigest()
    return _package_hash


def _content_hash(path: Path | None) -> str:
    if path is None:
        return "-"
    return hashlib.sha1(path.read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class Kept:
    """A report found valid: what to print and what the run would have ended with."""

    head: str  # the report's start, through the revision it names (now the current one)
    blob: bytes  # the kept file: its UTF-8 from ``cut`` on follows ``head``
    cut: int
    problems: list[LoadProblem]
    has_missing: bool

    @property
    def output(self) -> str:
        return "".join(self.pieces())

    def pieces(self, size: int = 1 << 20) -> Iterator[str]:
        """The report in pieces of about ``size`` bytes, each cut after a line end: a
        kept report is never decoded whole (issue 13: a 100k-message store's JSON report
        is ~100 MB, and as a str two or four bytes a character)."""
        yield self.head
        blob, start = self.blob, self.cut
        while start < len(blob):
            end = blob.find(b"\n", start + size)
            end = len(blob) if end < 0 else end + 1
            yield blob[start:end].decode("utf-8", "replace")  # what store wrote (sha256 checked)
            start = end


class ReportMemo:
    """The kept report for one set of inputs. Every failure to read or write it only
    means "compute the report": it never stops a run."""

    def __init__(self, settings: Settings, fmt: str, session: StoreSession | None = None,
                 extra: str = "") -> None:
        self.settings = settings
        self.fmt = fmt
        self.extra = extra  # what else the output depends on (my triage state, the date)
        self.query = settings.effective_query()
        self.dir = Path(settings.cache_dir) / "reports"
        self.key: str | None = None
        self.session = session  # the run's look at the store; one of its own when None

    def _key(self, facts: StoreFacts) -> str:
        s = self.settings
        me = f"{s.me.name}\0{s.me.email}" if s.me else f"notmuch\0{facts.user_name}\0{facts.user_email}"
        maintainers, mailmap = s.maintainers_path(), s.mailmap_path()
        # the text report fits the terminal it was printed on
        width = str(shutil.get_terminal_size((120, 40)).columns) if self.fmt == "text" else ""
        excluded = ";".join(facts.exclude)  # which messages the query's count leaves out
        parts = (package_fingerprint(), self.fmt, width, str(s.show_all), facts.db_path, self.query, excluded,
                 str(maintainers), _content_hash(maintainers), str(mailmap),
                 _content_hash(mailmap), me, self.extra)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]

    def lookup(self) -> Kept | None:
        if not self.settings.use_cache:
            return None
        try:
            if self.session is not None:
                return self._lookup(self.session)
            with StoreSession(self.settings) as session:
                return self._lookup(session)
        except Exception:  # noqa: BLE001 — a bad kept report means "compute it"; errors resurface there
            return None

    def _lookup(self, session: StoreSession) -> Kept | None:
        self.key = self._key(session.facts())
        meta_path, out_path = self._paths()
        try:
            meta = _read_meta(meta_path.read_bytes())
        except OSError:
            return None
        if meta is None:
            self._remove()  # torn or of another shape: recomputed and written anew
            return None
        if not session.unchanged(meta["uuid"], meta["rev"], meta["matched"]):
            return None
        now = session.facts().revision  # what the freshness was decided against
        kept_rev = meta["rev"]
        try:
            blob = out_path.read_bytes()
        except OSError:
            return None
        if len(blob) != meta.get("size") or hashlib.sha256(blob).hexdigest() != meta.get("sha256"):
            self._remove()
            return None
        problems = [LoadProblem(p[0], p[1], p[2]) for p in meta["problems"]]
        at = meta["rev_at"]
        if at >= 0 and now.rev != kept_rev:
            old = str(kept_rev)
            # ``at`` counts characters: the head is decoded up to a line end past it (a
            # character is at most 4 bytes), never the whole report
            cut = blob.find(b"\n", 4 * (at + len(old)))
            cut = len(blob) if cut < 0 else cut + 1
            try:
                head = blob[:cut].decode("utf-8")
            except UnicodeDecodeError:
                self._remove()
                return None
            if head[at:at + len(old)] != old:  # the description does not fit the report
                self._remove()
                return None
            # the header names the revision the answer holds for: now the current one,
            # exactly what a recomputed report would say
            head = head[:at] + str(now.rev) + head[at + len(old):]
        else:
            head, cut = "", 0
        return Kept(head, blob, cut, problems, meta["has_missing"])

    def store(self, output: str | list[str], *, uuid: str, rev: int | None, matched: int, settled: bool,
              problems: list[LoadProblem], has_missing: bool) -> None:
        """Keep ``output``: one string, or the report in pieces whose first holds its
        header (the JSON report of a large store is never joined: issue 13)."""
        if self.key is None or not settled or rev is None or not self.settings.use_cache:
            return
        pieces = [output] if isinstance(output, str) else output
        token = _REVISION_TOKEN.get(self.fmt, "").format(rev=rev)
        at = pieces[0].find(token) if token and pieces else -1
        digest = hashlib.sha256()
        size = 0

        def encoded() -> Iterator[bytes]:
            nonlocal size
            for piece in pieces:
                blob = piece.encode("utf-8")
                digest.update(blob)
                size += len(blob)
                yield blob

        meta_path, out_path = self._paths()
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            _replace(out_path, encoded())
            meta = {"uuid": uuid, "rev": rev, "matched": matched, "size": size,
                    "rev_at": at + _REVISION_TOKEN[self.fmt].index("{rev}") if at >= 0 else -1,
                    "sha256": digest.hexdigest(), "has_missing": has_missing,
                    "problems": [[p.path, p.reason, p.msgid] for p in problems]}
            _replace(meta_path, json.dumps(meta).encode("utf-8"))
            self._prune()
        except OSError:
            self._remove()

    def _paths(self) -> tuple[Path, Path]:
        return self.dir / f"{self.key}.json", self.dir / f"{self.key}.out"

    def _remove(self) -> None:
        for path in self._paths():
            try:
                path.unlink()
            except OSError:
                pass

    def _prune(self) -> None:
        def age(path: Path) -> float:
            try:
                return path.stat().st_mtime
            except OSError:  # pruned by a concurrent run meanwhile
                return 0.0

        metas = sorted(self.dir.glob("*.json"), key=age, reverse=True)
        for old in metas[KEEP:]:
            for path in (old, old.with_suffix(".out")):
                try:
                    path.unlink()
                except OSError:
                    pass


_META_TYPES = {"uuid": str, "rev": int, "matched": int, "size": int, "rev_at": int, "sha256": str,
               "has_missing": bool, "problems": list}


def _read_meta(blob: bytes) -> dict | None:
    """The description of a kept report, or None unless every field has the type
    ``store`` writes (``type(x) is int``: a bool, a float such as 1e20 or a string is
    another shape). Nothing of another shape is coerced: it is a miss."""
    try:
        meta = json.loads(blob.decode("utf-8"))
    except ValueError:  # JSONDecodeError and UnicodeDecodeError both are
        return None
    if type(meta) is not dict or any(type(meta.get(k)) is not t for k, t in _META_TYPES.items()):
        return None
    if meta["rev"] < 0 or meta["matched"] < 0 or meta["rev_at"] < -1:
        return None
    for p in meta["problems"]:
        if not (type(p) is list and len(p) == 3 and type(p[0]) is str and type(p[1]) is str
                and (p[2] is None or type(p[2]) is str)):
            return None
    return meta


def _replace(path: Path, blob: bytes | Iterable[bytes]) -> None:
    """Write ``blob`` to ``path`` through a fresh temporary file: ``mkstemp`` creates it
    with O_EXCL, so a symlink planted in the cache directory is never followed (the
    rename then replaces whatever is at ``path``, a link itself included)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(blob, bytes):
                fh.write(blob)
            else:
                fh.writelines(blob)
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
