"""Asking which reply to draft: to one message of a series, with or without my own trailer.

The series view and the thread view both offer it; the choice is posted as a
``DraftRequested`` from the screen that asked, and the app composes the draft.
"""

from __future__ import annotations

from textual.screen import Screen

from workbench.analysis import Judged
from workbench.replies import kinds as K
from workbench.tui.drafting import REPLY_TRAILERS, DraftRequest, reply_label
from workbench.tui.messages import DraftRequested
from workbench.tui.screens.choice import ChoiceScreen


def ask_reply(screen: Screen, judged: Judged, msgid: str | None, what: str) -> None:
    """A reply to one message of the series, with or without my own trailer."""

    def chosen(index: int | None) -> None:
        if index is not None:
            request = DraftRequest(K.DraftKind.REPLY, target_msgid=msgid, trailer=REPLY_TRAILERS[index])
            screen.post_message(DraftRequested(judged, request))

    screen.app.push_screen(ChoiceScreen(f"reply to {what}", [reply_label(t) for t in REPLY_TRAILERS]), chosen)
