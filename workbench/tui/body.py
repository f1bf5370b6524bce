"""Reading one message's text for display.

The core keeps no bodies (a large store would not fit in memory), so the views re-read
the message file when a series is opened, and decode it with the same code the loader
uses (``workbench.mail``): the text the maintainer reads is the text the trailers were
found in. A file that vanished or does not parse gives an explanatory line instead of an
exception: the view must open.
"""

from __future__ import annotations

from functools import lru_cache

from workbench.mail.reading import read_text


@lru_cache(maxsize=256)
def read_body(path: str) -> str:
    """The readable text of the message at ``path`` (never raises)."""
    return read_text(path).text
