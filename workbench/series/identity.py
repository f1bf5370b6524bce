"""One key per person, for linking versions of a series posted from different addresses.

Authors move between employers mid-series (the .mailmap knows), and some senders have
no usable address at all; the key falls back to the name then, so two versions by the
same named author still chain.
"""

from __future__ import annotations

from workbench.kernel.mailmap import Mailmap
from workbench.model import Person


def identity_key(mailmap: Mailmap, person: Person) -> str:
    canonical = mailmap.canonical(person)
    email = canonical.email or person.email
    if email:
        return email.lower()
    return " ".join(person.name.split()).casefold()
