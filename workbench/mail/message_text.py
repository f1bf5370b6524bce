"""One message's readable text, read again from its file for a view or a comparison.

The core keeps no bodies (a large store would not fit in memory), so whatever shows or
compares a body re-reads the file, decoded with the loader's own code: the text is the
text the trailers were found in. A file that vanished or does not parse gives an
explanatory line instead of an exception.
"""

from __future__ import annotations

from functools import lru_cache

from workbench.mail import headers as H
from workbench.mail.bodies import body_text


@lru_cache(maxsize=256)
def read_message_text(path: str) -> str:
    """The readable text of the message at ``path`` (never raises)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as err:
        return f"[cannot read {path}: {err.strerror or err}]"
    try:
        block, body = H.split_message(data)
        fields, _junk = H.read_headers(block)
        problems: list[str] = []
        ctype = H.to_text(fields[b"content-type"][0], problems, "content-type") \
            if fields.get(b"content-type") else "text/plain"
        cte = H.to_text(fields[b"content-transfer-encoding"][0], problems, "content-transfer-encoding") \
            if fields.get(b"content-transfer-encoding") else ""
        return body_text(data, body, ctype, cte, problems).replace("\r\n", "\n")
    except Exception as err:  # noqa: BLE001 — hostile mail may break a decoder in odd ways
        return f"[cannot parse {path}: {type(err).__name__}]"
