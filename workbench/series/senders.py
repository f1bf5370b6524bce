"""Who sent a mail, as far as the mail itself can show it.

Every trailer is a claim by whoever sent the mail that carries it (DESIGN.md,
"Identities"), so the one fact a check may tie to a MAINTAINERS person is the sending
*address*: the From header. Display names prove nothing (``From: Michael S. Tsirkin
<attacker@…>``), nor does an in-body ``From:`` line (the claimed author of a patch).

One rewrite is undone: a list that rewrites From for DMARC ("Yishai Hadas via
Virtualization <virtualization@lists…>") names the real sender in Reply-To or
X-Original-From. That is believed only when the From address is a list: the message's
own List-Id/List-Post (``MailRecord.from_list``, decided at parse time) or an ``L:``
address of MAINTAINERS (``lists``). Anybody else can write those headers.
"""

from __future__ import annotations

from collections.abc import Collection

from workbench.model import MailRecord, Person


def sending_address(record: MailRecord, lists: Collection[str] = ()) -> Person:
    """The person whose address sent ``record``."""
    relayed = record.relayed
    if relayed is not None and (record.from_list or record.sender.email in lists):
        return relayed
    return record.sender
