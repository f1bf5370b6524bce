"""Messages into series (one Series per posted version), trailers attached to patches,
versions chained across threads.

INTERFACE STUB — owned by the series helper.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.kernel.mailmap import Mailmap
from workbench.model import MailRecord, Series


def group_series(records: Iterable[MailRecord], mailmap: Mailmap) -> list[Series]:
    raise NotImplementedError
