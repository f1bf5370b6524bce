"""Where the notmuch database is and who the user is, as notmuch itself finds them.

libnotmuch's own search (NOTMUCH_CONFIG, NOTMUCH_PROFILE, the XDG places,
~/.notmuch-config, then NOTMUCH_DATABASE / MAILDIR / ~/mail) is used rather than
re-implemented, so the workbench opens exactly the database the maintainer's notmuch
CLI opens. Without any config file libnotmuch refuses the search outright; the
workbench then still tries the environment (NOTMUCH_DATABASE, MAILDIR), which is how a
config-less setup is usually meant.

The database is always opened read-only: the workbench never changes the user's mail
or tags here (drafts are written elsewhere, on purpose, with their own open).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import notmuch2

from workbench.config import Settings
from workbench.errors import StoreError
from workbench.model import Person

_CONFIG = notmuch2.Database.CONFIG
_RO = notmuch2.Database.MODE.READ_ONLY


def _describe(err: Exception) -> str:
    return " ".join(str(err).replace("Error:", "").split()).rstrip(".")


def _open(path: str | None, config) -> notmuch2.Database:
    return notmuch2.Database(path, mode=_RO, config=config)


def _open_explicit(path: Path, settings: Settings) -> notmuch2.Database:
    if not path.exists():
        raise StoreError(f"notmuch database {path} does not exist: check --db (or 'db_path' in the config)")
    if not path.is_dir():
        raise StoreError(f"{path} is not a directory: --db must name the maildir root that holds .notmuch/")
    if not (path / ".notmuch").exists() and not (path / "xapian").exists():
        raise StoreError(
            f"{path} is not a notmuch database (no .notmuch/ inside): run 'notmuch new' there "
            "or point --db at the right maildir root"
        )
    config = settings.notmuch_config
    if config is not None and not config.exists():
        raise StoreError(f"notmuch config file {config} does not exist: check 'notmuch_config' / --notmuch-config")
    try:
        if config is not None:
            return _open(str(path), str(config))
        try:
            return _open(str(path), _CONFIG.SEARCH)  # the user's config: user.* and exclude tags
        except notmuch2.NoConfigError:
            return _open(str(path), _CONFIG.EMPTY)
    except notmuch2.NotmuchError as err:
        raise _open_error(str(path), err) from None


def _open_error(where: str, err: Exception) -> StoreError:
    if isinstance(err, notmuch2.UpgradeRequiredError):
        return StoreError(f"notmuch database {where} needs an upgrade: run 'notmuch new' once, then retry")
    if isinstance(err, notmuch2.XapianError):
        return StoreError(
            f"cannot read notmuch database {where} ({_describe(err)}): it may be locked by a running "
            "'notmuch new', unreadable, or damaged; retry, check its permissions, or run 'notmuch compact'",
            transient=True,
        )
    if isinstance(err, notmuch2.NoDatabaseError):
        return StoreError(f"no notmuch database found at {where}: run 'notmuch new' or pass --db PATH")
    if isinstance(err, notmuch2.FileError):
        described = _describe(err)
        if "newer database format" in described or "requires features" in described:
            # the path is right; this libnotmuch is too old for what wrote the database
            return StoreError(f"cannot open notmuch database {where} ({described}): it was written by a "
                              "newer notmuch; upgrade notmuch (libnotmuch and the notmuch2 bindings) to read it")
        return StoreError(f"cannot open notmuch database {where} ({described}): check --db PATH")
    return StoreError(f"cannot open notmuch database {where}: {_describe(err)}")


def _open_configured(settings: Settings) -> notmuch2.Database:
    config = settings.notmuch_config
    if config is not None:
        if not config.exists():
            raise StoreError(f"notmuch config file {config} does not exist: check 'notmuch_config' / --notmuch-config")
        try:
            return _open(None, str(config))
        except notmuch2.NotmuchError as err:
            raise _open_error(f"(from {config})", err) from None
    try:
        return _open(None, _CONFIG.SEARCH)
    except notmuch2.NoConfigError:
        pass
    except notmuch2.NotmuchError as err:
        raise _open_error("(from your notmuch config)", err) from None
    try:
        return _open(None, _CONFIG.EMPTY)  # NOTMUCH_DATABASE, MAILDIR, ~/mail
    except notmuch2.NoDatabaseError:
        raise StoreError(
            "no notmuch configuration found (NOTMUCH_CONFIG, ~/.notmuch-config, "
            "$XDG_CONFIG_HOME/notmuch/) and no database: pass --db PATH, or run 'notmuch setup'"
        ) from None
    except notmuch2.NotmuchError as err:
        where = os.environ.get("NOTMUCH_DATABASE") or os.environ.get("MAILDIR") or "(default location)"
        raise _open_error(where, err) from None


def _checked(db: notmuch2.Database) -> notmuch2.Database:
    try:
        upgrade = db.needs_upgrade
    except notmuch2.NotmuchError:
        upgrade = False
    if upgrade:
        where = str(db.path)
        db.close()
        raise StoreError(f"notmuch database {where} needs an upgrade: run 'notmuch new' once, then retry")
    return db


def open_database(settings: Settings) -> notmuch2.Database:
    """The database, read-only; the caller closes it. Raises StoreError."""
    if settings.db_path is not None:
        return _checked(_open_explicit(Path(settings.db_path).expanduser(), settings))
    return _checked(_open_configured(settings))


@contextmanager
def open_readonly(settings: Settings) -> Iterator[notmuch2.Database]:
    """The database, read-only, closed on exit. Copy what you need out of notmuch objects
    inside the block: touching them after the close aborts the process."""
    db = open_database(settings)
    try:
        yield db
    finally:
        db.close()


def config_value(db: notmuch2.Database, key: str) -> str | None:
    try:
        value = db.config[key]
    except (KeyError, notmuch2.NotmuchError):
        return None
    value = str(value).strip()
    return value or None


ALWAYS_EXCLUDED = ("draft",)
"""Unsent drafts (the user's own, ours included) are not mail the list has seen: a draft
reply must not make the maintainer check pass or show in a thread. Excluded the way
notmuch excludes tags, so a query that names ``tag:draft`` still finds them."""


def exclude_tags(db: notmuch2.Database) -> list[str]:
    """search.exclude_tags, which the notmuch CLI applies to every search, and drafts."""
    value = config_value(db, "search.exclude_tags") or ""
    tags = [t.strip() for t in value.split(";") if t.strip()]
    return tags + [t for t in ALWAYS_EXCLUDED if t not in tags]


def identity_from(name: str | None, email: str | None) -> Person | None:
    """The user named by notmuch's user.name / user.primary_email values, or None."""
    if not email or _libnotmuch_guess(email):
        return None
    return Person(name or "", email.lower())


def _libnotmuch_guess(email: str) -> bool:
    """libnotmuch fills an unset user.primary_email with ``login@hostname``; that guess
    names nobody on a mailing list, so it must not count as the user's identity."""
    import getpass
    import socket

    local, _, domain = email.lower().partition("@")
    try:
        login = getpass.getuser().lower()
    except (KeyError, OSError):
        return False
    if local != login:
        return False
    host = socket.gethostname().lower()
    return domain in ("localhost", "(none)", host, socket.getfqdn().lower()) or domain.startswith(host + ".")
