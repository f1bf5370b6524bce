"""Builders for hand-made Series, shared by the tests/test_policy_*.py files.

Hand-built series let each test state exactly which trailer sits on which patch, so a
check's verdict can be asserted precisely; the real-mail tests live in
test_policy_corpus.py.
"""

from __future__ import annotations

from datetime import datetime, timezone

from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.model import (
    Carried,
    FileChange,
    MailRecord,
    Origin,
    Patch,
    Person,
    Series,
    Signal,
    SignalKind,
    Trailer,
)
from workbench.policy.checks import PolicyContext

WHEN = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)

ALEX = Person("Alex Williamson", "alex.williamson@redhat.com")
JASON = Person("Jason Gunthorpe", "jgg@nvidia.com")
KEVIN = Person("Kevin Tian", "kevin.tian@intel.com")
YISHAI = Person("Yishai Hadas", "yishaih@nvidia.com")
LEON = Person("Leon Romanovsky", "leonro@nvidia.com")
SAEED = Person("Saeed Mahameed", "saeedm@nvidia.com")
ZHOU = Person("Zhou Wang", "wangzhou1@hisilicon.com")
HERBERT = Person("Herbert Xu", "herbert@gondor.apana.org.au")
SHAMEER = Person("Shameer Kolothum", "shameerali.kolothum.thodi@huawei.com")
BJORN = Person("Bjorn Helgaas", "bhelgaas@google.com")
STRANGER = Person("Some Body", "somebody@example.com")

SMALL_MAINTAINERS = """\
List of maintainers
-------------------

	M: Example <example@example.com>  (an indented example, not a section)

CRYPTO API
M:	Herbert Xu <herbert@gondor.apana.org.au>
L:	linux-crypto@vger.kernel.org
S:	Maintained
F:	drivers/crypto/

HISILICON QM DRIVER
M:	Zhou Wang <wangzhou1@hisilicon.com>
S:	Maintained
F:	drivers/crypto/hisilicon/qm.c
F:	include/linux/hisi_acc_qm.h

MELLANOX MLX5 core VPI driver
M:	Saeed Mahameed <saeedm@nvidia.com>
M:	Leon Romanovsky <leonro@nvidia.com>
S:	Supported
F:	drivers/net/ethernet/mellanox/mlx5/core/
F:	include/linux/mlx5/

PCI SUBSYSTEM
M:	Bjorn Helgaas <bhelgaas@google.com>
S:	Supported
F:	drivers/pci/
F:	include/linux/pci*

ORPHANED THING
S:	Orphan
F:	drivers/orphan/

VFIO DRIVER
M:	Alex Williamson <alex.williamson@redhat.com>
S:	Maintained
F:	Documentation/driver-api/vfio.rst
F:	drivers/vfio/
F:	include/linux/vfio.h
F:	include/uapi/linux/vfio.h

VFIO MEDIATED DEVICE DRIVERS
M:	Kirti Wankhede <kwankhede@nvidia.com>
S:	Maintained
F:	drivers/vfio/mdev/
F:	samples/vfio-mdev/

VFIO MLX5 PCI DRIVER
M:	Yishai Hadas <yishaih@nvidia.com>
S:	Maintained
F:	drivers/vfio/pci/mlx5/

VFIO HISILICON PCI DRIVER
M:	Shameer Kolothum <shameerali.kolothum.thodi@huawei.com>
S:	Maintained
F:	drivers/vfio/pci/hisilicon/

VFIO PCI DEVICE SPECIFIC DRIVERS
R:	Jason Gunthorpe <jgg@nvidia.com>
R:	Yishai Hadas <yishaih@nvidia.com>
R:	Shameer Kolothum <shameerali.kolothum.thodi@huawei.com>
R:	Kevin Tian <kevin.tian@intel.com>
S:	Maintained
P:	Documentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst
F:	drivers/vfio/pci/*/

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
S:	Buried alive in reporters
F:	*
F:	*/
"""

SMALL_MAILMAP = """\
Jason Gunthorpe <jgg@nvidia.com> <jgg@mellanox.com>
Leon Romanovsky <leon@kernel.org> <leonro@nvidia.com>
"""


def small_ctx(mailmap: str = SMALL_MAILMAP) -> PolicyContext:
    return PolicyContext(Maintainers.parse(SMALL_MAINTAINERS, "test"), Mailmap.parse(mailmap, "test"))


def change(path: str, status: str = "modified", old_path: str | None = None) -> FileChange:
    return FileChange(path=path, old_path=old_path, status=status, added=10, removed=2)


def signal(kind: SignalKind, path: str, pattern: str, line: str, hunk: str = "@@ -10,6 +10,9 @@ static int f(void)") -> Signal:
    return Signal(kind=kind, path=path, pattern=pattern, line=line, hunk=hunk)


def trailer(name: str, person: Person, source: str, origin: Origin = Origin.REPLY,
            given_by: Person | None = None, suspect: bool = False, *, carried: Carried = Carried.NOT,
            when: datetime = WHEN) -> Trailer:
    """A trailer in a mail sent by ``given_by`` (by default its own person, from their
    address), as attribution and provenance would make it."""
    sender = given_by or person
    return Trailer(name=name, person=person, source=source, origin=origin, given_by=sender, suspect=suspect,
                   date=when, sender=sender, carried=carried,
                   given_in=source if sender == person else ("given@x" if carried is Carried.TRACED else None),
                   given_version=1 if carried in (Carried.TRACED, Carried.UNSEEN) else None)


def sob(person: Person, n: int) -> Trailer:
    """The author's own Signed-off-by in the body of patch ``n``."""
    return trailer("Signed-off-by", person, f"patch{n}@x", Origin.BODY)


def patch(n: int, paths: list[str], *, author: Person = YISHAI, trailers: list[Trailer] | None = None,
          signals: list[Signal] | None = None, replies: list[str] | None = None,
          files: list[FileChange] | None = None) -> Patch:
    return Patch(number=n, msgid=f"patch{n}@x", subject=f"[PATCH {n}/9] patch {n}", title=f"patch {n}",
                 author=author, date=WHEN, path=f"/mail/{n}",
                 files=tuple(files if files is not None else [change(p) for p in paths]),
                 signals=tuple(signals or ()), trailers=list(trailers if trailers is not None else [sob(author, n)]),
                 replies=list(replies or []), sender=author)


def record(msgid: str, subject: str, author: Person, *, cover_text: str = "", parent: str | None = None) -> MailRecord:
    return MailRecord(msgid=msgid, path=f"/mail/{msgid}", subject=subject, author=author, sender=author,
                      date=WHEN, in_reply_to=parent, references=(parent,) if parent else (),
                      cover_text=cover_text)


def series(patches: list[Patch], *, expected: int | None = None, author: Person = YISHAI,
           title: str = "vfio/mlx5: add things", cover_text: str | None = None,
           cover_trailers: list[Trailer] | None = None, replies: list[MailRecord] | None = None) -> Series:
    cover = (record("cover@x", f"[PATCH 0/{expected or len(patches)}] {title}", author, cover_text=cover_text)
             if cover_text is not None else None)
    return Series(id="cover@x" if cover else (patches[0].msgid if patches else "none@x"), title=title,
                  version=1, rfc=False, author=author, date=WHEN,
                  expected=expected if expected is not None else len(patches), cover=cover,
                  patches=sorted(patches, key=lambda p: p.number), replies=list(replies or []),
                  cover_trailers=list(cover_trailers or []), sender=author)
