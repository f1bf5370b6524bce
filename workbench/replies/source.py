"""The message a draft replies to, read from its file.

Threading needs what the series model does not keep for patches (References, the exact
Subject, To/Cc), and quoting needs the body; both come from the file, parsed with the
loader's own code so a draft quotes the same text the trailers were read from.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.errors import DraftError
from workbench.mail.bodies import message_text
from workbench.mail.parse import ParseFailure, parse_message
from workbench.model import MailRecord


@dataclass(frozen=True, slots=True)
class Target:
    record: MailRecord
    body: str

    @property
    def references(self) -> list[str]:
        """The References a reply must carry: the target's chain, then the target.

        RFC 5322 §3.6.4: a parent without References but with one In-Reply-To gives
        that id, then the parent's Message-ID."""
        chain = list(self.record.references)
        if not chain and self.record.in_reply_to:
            chain = [self.record.in_reply_to]
        chain = [ref for ref in chain if ref != self.record.msgid]
        chain.append(self.record.msgid)
        return list(dict.fromkeys(chain))


def read_body(data: bytes) -> str:
    """The readable text of a message (multipart, base64, charsets handled): the
    loader's own decoder (``mail.bodies.message_text``)."""
    return message_text(data)


def read_target(path: str) -> Target:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as err:
        raise DraftError(f"cannot read the message to reply to ({path}: {err.strerror or err}); "
                         "has it moved? run 'notmuch new' and retry") from None
    try:
        record = parse_message(path, data)
    except ParseFailure as err:
        raise DraftError(f"cannot reply to {path}: {err.reason}") from None
    try:
        body = read_body(data)
    except Exception as err:  # noqa: BLE001 — hostile MIME must not stop a reply
        body = f"[the body could not be decoded: {type(err).__name__}]\n"
    return Target(record, body)
