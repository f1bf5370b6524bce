"""Reading one message's text for display.

The core keeps no bodies (a large store would not fit in memory), so the views re-read
the message file when a series is opened, through the mail door's reader
(``workbench.mail.reading``): decoded by the loader's own decoder, so the text the
maintainer reads is the text the trailers were found in, and kept for the last few
files so the thread, series and hunk views read a message once. A file that vanished or
does not parse gives an explanatory line instead of an exception: the view must open.
"""

from __future__ import annotations

from workbench.mail.reading import READER


def read_body(path: str) -> str:
    """The readable text of the message at ``path`` (never raises)."""
    return READER.body(path)
