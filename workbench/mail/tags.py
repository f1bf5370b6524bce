"""notmuch's own tags, read only: which of the workbench's messages are ``unread``.

The workbench never changes a tag here; the "new since I last looked" count uses its
own record of looks (``workbench.state``), and this only adds notmuch's view beside it.
A run that already has a ``StoreSession`` asks it (``StoreSession.tagged_ids``), so the
store is looked at once; this is for callers without one (the TUI's refresh).
"""

from __future__ import annotations

from workbench.config import Settings
from workbench.mail.session import StoreSession


def tagged_ids(settings: Settings, tag: str) -> set[str]:
    """Message-ids matching the settings' query that carry ``tag``."""
    with StoreSession(settings) as session:
        return session.tagged_ids(tag)
