"""Hand-built MailRecords for grouping tests: exact control over threading headers,
dates and trailers, which real mail cannot give for the odd cases (cycles, holes)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from workbench.model import FileChange, MailRecord, Person, RawTrailer

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)

ALICE = Person("Alice Author", "alice@example.org")
BOB = Person("Bob Reviewer", "bob@example.org")
CAROL = Person("Carol Maintainer", "carol@example.org")

_DIFF = (FileChange("drivers/vfio/pci/foo/main.c", None, "modified", 3, 1),)


def mail(
    msgid: str,
    subject: str,
    *,
    author: Person = ALICE,
    minutes: float = 0,
    parent: str | None = None,
    refs: tuple[str, ...] | None = None,
    trailers: tuple[tuple[str, Person], ...] = (),
    diff: bool | None = None,
    change_id: str | None = None,
    date: datetime | None | bool = True,
) -> MailRecord:
    """A message. ``refs`` defaults to just ``parent``; ``diff`` defaults to "a patch
    subject that is not a reply and not a 0/N cover"."""
    if refs is None:
        refs = (parent,) if parent else ()
    if diff is None:
        low = subject.lower()
        diff = "[" in subject and not low.startswith(("re:", "aw:")) and " 0/" not in subject and "00/" not in subject
    when = T0 + timedelta(minutes=minutes) if date is True else (date or None)
    return MailRecord(
        msgid=msgid,
        path=f"/mail/{msgid}",
        subject=subject,
        author=author,
        sender=author,
        date=when,
        in_reply_to=parent,
        references=refs,
        trailers=tuple(RawTrailer(name, person) for name, person in trailers),
        files=_DIFF if diff else (),
        change_id=change_id,
    )


def posting(prefix: str, version: int | None, total: int, title: str, *, minutes: float = 0,
            author: Person = ALICE, cover: bool = True, parent: str | None = None,
            tag: str = "PATCH") -> list[MailRecord]:
    """A git send-email posting: optional cover ``{prefix}-0`` and patches ``{prefix}-k``
    replying to it; without a cover, patch 1 replies to ``parent`` and the others to
    patch 1 (git's shallow threading)."""
    v = f" v{version}" if version else ""
    out: list[MailRecord] = []
    root = parent
    if cover:
        out.append(mail(f"{prefix}-0", f"[{tag}{v} 0/{total}] {title}", author=author, minutes=minutes,
                        parent=parent, diff=False))
        root = f"{prefix}-0"
    for k in range(1, total + 1):
        out.append(mail(f"{prefix}-{k}", f"[{tag}{v} {k}/{total}] {title} part {k}", author=author,
                        minutes=minutes + k / 60, parent=root, diff=True))
        if k == 1 and not cover:
            root = f"{prefix}-1"
    return out
