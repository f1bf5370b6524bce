"""Where the notmuch database is and who the user is, as notmuch itself finds them.

INTERFACE STUB — owned by the mail helper.
"""

from __future__ import annotations

from workbench.config import Settings
from workbench.model import Person


def user_identity(settings: Settings) -> Person | None:
    """user.name / user.primary_email from notmuch's configuration, None when unset."""
    raise NotImplementedError
