"""One message file's readable text, decoded the way the loader decodes it.

The core keeps no bodies; what needs one later (the TUI's views, a robot's report, the
patches written for ``git am``) re-reads the file through here, so the text used is the
text the trailers were found in. Never raises: a vanished or broken file gives a
bracketed explanation instead (``ok`` tells the two apart).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.mail import headers as H
from workbench.mail.bodies import body_text


@dataclass(frozen=True, slots=True)
class MessageText:
    text: str
    ok: bool


def read_text(path: str) -> MessageText:
    """The readable text of the message at ``path``."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as err:
        return MessageText(f"[cannot read {path}: {err.strerror or err}]", False)
    try:
        block, body = H.split_message(data)
        fields, _junk = H.read_headers(block)
        problems: list[str] = []
        ctype = H.to_text(fields[b"content-type"][0], problems, "content-type") \
            if fields.get(b"content-type") else "text/plain"
        cte = H.to_text(fields[b"content-transfer-encoding"][0], problems, "content-transfer-encoding") \
            if fields.get(b"content-transfer-encoding") else ""
        return MessageText(body_text(data, body, ctype, cte, problems).replace("\r\n", "\n"), True)
    except Exception as err:  # noqa: BLE001 — hostile mail may break a decoder in odd ways
        return MessageText(f"[cannot parse {path}: {type(err).__name__}]", False)
