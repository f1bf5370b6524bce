"""Finding and summarising the diff in a patch mail.

INTERFACE STUB — owned by the trailers/diff helper; signatures are the contract.
"""

from __future__ import annotations

from workbench.model import FileChange, Signal


def split_patch(text: str) -> tuple[str, str]:
    """(prose, diff): the text before the diff and the diff itself ('' when none)."""
    raise NotImplementedError


def summarize_diff(diff: str) -> tuple[tuple[FileChange, ...], tuple[Signal, ...]]:
    raise NotImplementedError
