"""``mark_read``: the only tag the workbench removes, in a child process, on a real store;
a locked database is reported and changes nothing."""

from __future__ import annotations

from pathlib import Path

import notmuch2

from conftest import lore_thread
from workbench.config import Settings, load_settings
from vfio_workbench_demo.mailwriter import build_store
from workbench.mail.tagging import remove_tag
from workbench.mail.session import StoreSession

V12 = "20251030015744.131771-1-liulongfang@huawei.com"


def tagged_ids(settings: Settings, tag: str) -> set[str]:
    """What notmuch says carries ``tag`` now (a fresh look each time)."""
    with StoreSession(settings) as session:
        return session.tagged_ids(tag)


def _store(tmp_path: Path) -> tuple[Settings, list[str]]:
    root = build_store(tmp_path / "mail", [f.read_bytes() for f in lore_thread(roots=[V12])])
    db = notmuch2.Database(str(root), mode=notmuch2.Database.MODE.READ_WRITE, config=notmuch2.Database.CONFIG.EMPTY)
    try:
        ids = [str(m.messageid) for m in db.messages("*")]
        for msgid in ids:
            db.find(msgid).tags.add("unread")
    finally:
        db.close()
    return Settings(db_path=root, query="*", cache_dir=tmp_path / "c"), ids


def test_remove_unread_from_some(tmp_path):
    settings, ids = _store(tmp_path)
    assert tagged_ids(settings, "unread") == set(ids)
    result = remove_tag(settings, ids[:2] + ["not-in-store@x"])
    assert result.problem is None and result.changed == 2
    assert tagged_ids(settings, "unread") == set(ids[2:])
    assert remove_tag(settings, ids[:2]).changed == 0  # already read: nothing written


def test_locked_database_is_reported(tmp_path):
    settings, ids = _store(tmp_path)
    holder = notmuch2.Database(str(settings.db_path), mode=notmuch2.Database.MODE.READ_WRITE,
                               config=notmuch2.Database.CONFIG.EMPTY)
    try:
        result = remove_tag(settings, ids, lock_timeout=0.5)
    finally:
        holder.close()
    assert result.changed == 0 and "lock" in (result.problem or "")
    assert tagged_ids(settings, "unread") == set(ids)


def test_mark_read_is_off_unless_configured(tmp_path, monkeypatch):
    assert load_settings().mark_read is False
    config = tmp_path / "c.toml"
    config.write_text("mark_read = true\n")
    assert load_settings(config).mark_read is True
    config.write_text('mark_read = "yes"\n')
    import pytest
    from workbench.errors import ConfigError
    with pytest.raises(ConfigError, match="mark_read"):
        load_settings(config)
