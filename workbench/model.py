"""The plain dataclasses that cross module boundaries.

notmuch objects never leave ``workbench.mail``: everything else (grouping, policy,
report, TUI, drafts) works on these records, so the database can be closed as soon
as a query has been copied out (iterating a query after its database closed aborts
the process), and so the on-disk cache can store exactly these values.

Nothing in here imports textual, notmuch2 or any other heavy module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Person:
    """A name and an address as written in a header or a trailer.

    ``email`` is lower-cased (addresses are compared case-insensitively in practice);
    ``name`` is kept as written, since that is what a reply must quote back.
    """

    name: str
    email: str

    def display(self) -> str:
        if self.name and self.email:
            return f"{self.name} <{self.email}>"
        return self.name or self.email

    def mailbox(self) -> str:
        """``Name <email>`` as an address header needs it: a name with specials is quoted,
        so "Tian, Kevin" stays one person when the line is parsed back."""
        if not self.name or not self.email:
            return self.email or self.name
        name = self.name
        if any(c in name for c in '()<>[]:;@\\,."'):
            name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{name} <{self.email}>"


@dataclass(frozen=True, slots=True)
class RawTrailer:
    """A trailer line found in one message's own (unquoted, pre-signature) text."""

    name: str  # canonical spelling, e.g. "Reviewed-by"
    person: Person


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file touched by a patch. ``path`` is the path after the patch (renames are
    judged by where the code lives afterwards); ``old_path`` is set for renames."""

    path: str
    old_path: str | None
    status: str  # "modified" | "added" | "deleted" | "renamed" | "binary"
    added: int
    removed: int


class SignalKind(StrEnum):
    EXTENSION = "extension"  # a device-specific extension (migration ops, regions, ioctls…)
    USERSPACE = "userspace"  # a line that takes data from userspace
    DOC = "doc"  # prose for reviewers in the diff: a driver's comment block, a doc file's text


@dataclass(frozen=True, slots=True)
class Signal:
    """A diff line the policy checks care about, found once at parse time so that the
    cache can answer checks without re-reading multi-hundred-KB patches."""

    kind: SignalKind
    path: str
    pattern: str  # the name of what matched, e.g. "copy_from_user"
    line: str  # the added line, as written (render through workbench.text.sanitize)
    hunk: str  # the hunk header ("@@ -1,3 +1,4 @@ func()") it sits in


@dataclass(frozen=True, slots=True)
class MailRecord:
    """What the workbench keeps of one message file: the facts grouping and checks need.

    Bodies are not kept (a 100k-message store would not fit in memory); views that
    show a body or a diff re-read ``path``.
    """

    msgid: str  # without angle brackets
    path: str
    subject: str  # RFC 2047 decoded, folded onto one line
    author: Person  # the real author (list rewrites such as "X via Virtualization" undone)
    sender: Person  # the From header as delivered
    date: datetime | None  # timezone-aware; None when missing or unparseable
    in_reply_to: str | None
    references: tuple[str, ...]
    to: tuple[Person, ...] = ()
    cc: tuple[Person, ...] = ()
    trailers: tuple[RawTrailer, ...] = ()
    files: tuple[FileChange, ...] = ()
    signals: tuple[Signal, ...] = ()
    cover_text: str = ""  # prose of a possible cover letter (not a reply, no diff), or the
    # commit message of a series' first (or only) patch, which stands in for a missing cover; capped
    change_id: str | None = None  # b4's "change-id:" line, links versions across threads
    applied: str = ""  # a reply's own "Applied to … branch, thanks" line, if it has one
    problems: tuple[str, ...] = ()  # what was odd but survivable ("unknown charset x-foo")
    relayed: Person | None = None  # Reply-To/X-Original-From of a "X via List" From: the
    # person a list says it relays; trusted only when the From address is that list's
    from_list: bool = False  # the From address is the list's own (List-Id / List-Post)

    @property
    def has_diff(self) -> bool:
        return bool(self.files)

    @property
    def parent(self) -> str | None:
        """The message this one replies to: In-Reply-To, else the last Reference."""
        if self.in_reply_to:
            return self.in_reply_to
        return self.references[-1] if self.references else None


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A message that could not be used, and why; shown to the user, never fatal."""

    path: str
    reason: str
    msgid: str | None = None


class Origin(StrEnum):
    BODY = "body"  # in the patch mail itself
    REPLY = "reply"  # in a reply under the patch (nested replies included)
    COVER_REPLY = "cover-reply"  # in a reply to the cover letter: applies to every patch


class Carried(StrEnum):
    """Where a trailer written into a patch's own commit message (``Origin.BODY``) by
    someone other than its person comes from: a claim by the patch's sender, traced."""

    NOT = "not"  # not carried: a reply's trailer, or the patch sender's own
    TRACED = "traced"  # given in a reply to this or an earlier version: ``given_in``
    UNSEEN = "unseen"  # carried since the first version in the store, whose predecessors
    # are not in it: where it was given cannot be in the mail, and is not held against it
    UNTRACED = "untraced"  # earlier versions are in the store, and no mail there gives it
    CUSTODY = "custody"  # a Signed-off-by in a chain the sender's own sign-off certifies (not traced)


