"""Opening notmuch read-only: where the database is, who the user is, clear errors."""

from __future__ import annotations

from pathlib import Path

import notmuch2
import pytest

from workbench.config import Settings
from workbench.errors import StoreError
from workbench.mail.notmuch_config import open_readonly
from workbench.mail.session import StoreSession
from workbench.mail.store import list_messages, revision, snapshot
from workbench.model import Person


def msg(n: int, subject: str = "vfio: thing", reply_to: int | None = None) -> bytes:
    extra = f"In-Reply-To: <m{reply_to}@x>\n" if reply_to is not None else ""
    return (f"From: Dev {n} <dev{n}@example.com>\nSubject: {subject}\nMessage-Id: <m{n}@x>\n"
            f"Date: Tue, 5 Mar 2024 10:00:0{n % 10} +0000\n{extra}\nbody {n}\n").encode()


def database_path(settings: Settings) -> str:
    """The database the settings resolve to (the maildir root notmuch reports)."""
    with open_readonly(settings) as db:
        return str(db.path)


@pytest.fixture
def store(make_store) -> Path:
    return make_store([msg(1), msg(2, "Re: vfio: thing", reply_to=1), msg(3, "unrelated")])


def test_explicit_path_without_any_config(store: Path):
    settings = Settings(db_path=store)
    assert database_path(settings) == str(store)
    with open_readonly(settings) as db:
        assert db.mode == notmuch2.Database.MODE.READ_ONLY
        entries = sorted(list_messages(db, "subject:vfio"))
    assert [m for m, _ in entries] == ["m1@x", "m2@x"]
    assert all(Path(p).is_file() and str(store) in p for _, p in entries)


def user_identity(settings: Settings) -> Person | None:
    with StoreSession(settings) as session:
        return session.user_identity()


def test_found_through_notmuch_config_like_the_cli(store: Path, tmp_path: Path, monkeypatch):
    config = tmp_path / "nmconfig"
    config.write_text(f"[database]\npath={store}\n[user]\nname=Alex Williamson\n"
                      "primary_email=Alex.Williamson@Example.com\n")
    monkeypatch.setenv("NOTMUCH_CONFIG", str(config))
    settings = Settings()
    assert database_path(settings) == str(store)
    assert user_identity(settings) == Person("Alex Williamson", "alex.williamson@example.com")
    monkeypatch.delenv("NOTMUCH_CONFIG")
    assert user_identity(Settings()) is None  # nothing configured: no identity, no crash
    # libnotmuch invents login@hostname when user.primary_email is unset: not an identity
    assert user_identity(Settings(db_path=store)) is None
    assert user_identity(Settings(notmuch_config=config)) == Person("Alex Williamson",
                                                                   "alex.williamson@example.com")
    # an explicit --db still picks up the user's config for the identity
    monkeypatch.setenv("NOTMUCH_CONFIG", str(config))
    assert user_identity(Settings(db_path=store)).email == "alex.williamson@example.com"


def test_home_dot_notmuch_config_and_xdg(store: Path, isolated_home: Path, monkeypatch):
    (isolated_home / ".notmuch-config").write_text(f"[database]\npath={store}\n")
    assert database_path(Settings()) == str(store)
    (isolated_home / ".notmuch-config").unlink()
    xdg = isolated_home / ".config" / "notmuch" / "work"
    xdg.mkdir(parents=True)
    (xdg / "config").write_text(f"[database]\npath={store}\n")
    monkeypatch.setenv("NOTMUCH_PROFILE", "work")
    assert database_path(Settings()) == str(store)


def test_notmuch_database_env_without_config(store: Path, monkeypatch):
    monkeypatch.setenv("NOTMUCH_DATABASE", str(store))
    assert database_path(Settings()) == str(store)


def test_no_config_and_no_db_says_what_to_do():
    with pytest.raises(StoreError, match=r"no notmuch configuration found.*--db PATH"):
        database_path(Settings())


def test_missing_path(tmp_path: Path):
    with pytest.raises(StoreError, match=r"does not exist: check --db"):
        database_path(Settings(db_path=tmp_path / "nowhere"))


def test_not_a_notmuch_database(tmp_path: Path):
    (tmp_path / "maildir" / "cur").mkdir(parents=True)
    with pytest.raises(StoreError, match=r"is not a notmuch database .*notmuch new"):
        database_path(Settings(db_path=tmp_path / "maildir"))
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        database_path(Settings(db_path=afile))


def test_damaged_database(tmp_path: Path):
    xapian = tmp_path / "mail" / ".notmuch" / "xapian"
    xapian.mkdir(parents=True)
    (xapian / "iamglass").write_bytes(b"garbage")
    with pytest.raises(StoreError, match=r"cannot read notmuch database .*(locked|damaged)"):
        database_path(Settings(db_path=tmp_path / "mail"))


