"""One door to the mail (``workbench.mail.session``): a run opens notmuch once and decides
"has the query's mail changed?" once, for the kept report and the record cache alike.

Opens and Xapian counts are observed by wrapping the functions the session and the
store modules call (each wrapper calls the real notmuch2 code on a real store); the
listing runs in a child process, whose opens are its own and are not counted here.
"""

from __future__ import annotations

from pathlib import Path

import notmuch2
import pytest

from workbench.config import Settings
from workbench.errors import StoreError
from workbench.mail import notmuch_config, session as session_module, store
from workbench.mail.loader import load_records
from vfio_workbench_demo.mailwriter import deliver, index_files
from workbench.mail.session import StoreSession
from workbench.model import Person
from workbench.pipeline import build_workbench
from workbench.report import run_report

MAINTAINERS = "VFIO DRIVER\nM:\tAlex Williamson <alex@example.org>\nL:\tkvm@vger.kernel.org\nF:\tdrivers/vfio/\n"


def patch(msgid: str, subject: str) -> bytes:
    return (
        "From: Yishai Hadas <yishaih@example.com>\nTo: kvm@vger.kernel.org\n"
        f"Subject: [PATCH 1/1] {subject}\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n"
        f"Message-ID: <{msgid}>\n\nSigned-off-by: Yishai Hadas <yishaih@example.com>\n---\n"
        "diff --git a/drivers/vfio/pci/mlx5/main.c b/drivers/vfio/pci/mlx5/main.c\n"
        "--- a/drivers/vfio/pci/mlx5/main.c\n+++ b/drivers/vfio/pci/mlx5/main.c\n"
        "@@ -1,1 +1,2 @@\n a\n+b\n"
    ).encode()


class Calls:
    """Counts calls of a wrapped function in this process; the real function runs."""

    def __init__(self) -> None:
        self.n = 0

    def wrap(self, real):
        def counted(*args, **kw):
            self.n += 1
            return real(*args, **kw)
        return counted


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Every notmuch open in this process: the session's and any helper's."""
    calls = Calls()
    real = notmuch_config.open_database
    for module in (session_module, store, notmuch_config):
        monkeypatch.setattr(module, "open_database", calls.wrap(real))
    return calls


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Xapian counts asked to decide freshness."""
    calls = Calls()
    monkeypatch.setattr(session_module, "count_messages", calls.wrap(store.count_messages))
    return calls


@pytest.fixture
def setup(make_store, tmp_path: Path):
    root = make_store([patch("one@x", "vfio/mlx5: first"),
                       b"From: a@x\nSubject: unrelated netdev chatter\nMessage-ID: <other@x>\n\nhi\n"])
    maintainers = tmp_path / "MAINTAINERS"
    maintainers.write_text(MAINTAINERS)
    settings = Settings(db_path=root, maintainers=maintainers, cache_dir=tmp_path / "cache")
    return root, settings


def tag(root: Path, msgid: str, add: str) -> None:
    with notmuch2.Database(root, mode=notmuch2.Database.MODE.READ_WRITE, config=notmuch2.Database.CONFIG.EMPTY) as db:
        db.find(msgid).tags.add(add)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_report_run_opens_notmuch_once(setup, opens: Calls, capsys, fmt: str) -> None:
    root, settings = setup
    run_report(settings, fmt=fmt)  # cold: kept report missed, records parsed and stored
    assert opens.n == 1
    capsys.readouterr()
    run_report(settings, fmt=fmt)  # warm: the kept report answers
    assert opens.n == 2
    tag(root, "other@x", "elsewhere")  # the revision moves, the query's mail does not
    run_report(settings, fmt="markdown")  # no kept markdown report: records from the cache
    assert opens.n == 3
    index_files(root, [deliver(root / "INBOX", patch("two@x", "vfio/mlx5: second"))])
    run_report(settings, fmt=fmt)  # new mail: kept report stale, records listed and parsed
    assert opens.n == 4
    assert "vfio/mlx5: second" in capsys.readouterr().out


def test_build_workbench_opens_once_for_identity_and_records(setup, opens: Calls, tmp_path: Path) -> None:
    root, settings = setup
    config = tmp_path / "notmuch-config"
    config.write_text(f"[database]\npath={root}\n[user]\nname=Alex Williamson\nprimary_email=alex@example.org\n")
    settings = Settings(notmuch_config=config, maintainers=settings.maintainers, cache_dir=settings.cache_dir)
    workbench = build_workbench(settings)
    assert workbench.context.me == Person("Alex Williamson", "alex@example.org")
    assert opens.n == 1