@dataclass(frozen=True, slots=True)
class Trailer:
    """A trailer as it applies to one patch, with where it came from.

    Every trailer is a claim by whoever sent the mail that carries it: ``sender`` is that
    mail's sending address (its From, or the relayed person when a list rewrote From), the
    only thing a check may tie to a MAINTAINERS person. ``given_by`` is who the mail says
    wrote it (an in-body From of a patch), shown but never trusted."""

    name: str
    person: Person  # as written in the trailer
    source: str  # message-id of the mail that carried it
    origin: Origin
    given_by: Person  # the author of that mail, as it claims
    suspect: bool  # the trailer's person is not the mail's sender (by address or name)
    date: datetime | None = None
    sender: Person = Person("", "")  # the sending address of ``source``
    carried: Carried = Carried.NOT
    given_in: str | None = None  # the mail where its person gave it (``source`` for their own)
    given_version: int | None = None  # the version that mail answered, when traced


@dataclass(slots=True)
class Patch:
    number: int  # 1-based; a single unnumbered patch is 1
    msgid: str
    subject: str
    title: str  # subject without prefixes
    author: Person
    date: datetime | None
    path: str
    files: tuple[FileChange, ...] = ()
    signals: tuple[Signal, ...] = ()
    trailers: list[Trailer] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # msgids of replies under this patch
    prose: str = ""  # the commit message, kept for patch 1 (or a lone patch) only
    sender: Person = Person("", "")  # who sent the patch mail (``author`` is who it claims wrote it)


@dataclass(slots=True)
class Series:
    """One posting of a patch series: one version, its cover letter, patches and replies."""

    id: str  # msgid of the cover letter, else of the first patch
    title: str
    version: int
    rfc: bool
    author: Person
    date: datetime | None
    expected: int  # N of "k/N"; 1 for an unnumbered patch
    cover: MailRecord | None = None
    patches: list[Patch] = field(default_factory=list)  # sorted by number
    replies: list[MailRecord] = field(default_factory=list)  # every reply in the series
    cover_trailers: list[Trailer] = field(default_factory=list)  # given in reply to the cover
    resend: bool = False
    prefixes: tuple[str, ...] = ()  # subsystem words: "mlx5-next", "vfio", "net-next"
    change_id: str | None = None
    superseded_by: str | None = None  # id of the newest later version, if any
    revisions: list[str] = field(default_factory=list)  # ids of the chain v1..vN, oldest first
    extras: list[MailRecord] = field(default_factory=list)  # duplicate or out-of-range patches
    sender: Person = Person("", "")  # who sent the series' first message (cover, else patch 1)

    @property
    def present(self) -> list[int]:
        return sorted({p.number for p in self.patches})

    @property
    def missing_numbers(self) -> list[int]:
        have = set(self.present)
        return [n for n in range(1, self.expected + 1) if n not in have]

    @property
    def complete(self) -> bool:
        return not self.missing_numbers

    def patch(self, number: int) -> Patch | None:
        for p in self.patches:
            if p.number == number:
                return p
        return None


class Status(StrEnum):
    PASS = "pass"
    MISSING = "missing"
    ATTENTION = "attention"
    NA = "n/a"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a check says what it says: which trailer or line, from whom, in which mail."""

    text: str  # one line a person reads ("Acked-by: Leon Romanovsky on 3/9, 5/9")
    person: Person | None = None
    msgid: str | None = None
    trailer: str | None = None  # trailer name, when the evidence is a trailer
    date: datetime | None = None
    suspect: bool = False  # does not count (suspect, unverified address, untraced, a NAK): the text says why


@dataclass(slots=True)
class CheckPart:
    """One unit inside a check: a MAINTAINERS section for parent-approval, a question
    for documentation. Drafts address exactly the parts that are missing."""

    name: str
    status: Status
    summary: str
    patches: list[int] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[Person] = field(default_factory=list)  # who could still give it
    group: str = ""  # parts that approve together share it (parent-approval: the group's lead section)


@dataclass(slots=True)
class CheckResult:
    id: CheckId
    status: Status
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[Person] = field(default_factory=list)
    parts: list[CheckPart] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RobotSignal:
    """A CI robot's report of a failure on one posting (``workbench.policy.signals``).

    Not one of the checks: the acceptance panel mirrors the kernel's acceptance document,
    and a robot's report is no criterion of it. It is a separate row whose status is
    ``attention`` until a later version of the chain is posted without such a report on
    that patch (``cleared_by``)."""

    bot: str  # "kernel test robot"
    kind: str  # "build warnings", "build errors", "crash", "report"
    config: str  # "i386-randconfig-061-20231102", or ""
    msgid: str  # the robot's mail
    patch: int  # the patch it answers; 0: the cover letter / the series
    expected: int  # N of that posting's "k/N"
    patch_title: str
    series_id: str  # the posting it was sent on
    version: int
    date: datetime | None = None
    link: str = ""  # the robot's own Closes: link, when it gave one
    cleared_by: int | None = None  # a later version posted since, without such a report
    cleared_on: datetime | None = None  # when that version was posted

    @property
    def status(self) -> Status:
        return Status.PASS if self.cleared_by is not None else Status.ATTENTION

    @property
    def lore(self) -> str:
        return f"https://lore.kernel.org/r/{self.msgid}"


class CheckId(StrEnum):
    """The acceptance checks, in report order. Their values are the stable ids of the JSON
    report and the cache; being ``str`` they compare and serialise as those ids."""

    COMPLETE = "complete"
    PARENT_APPROVAL = "parent-approval"
    LISTED_REVIEWER = "listed-reviewer"
    DOCUMENTATION = "documentation"
    MAINTAINER = "maintainer"
    USERSPACE_DATA = "userspace-data"


CHECK_IDS: tuple[CheckId, ...] = tuple(CheckId)