def test_missing_config_file_named(tmp_path: Path, store: Path):
    with pytest.raises(StoreError, match="config file .* does not exist"):
        database_path(Settings(notmuch_config=tmp_path / "none"))
    with pytest.raises(StoreError, match="config file .* does not exist"):
        database_path(Settings(db_path=store, notmuch_config=tmp_path / "none"))


def test_query_syntax_error_is_a_store_error(store: Path):
    with pytest.raises(StoreError, match=r"could not run the query 'thread:\{'.*--query"):
        snapshot(Settings(db_path=store), "thread:{")


def test_snapshot_and_revision(store: Path, tmp_path: Path):
    settings = Settings(db_path=store)
    listing = snapshot(settings, "subject:vfio")
    assert listing.db_path == str(store)
    assert sorted(m for m, _ in listing.entries) == ["m1@x", "m2@x"]
    with open_readonly(settings) as db:
        rev = revision(db)
    assert listing.revision == rev and rev.uuid
    from vfio_workbench_demo.mailwriter import deliver, index_files

    new = deliver(store / "INBOX", msg(4, "vfio: more"))
    index_files(store, [new])
    later = snapshot(settings, "subject:vfio")
    assert later.revision.uuid == rev.uuid and later.revision.rev > rev.rev
    assert sorted(m for m, _ in later.entries) == ["m1@x", "m2@x", "m4@x"]


def test_search_exclude_tags_are_honoured(store: Path, tmp_path: Path, monkeypatch):
    with notmuch2.Database(str(store), mode=notmuch2.Database.MODE.READ_WRITE,
                           config=notmuch2.Database.CONFIG.EMPTY) as db:
        db.find("m2@x").tags.add("spam")
    config = tmp_path / "nmconfig"
    config.write_text(f"[database]\npath={store}\n[search]\nexclude_tags=spam;deleted\n")
    monkeypatch.setenv("NOTMUCH_CONFIG", str(config))
    assert [m for m, _ in snapshot(Settings(), "subject:vfio").entries] == ["m1@x"]


def test_reopens_and_retries_when_the_database_changes_underneath(store: Path):
    from workbench.mail.store import with_database

    opened: list[int] = []

    def read(db):
        opened.append(id(db))
        if len(opened) < 3:  # what libnotmuch reports for Xapian's DatabaseModifiedError
            raise notmuch2.XapianError(None, "A Xapian exception occurred")
        return sorted(m for m, _ in list_messages(db, "*"))

    assert with_database(Settings(db_path=store), read) == ["m1@x", "m2@x", "m3@x"]
    assert len(opened) == 3

    def always_fails(db):
        raise notmuch2.XapianError(None, "A Xapian exception occurred")

    with pytest.raises(StoreError, match="kept failing"):
        with_database(Settings(db_path=store), always_fails)


def test_the_listing_reads_tags_on_its_walk_as_notmuch_answers_them(make_store) -> None:
    """Tags read off the listed messages (``listing_events(tags=…)``) are notmuch's own
    answer for those messages, on real mail: every listed message asked, none missed."""
    from conftest import shared_path

    from workbench.mail.store import Listed, listing_events, tagged_messages

    files = sorted(shared_path("corpus", "lore-vfio", "variant").glob("*.eml"))[:300]
    root = make_store([f.read_bytes() for f in files])
    query = "*"
    with notmuch2.Database(root, mode=notmuch2.Database.MODE.READ_WRITE, config=notmuch2.Database.CONFIG.EMPTY) as db:
        msgs = sorted(str(m.messageid) for m in db.messages(query))
        for i, msgid in enumerate(msgs):
            for every, name in ((3, "unread"), (7, "flagged")):
                if i % every == 0:
                    db.find(msgid).tags.add(name)
    settings = Settings(db_path=root)
    listed: list[tuple[str, str]] = []
    tags: dict[str, set[str]] = {}
    for kind, payload in listing_events(settings, query, ("unread", "flagged", "nobody-has-it")):
        if kind is Listed.RESTART:
            listed = []
        elif kind is Listed.ENTRIES:
            listed.extend(payload)
        elif kind is Listed.TAGS:
            tags = payload
    assert len(listed) == len(msgs) == 300
    with notmuch2.Database(root, mode=notmuch2.Database.MODE.READ_ONLY, config=notmuch2.Database.CONFIG.EMPTY) as db:
        for tag in ("unread", "flagged", "nobody-has-it"):
            assert tags[tag] == tagged_messages(db, query, tag), tag
    assert len(tags["unread"]) == 100 and len(tags["flagged"]) == 43
