"""notmuch's own tags, read only: which of the workbench's messages are ``unread``.

The workbench never changes a tag here; the "new since I last looked" count uses its
own record of looks (``workbench.state``), and this only adds notmuch's view beside it.
"""

from __future__ import annotations

import notmuch2

from workbench.config import Settings
from workbench.mail.store import with_database


def tagged_ids(settings: Settings, tag: str) -> set[str]:
    """Message-ids matching the settings' query that carry ``tag``."""
    base = settings.effective_query().strip()
    # "(*) and tag:x" matches only some messages in notmuch 0.3x (Xapian reads "(*)" as a
    # wildcard term, not "everything"): "*" is spelled out as no restriction at all
    query = f"tag:{tag}" if base == "*" else f"({base}) and tag:{tag}"

    def read(db: notmuch2.Database) -> set[str]:
        return {str(m.messageid) for m in db.messages(query)}

    return with_database(settings, read, query)
