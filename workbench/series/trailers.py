"""Trailer lines (Acked-by: …) in a message's own text.

INTERFACE STUB — owned by the trailers/diff helper; signatures are the contract.
"""

from __future__ import annotations

from workbench.model import RawTrailer


def extract_trailers(text: str, *, patch: bool) -> tuple[RawTrailer, ...]:
    """Trailers in ``text`` (a decoded body). For a patch (``patch=True``) only the commit
    message counts (up to the first ``---`` line or the diff); quoted lines and anything
    below a ``-- `` signature never count."""
    raise NotImplementedError