def test_kept_report_and_record_cache_share_one_freshness_decision(setup, counts: Calls, capsys) -> None:
    root, settings = setup
    run_report(settings, fmt="json")
    (kept,) = (Path(settings.cache_dir) / "reports").glob("*.out")
    kept.write_bytes(b"torn")  # the kept report is judged fresh, then found torn: records load
    tag(root, "other@x", "elsewhere")  # a newer revision: freshness takes a count and a lastmod count
    counts.n = 0
    capsys.readouterr()
    run_report(settings, fmt="json")
    assert "vfio/mlx5: first" in capsys.readouterr().out
    assert counts.n == 2  # asked once for the kept report; the record cache got the same answer


def test_the_session_decides_freshness_and_remembers_it(setup) -> None:
    root, settings = setup
    first = load_records(settings)
    with StoreSession(settings) as session:
        facts = session.facts()
        assert facts.revision.rev == first.revision and facts.revision.uuid == first.uuid
        assert session.unchanged(first.uuid, first.revision, first.matched)
        assert not session.unchanged("another-database", first.revision, first.matched)
        assert not session.unchanged(first.uuid, first.revision + 1, first.matched)  # from the future
    tag(root, "one@x", "read-it")  # a matched message changed
    with StoreSession(settings) as session:
        assert not session.unchanged(first.uuid, first.revision, first.matched)
        assert session.opens == 1
    tag(root, "other@x", "elsewhere")
    with StoreSession(settings) as session:
        now = session.facts().revision.rev
        assert session.unchanged(first.uuid, now - 1, first.matched)  # only other mail moved since
        assert not session.unchanged(first.uuid, now - 1, first.matched + 1)  # a message is gone


def test_a_missing_database_is_said_once_and_clearly(tmp_path: Path, opens: Calls) -> None:
    settings = Settings(db_path=tmp_path / "nowhere", cache_dir=tmp_path / "cache")
    with StoreSession(settings) as session:
        with pytest.raises(StoreError) as first:
            session.facts()
        assert session.user_identity() is None
        with pytest.raises(StoreError) as again:
            session.records()
        assert str(again.value) == str(first.value)
    assert opens.n == 1
    assert not (tmp_path / "cache" / "mail").exists() or not any((tmp_path / "cache" / "mail").iterdir())


def test_session_serves_records_through_the_cache(setup) -> None:
    _root, settings = setup
    with StoreSession(settings) as session:
        cold = session.records()
    with StoreSession(settings) as session:
        warm = session.records()
    n = cold.matched
    assert n >= 1 and (cold.parsed, cold.cached) == (n, 0) and (warm.parsed, warm.cached) == (0, n)
    assert [r.msgid for r in warm.records] == [r.msgid for r in cold.records]


def test_a_tui_load_opens_notmuch_once(setup, opens: Calls) -> None:
    """The TUI's load is one look too: the kept pictures asked for before it, the records,
    notmuch's unread tag, and keeping this load's pictures after it. A restart on the same
    store paints the kept rows and still opens once."""
    import asyncio

    from workbench.tui.app import WorkbenchApp
    from workbench.tui.launch import settle

    _root, settings = setup

    def session() -> list[str]:
        app = WorkbenchApp(settings)

        async def main() -> None:
            async with app.run_test(size=(120, 30)) as pilot:
                await settle(pilot, timeout=60)
                await app.workers.wait_for_complete()  # the pictures are kept after the paint

        asyncio.run(main())
        return [r.id for r in app.list_screen.rows_shown]

    cold = session()
    assert cold and opens.n == 1
    warm = session()
    assert warm == cold and opens.n == 2


def test_a_listing_reads_the_wanted_tags_so_the_parent_does_not(setup, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wanted tag is read by the listing child when the query is listed (the parent
    does not walk the query's messages a second time), and at release when the cache
    answers and nothing is listed; either way the answer is notmuch's."""
    root, settings = setup
    tag(root, "one@x", "unread")
    tag(root, "other@x", "unread")  # not matched by the query: not in the answer
    here = Calls()
    monkeypatch.setattr(session_module, "tagged_messages", here.wrap(store.tagged_messages))
    for parsed_here in (True, False):  # cold: listed and parsed; warm: the cache answers
        here.n = 0
        with StoreSession(settings) as session:
            session.want_tag("unread")
            session.want_tag("flagged")
            result = session.records()
            assert bool(result.parsed) is parsed_here
            assert session.tagged_ids("unread") == {"one@x"}
            assert session.tagged_ids("flagged") == set()
            assert session.opens == 1
        assert here.n == (0 if parsed_here else 2)
