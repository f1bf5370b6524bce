"""User-facing errors.

Anything the user can fix (a wrong path, a locked database, a bad template) is raised as
a WorkbenchError subclass with a message that names the option or file to change; the
CLI prints it to stderr and exits 2, and the TUI shows it, never a traceback.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """An error the user can act on; ``str(err)`` is the whole message."""

    exit_code = 2


class ConfigError(WorkbenchError):
    """Bad command line, configuration file or environment."""


class StoreError(WorkbenchError):
    """The notmuch database is missing, unreadable, locked or needs an upgrade.
    ``transient``: Xapian failed in a way a concurrent writer causes; worth a retry."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class MaintainersError(WorkbenchError):
    """MAINTAINERS or .mailmap could not be found or read."""


class TemplateError(WorkbenchError):
    """A reply template is unreadable or uses an unknown variable."""


class DraftError(WorkbenchError):
    """A draft could not be written or indexed (the draft file is kept when it exists)."""
