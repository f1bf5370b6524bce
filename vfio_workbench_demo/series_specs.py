"""The demo corpus: twenty-one postings over seven variant drivers, with their replies.

Each series is built to show one or more cases of the acceptance checks (see
``expectations.py`` for what each is meant to produce); the comments say which. The
prose is this project's own, written in the manner of the kvm list.
"""

from __future__ import annotations

from datetime import timedelta

from vfio_workbench_demo import people as P
from vfio_workbench_demo.code import core, fixes, hisi, mlx5, nvgrace, pds, qat, virtio, xe
from vfio_workbench_demo.compose import Corpus, PatchSpec, SeriesSpec, at, tz
from vfio_workbench_demo.render import VIRTUALIZATION

H = timedelta(hours=1)
D = timedelta(days=1)

XE_REG_ENTRIES = 2450  # ~4,900 lines in one new header: the TUI's large-diff case


def _sob(*people: P.Person) -> tuple[str, ...]:
    return tuple(f"Signed-off-by: {p.name} <{p.email}>" for p in people)


# ---------------------------------------------------------------- mlx5, three versions

_MLX5_TITLE = "Add support for compressed migration state"

_MLX5_COVER_V1 = """\
This series adds support for compressing the device state that mlx5 saves
for live migration.

Recent firmware can compress the VHCA image it produces on SAVE_VHCA_STATE.
On a VF with a large number of queues the image shrinks to a fifth of its
size, which directly shortens the stop-copy phase and the downtime.

The first two patches add the IFC bits and a capability helper to mlx5_core,
the next ones use them in the vfio driver: the state is saved compressed when
both sides support it, and a new header record tells the target how to load it.

Yishai"""

_MLX5_COVER_V2 = """\
This series adds support for compressing the device state that mlx5 saves
for live migration.

Recent firmware can compress the VHCA image it produces on SAVE_VHCA_STATE.
On a VF with a large number of queues the image shrinks to a fifth of its
size, which directly shortens the stop-copy phase and the downtime.

How the device state is composed and consumed: the stream is a sequence of
records, a driver header (tag, flags, size) followed by the firmware image.
A new MLX5_MIGF_HEADER_TAG_COMPRESSED record carries the algorithm and the
compressed and uncompressed sizes; the target consumes the records in order
and passes the image to LOAD_VHCA_STATE.

What is not otherwise available through vfio-pci: the image is internal VHCA
state (queue contexts, steering, counters) that only the PF firmware can
produce; none of it is visible to the user through vfio-pci.

Changes from V1: https://lore.kernel.org/r/20250304120512.1742-1-yishaih@nvidia.com
- Patch #2: Check the vhca_resource_manager capability as well, as
  suggested by Leon.
- Patch #3, #4: Use a named limit (MLX5VF_MAX_COMPRESSED_IMAGE) for the
  compressed image instead of an open-coded SZ_512M.

Yishai"""

_MLX5_COVER_V3 = """\
This series adds support for compressing the device state that mlx5 saves
for live migration.

Recent firmware can compress the VHCA image it produces on SAVE_VHCA_STATE.
On a VF with a large number of queues the image shrinks to a fifth of its
size, which directly shortens the stop-copy phase and the downtime.

How the device state is composed and consumed: the stream is a sequence of
records, a driver header (tag, flags, size) followed by the firmware image.
A new MLX5_MIGF_HEADER_TAG_COMPRESSED record carries the algorithm and the
compressed and uncompressed sizes; the target consumes the records in order
and passes the image to LOAD_VHCA_STATE.

What is not otherwise available through vfio-pci: the image is internal VHCA
state (queue contexts, steering, counters) that only the PF firmware can
produce; none of it is visible to the user through vfio-pci.

Safeguards that validate the data: both sizes in the header are checked
against the limits the device reported before anything is copied from
userspace, reserved flags must be zero, an unknown algorithm is refused, and
the firmware validates the image itself (version and checksum) on load.

Changes from V2: https://lore.kernel.org/r/20250408094512.1811-1-yishaih@nvidia.com
- Patch #4: Refuse an unknown compression algorithm.
- Patch #5: New, report the compressed length in the precopy info, so that
  userspace estimates match what it will read.
- Add Leon's Acked-by on the mlx5_core patches.

Yishai"""


def _mlx5_patches(version: int) -> list[PatchSpec]:
    leon = ("Acked-by: Leon Romanovsky <leonro@nvidia.com>",) if version >= 3 else ()
    patches = [
        PatchSpec(
            "net/mlx5: Add IFC bits for migration state compression",
            "Add the capability and the SAVE_VHCA_STATE fields that let the device\n"
            "compress the VHCA image it saves for migration.",
            _sob(P.YISHAI) + leon, (mlx5.ifc_bits(),)),
        PatchSpec(
            "net/mlx5: Expose migration state compression capability",
            "Query the general-2 capabilities when the device is migratable and\n"
            "expose whether it can compress its migration state, for the use of\n"
            "the mlx5 vfio driver.",
            _sob(P.YISHAI) + leon, (mlx5.core_cap(version), mlx5.driver_header())),
        PatchSpec(
            "vfio/mlx5: Save the device state compressed when supported",
            "Ask the firmware for a compressed image when the device supports it.\n"
            "The size the device reports stays the uncompressed one, which remains\n"
            "a safe upper bound for the buffers the driver allocates.",
            _sob(P.YISHAI), (mlx5.cmd_c(version), mlx5.cmd_h(version))),
        PatchSpec(
            "vfio/mlx5: Load a compressed device state on resume",
            "Add a header record for a compressed image and accept it on the\n"
            "resume path. Both sizes come from userspace and are checked against\n"
            "the limits of the device before the image is staged.",
            _sob(P.YISHAI), (mlx5.main_resume(version),)),
    ]
    if version >= 3:
        patches.append(PatchSpec(
            "vfio/mlx5: Report the compressed length in the precopy info",
            "With compression the device reports the size of the uncompressed image;\n"
            "report the length userspace will actually read instead.",
            _sob(P.YISHAI), (mlx5.precopy_info(),)))
    return patches


def _mlx5(c: Corpus) -> None:
    to = (P.ALEX, P.JASON)
    cc = (P.SAEED, P.LEON, P.KEVIN, P.KVM, P.NETDEV, P.RDMA)
    # v1: parent hunks without an ack, a listed reviewer on one of two vfio patches.
    v1 = c.post(SeriesSpec("mlx5-v1", P.YISHAI, _MLX5_TITLE, at(2025, 3, 4, 14, 5, 12, 2),
                           _mlx5_patches(1), to, cc, version_mark="V", words=("vfio",),
                           cover=_MLX5_COVER_V1, pid=1742))
    c.reply(v1.patch(2), P.LEON, 6 * H, """\
@quote /^Query the general-2/ 3

Why do you need a new export for this? The capability is already cached in
mdev->caps, so the vfio driver could read it with MLX5_CAP_GEN_2() directly.

Also, a device without vhca_resource_manager cannot save its state at all;
please check that too.

Thanks""", tz=tz(3))
    c.reply(v1.patch(3), P.JASON, 1 * D + 3 * H, """\
@quote /^Ask the firmware/ 3

This looks fine to me

Reviewed-by: Jason Gunthorpe <jgg@nvidia.com>

Jason""", tz=tz(-3))
    c.reply(v1.patch(4), P.JASON, 1 * D + 3 * H + 20 * 60 * timedelta(seconds=1), """\
@quote /^\\+\\tif \\(le64_to_cpu\\(hdr.compressed_size\\) > SZ_512M/ 3

Please give the limit a name, the same magic number appears in cmd.c and it
is not obvious the two have to agree.

Jason""", tz=tz(-3))

    # v2: parent acked in replies; documentation answers two of the three questions;
    # Jason's v1 review must not leak into v2.
    v2 = c.post(SeriesSpec("mlx5-v2", P.YISHAI, _MLX5_TITLE, at(2025, 4, 8, 12, 45, 12, 3),
                           _mlx5_patches(2), to, cc, version=2, version_mark="V", words=("vfio",),
                           cover=_MLX5_COVER_V2, pid=1811))
    for n in (1, 2):
        c.reply(v2.patch(n), P.LEON, 5 * H, """\
@quote head 4

Acked-by: Leon Romanovsky <leonro@nvidia.com>""", tz=tz(3))
    c.reply(v2.patch(4), P.ALEX, 2 * D, """\
@quote /^\\+\\tif \\(le64_to_cpu\\(hdr.compressed_size\\) >/ 5

So the device limit bounds both sizes, but what happens if the user sends
an algorithm value the firmware does not know?  Do we rely on the firmware
to fail LOAD_VHCA_STATE cleanly, or should the driver refuse it here?

Also, the cover letter is still missing what safeguards exist for the
data, per the acceptance criteria for variant drivers.

Thanks,
Alex""", client="claws", tz=tz(-6))

    # v3: everything in place: acks carried in the patches, a listed reviewer's tag on
    # the cover letter, and a nested reply (reply to a reply) carrying a trailer.
    v3 = c.post(SeriesSpec("mlx5-v3", P.YISHAI, _MLX5_TITLE, at(2025, 5, 13, 10, 22, 41, 3),
                           _mlx5_patches(3), to, cc, version=3, version_mark="V", words=("vfio",),
                           cover=_MLX5_COVER_V3, pid=1902))
    c.reply(v3.cover_letter(), P.JASON, 20 * H, """\
@quote head 3

Reviewed-by: Jason Gunthorpe <jgg@nvidia.com>

Jason""", tz=tz(-3))
    question = c.reply(v3.patch(4), P.ALEX, 1 * D + 2 * H, """\
@quote /^\\+static int mlx5vf_resume_compressed_header/ 12

Is there anything that stops a user from sending a second compressed
header in the middle of an image and changing compressed_size under the
staging buffer?

Thanks,
Alex""", client="claws", tz=tz(-6))
    answer = c.reply(question, P.YISHAI, 9 * H, """\
@quote /^Is there anything/ 3

No, the header is only parsed in MLX5_VF_LOAD_STATE_READ_HEADER_DATA, and
we get there again only after the previous image was fully loaded; the
staging buffer is re-allocated per image from the new size.

Yishai""", client="thunderbird", tz=tz(3))
    c.reply(answer, P.KEVIN, 14 * H, """\
@quote /^No, the header/ 3

Thanks for the explanation.

Reviewed-by: Kevin Tian <kevin.tian@intel.com>""", client="outlook", tz=tz(8))
    c.reply(v3.cover_letter(), P.ALEX, 6 * D, """\
@quote head 2

Applied to vfio next branch for v6.17.  Thanks,

Alex""", client="claws", tz=tz(-6))


# ---------------------------------------------------------------- hisi_acc, two versions

def _hisi_patches(version: int) -> list[PatchSpec]:
    notes = ""
    if version >= 2:
        notes = "v1 -> v2:\n  Assert the mailbox lock is held, as Weili pointed out.\n"
    return [
        PatchSpec(
            "crypto: hisilicon/qm - export the VF doorbell configuration",
            "The live migration driver needs the doorbell base and stride the PF\n"
            "programmed for a VF, to check on the destination that the VF it restores\n"
            "into was configured the same way. Export a helper that reads them.",
            _sob(P.LONGFANG), tuple(hisi.qm_export(version)), notes=notes),
        PatchSpec(
            "hisi_acc_vfio_pci: save and check the VF doorbell configuration",
            "Save the doorbell configuration with the VF state and refuse to resume\n"
            "into a VF whose configuration differs, rather than letting the guest's\n"
            "doorbells land in another function's queues.",
            _sob(P.LONGFANG), tuple(hisi.vfio_save(version)), notes=notes),
        PatchSpec(
            "hisi_acc_vfio_pci: check the migration data version on resume",
            "Refuse images written by an older driver before any field of the\n"
            "header is used.",
            _sob(P.LONGFANG), tuple(hisi.vfio_version(version)), notes=notes),
    ]


def _hisi(c: Corpus) -> None:
    to = (P.ALEX, P.JASON)
    cc = (P.SHAMEER_OLD, P.WEILI, P.ZHOU, P.KVM, P.CRYPTO, P.LKML)
    # No cover letters. v1: parent change without an ack, comments only.
    v1 = c.post(SeriesSpec("hisi-v1", P.LONGFANG, "", at(2025, 6, 3, 15, 40, 2, 8),
                           _hisi_patches(1), to, cc, pid=2291))
    c.reply(v1.patch(1), P.WEILI, 1 * D, """\
@quote /^\\+int hisi_qm_get_db_config/ 6

The registers are read under the mailbox lock everywhere else; please
assert it here, the PF may be reprogramming the VF at the same time.

Thanks,
Weili""", client="thunderbird", tz=tz(8))
    c.reply(v1.patch(2), P.SHAMEER_OLD, 2 * D, """\
@quote /^Save the doorbell/ 3

Looks reasonable. Does the check also hold for a VF that was created with a
different number of queue pairs? I think it is fine since the doorbell
stride does not depend on it, but please confirm.

Thanks,
Shameer""", client="outlook", tz=tz(1))

    # v2 posted in reply to v1 (git send-email --in-reply-to): same thread, two series.
    v2 = c.post(SeriesSpec("hisi-v2", P.LONGFANG, "", at(2025, 6, 24, 16, 2, 55, 8),
                           _hisi_patches(2), to, cc, version=2, in_reply_to=v1.patch(1), pid=2384))
    c.reply(v2.patch(1), P.WEILI, 20 * H, """\
@quote head 5

Acked-by: Weili Qian <qianweili@huawei.com>""", client="thunderbird", tz=tz(8))
    for n in (2, 3):
        # The old address: only the demo .mailmap (or the name) ties it to the R: entry.
        c.reply(v2.patch(n), P.SHAMEER_OLD, 1 * D + n * H, """\
@quote head 4

Reviewed-by: Shameer Kolothum <shameerali.kolothum.thodi@huawei.com>

Thanks,
Shameer""", client="outlook", tz=tz(1))
    c.reply(v2.patch(3), P.ALEX, 3 * D, """\
@quote /^\\+\\tif \\(\\*pos \\+ len >= sizeof/ 5

Why only check once the magic has arrived?  A short first write leaves
acc_magic uninitialized until the next one; please document that the
check is deferred, or read the header in one piece.

Alex""", client="claws", tz=tz(-6))


# ---------------------------------------------------------------- pds, two versions

_PDS_TITLE = "vfio/pds: Restore the device state in chunks"

_PDS_COVER = """\
The device state of a pds VF grows with the size of its LIF configuration,
and on the largest configurations it no longer fits in a single adminq
transfer on the PF side. This series adds a STATE_CHUNK command to pds_core
and uses it in pds_vfio_pci to restore the state in chunks of at most 64 KiB.

Note that pds_core and pds_vfio_pci are maintained together, so the
pds_core patch is expected to go through the vfio tree with the rest.
"""


def _pds_patches(version: int) -> list[PatchSpec]:
    title3 = "vfio/pds: Report the device state size from the device" if version == 1 else \
        "vfio/pds: Report the device state size and document the state"
    notes = "" if version == 1 else "v2:\n - Document the migration state (Kevin)\n - Bound writes by PDS_LM_MAX_STATE\n"
    return [
        PatchSpec("pds_core: Add the STATE_CHUNK adminq command",
                  "Add an adminq command that restores one chunk of a VF's device state,\n"
                  "so that the vfio driver does not need one contiguous buffer for it.",
                  _sob(P.BRETT), tuple(pds.core_adminq()), notes=notes),
        PatchSpec("vfio/pds: Restore the device state in chunks",
                  "Hand the restored device state to the device a chunk at a time, as\n"
                  "soon as a chunk is complete, instead of in one piece at the end.",
                  _sob(P.BRETT), tuple(pds.lm_chunks(version)), notes=notes),
        PatchSpec(title3,
                  "Ask the device for the size of its state instead of reporting the size\n"
                  "of the last save file, which is stale after a reconfiguration.",
                  _sob(P.BRETT), tuple(pds.lm_report(version)), notes=notes),
    ]


def _pds(c: Corpus) -> None:
    to = (P.ALEX, P.JASON, P.YISHAI, P.SHAMEER_OLD, P.KEVIN)
    cc = (P.KVM, P.NETDEV)
    # v1: listed reviewer on every vfio patch, no documentation at all.
    v1 = c.post(SeriesSpec("pds-v1", P.BRETT, _PDS_TITLE, at(2025, 7, 9, 9, 17, 33, -7),
                           _pds_patches(1), to, cc, cover=_PDS_COVER, pid=3120))
    for n in (2, 3):
        c.reply(v1.patch(n), P.KEVIN, 2 * D + n * H, """\
@quote head 6

Reviewed-by: Kevin Tian <kevin.tian@intel.com>""", client="outlook", tz=tz(8))
    c.reply(v1.cover_letter(), P.KEVIN, 2 * D + 4 * H, """\
@quote /^The device state of a pds VF/ 4

The series looks fine, but per the acceptance criteria there should be
some documentation of how the state is composed and what validates it,
especially now that the device consumes it piecewise.""", client="outlook", tz=tz(8))

    # v2: documentation added; the author quotes Kevin's v1 tag, which must not count.
    v2 = c.post(SeriesSpec("pds-v2", P.BRETT, _PDS_TITLE, at(2025, 8, 5, 10, 2, 14, -7),
                           _pds_patches(2), to, cc, version=2, cover=_PDS_COVER, pid=3377))
    c.reply(v2.cover_letter(), P.BRETT, 3 * D, """\
Kevin, on v1 you gave:

> Reviewed-by: Kevin Tian <kevin.tian@intel.com>

but patch 2 changed enough (the write bound) that I did not carry it
forward. Could you take another look?

Thanks,

Brett""", client="thunderbird", tz=tz(-7))


# ---------------------------------------------------------------- virtio, via the list

_VIRTIO_COVER = """\
This series adds PRE_COPY support to the virtio-pci variant driver, using
the device parts of the virtio admin command set.

The first patch adds a helper to virtio-pci to query the size of the device
parts of a member device; the next ones use it to report precopy data and to
parse the parts size record on the target.

How the device state is composed and consumed: the state is the list of
device parts the owner device returns for DEV_PARTS_GET (common config,
queue state, device-type config), framed by the driver into records of a
header and a payload; the target replays them with DEV_PARTS_SET.

Which portions are not otherwise available through vfio-pci: the device
parts are only reachable through the admin virtqueue of the PF; the guest
sees none of this through vfio-pci.

What safeguards validate the data: every record size is checked against the
size the device reported before it is copied from userspace, and the device
itself validates each part on DEV_PARTS_SET and fails the command on
anything it does not recognize.

Yishai"""


def _virtio(c: Corpus) -> None:
    to = (P.ALEX, P.MST, P.JASONW, P.JASON)
    cc = (P.KVM, P.VIRT, P.KEVIN, P.YI_LIU)
    patches = [
        PatchSpec("virtio-pci: Introduce an API to query the device parts size",
                  "Add virtio_pci_admin_dev_parts_size() to query the size the owner\n"
                  "device needs to hold the device parts of a member device.",
                  _sob(P.YISHAI), tuple(virtio.admin_parts_size())),
        PatchSpec("vfio/virtio: Add PRE_COPY support for live migration",
                  "Report precopy data once the device parts size is known, and accept\n"
                  "the parts size record on the resume side.",
                  _sob(P.YISHAI), tuple(virtio.precopy()), encoding="base64"),
        PatchSpec("vfio/virtio: Enable PRE_COPY and query the parts size",
                  "Query the parts size when userspace asks for the data size and\n"
                  "advertise VFIO_MIGRATION_PRE_COPY.",
                  _sob(P.YISHAI), tuple(virtio.report_parts())),
    ]
    s = c.post(SeriesSpec("virtio-v1", P.YISHAI, "Add PRE_COPY support for virtio live migration",
                          at(2025, 9, 2, 16, 42, 11, 3), patches, to, cc, version_mark="V",
                          words=("vfio",), cover=_VIRTIO_COVER, via=VIRTUALIZATION, pid=4410))
    # The parent's ack, given once on the cover letter, through the rewriting list.
    c.reply(s.cover_letter(), P.MST, 1 * D + 5 * H, """\
@quote head 3

virtio bits:

Acked-by: Michael S. Tsirkin <mst@redhat.com>""", tz=tz(-4), via=VIRTUALIZATION)
    c.reply(s.patch(2), P.KEVIN, 2 * D, """\
@quote /^Report precopy data/ 2

Reviewed-by: Kevin Tian <kevin.tian@intel.com>""", client="outlook", tz=tz(8))
    c.reply(s.patch(3), P.ALEX, 3 * D, """\
@quote /^Query the parts size/ 2

If the query fails we silently report no precopy data forever; is that
the intent?  A one-time dev_warn would help whoever debugs a slow
migration.

Alex""", client="claws", tz=tz(-6))


# ---------------------------------------------------------------- qat, incomplete

_QAT_COVER = """\
This set adds live migration support for QAT GEN6 devices to the qat_vfio_pci
driver.

The device state is composed of the ring bank registers (status, interrupt
and arbitration state of each bank), the PF-to-VF messaging state and the
service configuration; it is consumed on the destination by writing the
bank registers back while the VF is stopped, bank by bank.

None of this state is otherwise available through vfio-pci: the bank CSRs
of a VF are reachable only through the PF's PMISC BAR.

Patches 1 and 2 are in the QAT driver; patches 3 and 4 in the vfio driver.

Xin Zeng"""


def _qat(c: Corpus) -> None:
    to = (P.ALEX, P.HERBERT)
    cc = (P.GIOVANNI, P.KEVIN, P.YISHAI, P.SHAMEER_OLD, P.KVM, P.CRYPTO, P.QAT_LIST)
    patches = [
        PatchSpec("crypto: qat - add migration state helpers for GEN6 VFs",
                  "Save and restore the ring bank state of a GEN6 VF: the registers the\n"
                  "vfio driver needs to migrate a VF, read and written through the PF.",
                  _sob(P.XIN), tuple(qat.gen6_mig())),
        PatchSpec("crypto: qat - check the GEN6 migration ops on create",
                  "Refuse to create a migration device for a generation that does not\n"
                  "provide load_state.",
                  _sob(P.XIN), tuple(qat.mig_dev())),
        PatchSpec("vfio/qat: add support for GEN6 devices",
                  "Add the GEN6 VF device id to the driver's table.",
                  _sob(P.XIN), tuple(qat.vfio_gen6()), lost=True),
        PatchSpec("vfio/qat: enable PRE_COPY and bound the resume write",
                  "Fold the size check into the overflow check and advertise PRE_COPY,\n"
                  "which GEN6 devices support.",
                  _sob(P.XIN), tuple(qat.vfio_resume_check())),
    ]
    s = c.post(SeriesSpec("qat-v1", P.XIN, "vfio/qat: add live migration support for GEN6 devices",
                          at(2025, 9, 23, 11, 30, 4, 1), patches, to, cc,
                          cover=_QAT_COVER, pid=5123))
    # A subsystem maintainer (CRYPTO API) acks on the cover letter.
    c.reply(s.cover_letter(), P.HERBERT, 2 * D, """\
@quote /^Patches 1 and 2/ 1

For the crypto parts:

Acked-by: Herbert Xu <herbert@gondor.apana.org.au>
-- 
Email: Herbert Xu <herbert@gondor.apana.org.au>
Home Page: http://gondor.apana.org.au/~herbert/
PGP Key: http://gondor.apana.org.au/~herbert/pubkey.txt""", tz=tz(8))
    c.reply(s.cover_letter(), P.GIOVANNI, 2 * D + 2 * H, """\
@quote head 2

Patch 3/4 did not make it to the list, it seems to have been dropped by our
relay. Xin will resend the series.

Regards,

--
Giovanni""", client="thunderbird", tz=tz(1))
    c.reply(s.patch(4), P.KEVIN, 3 * D, """\
@quote /^\\+\\t\\tend > mig_dev->state_size\\)/ 2

This changes the error for a too-large write from -ENOMEM to -EOVERFLOW,
which is visible to userspace. Please mention it in the commit message.""",
            client="outlook", tz=tz(8))


# ---------------------------------------------------------------- nvgrace-gpu, RFC then v2

_NVG_TITLE = "vfio/nvgrace-gpu: Add support for the EGM region"

_NVG_COVER = """\
Grace based systems can reserve a carve-out of host system memory for the
GPU, called Extended GPU Memory (EGM). This series exposes it to the VM the
GPU is assigned to as a device-specific vfio region, so that the guest
driver can use it exactly as it does on bare metal.

Since the RFC:
 - bounds-check the whole access, not only its offset (Alex)
 - documentation of the region in Documentation/driver-api (Jason)

Ankit Agrawal"""


def _nvgrace(c: Corpus) -> None:
    to = (P.ALEX, P.JASON)
    cc = (P.SHAMEER, P.KEVIN, P.YISHAI, P.KVM, P.LKML)
    rfc = c.post(SeriesSpec(
        "nvgrace-rfc", P.ANKIT, "", at(2025, 10, 7, 9, 12, 45, 5.5),
        [PatchSpec(_NVG_TITLE,
                   "Expose the Extended GPU Memory carve-out as a device-specific region.",
                   _sob(P.ANKIT), (nvgrace.egm_file(1),), attach=True)],
        to, cc, tag="RFC PATCH", pid=6001))
    c.reply(rfc.patch(1), P.ALEX, 1 * D, """\
@quote head 3

I had to dig the patch out of an attachment; please use git send-email for
the next version so it can be reviewed inline.

Only the offset is checked in nvgrace_egm_rw(), offset + count can run past
the end of the carve-out.  And this is a new device-specific region: the
acceptance criteria ask for documentation of what it exposes and how the
access is validated.

Alex""", client="claws", tz=tz(-6))
    c.reply(rfc.patch(1), P.JASON, 1 * D + 4 * H, """\
@quote head 2

Why a region and not a new BAR-like mmap on the existing device memory?
Either way, please write down in Documentation/ what the guest sees.

Jason""", tz=tz(-3))

    patches = [
        PatchSpec("vfio/nvgrace-gpu: Register the EGM region at probe",
                  "Fetch the EGM properties from ACPI and register the region when the\n"
                  "platform reserved a carve-out for the GPU.",
                  _sob(P.ANKIT), tuple(nvgrace.egm_probe()) + (nvgrace.uapi(),)),
        PatchSpec("vfio/nvgrace-gpu: Add EGM region read/write",
                  "Read and write the carve-out through memremap(), bounds-checking the\n"
                  "whole access against its size.",
                  _sob(P.ANKIT), (nvgrace.egm_file(2),)),
        PatchSpec("Documentation: vfio: describe the nvgrace-gpu EGM region",
                  "Describe what the EGM region exposes and how accesses are validated.",
                  _sob(P.ANKIT), (nvgrace.doc(),)),
    ]
    v2 = c.post(SeriesSpec("nvgrace-v2", P.ANKIT, _NVG_TITLE, at(2025, 11, 11, 10, 3, 9, 5.5),
                           patches, to, cc, version=2, cover=_NVG_COVER, pid=6244))
    # A listed reviewer at his new address, on the cover letter.
    c.reply(v2.cover_letter(), P.SHAMEER, 2 * D, """\
@quote head 4

Reviewed-by: Shameer Kolothum <skolothumtho@nvidia.com>

Thanks,
Shameer""", client="thunderbird", tz=tz(0))
    # A trailer for somebody else: kept, but suspect.
    c.reply(v2.patch(2), P.ANKIT, 3 * D, """\
@quote head 2

Jason went through this one with me offline and asked me to add his tag:

Reviewed-by: Jason Gunthorpe <jgg@nvidia.com>

Ankit""", client="thunderbird", tz=tz(5.5))


# ---------------------------------------------------------------- xe, b4, non-ASCII author

_XE_TITLE = "vfio/xe: Add driver variant for Xe VF migration"

_XE_COVER = """\
Xe is a DRM driver supporting Intel GPUs and for SR-IOV capable
devices, it enables the creation of SR-IOV VFs.
This series adds xe-vfio-pci driver variant that interacts with Xe
driver to control VF device state and read/write migration data,
allowing it to extend regular vfio-pci functionality with VFIO migration
capability.

How the device state is composed and consumed: the migration data is a
stream of packets produced by the PF (GuC state, GGTT, MMIO registers from
xe_sriov_mig_regs.h and VRAM), each with a type, a version and a size; the
destination PF consumes them in order and restores each into the VF.

What is not otherwise available through vfio-pci: the GuC and GGTT state and
the VF's VRAM contents are owned by the PF; a VF cannot read them itself.

Safeguards: the PF validates every packet header (type, version, size)
against what the VF was provisioned with and refuses the restore of anything
that does not match; the vfio driver never interprets the data.
"""


def _xe(c: Corpus) -> None:
    to = (P.ALEX, P.RODRIGO, P.THOMAS, P.MATTHEW)
    cc = (P.KEVIN, P.JASON, P.YISHAI, P.SHAMEER, P.LUCAS, P.KVM, P.XE_LIST, P.LKML)
    v1_patches = [
        PatchSpec("drm/xe/pf: Export helpers for VFIO",
                  "Vendor-specific VFIO driver for Xe will implement VF migration.\n"
                  "Export everything that's needed for migration ops.",
                  _sob(P.MICHAL), tuple(xe.pf_export(1))),
        PatchSpec("drm/xe/pf: Add the VF migration register list",
                  "Add the list of MMIO registers saved and restored with a VF, generated\n"
                  "from the hardware specification.",
                  _sob(P.MICHAL), (xe.regs_header(150),)),
        PatchSpec("vfio/xe: Add device specific vfio_pci driver variant for Intel graphics",
                  "In addition to generic VFIO PCI functionality, the driver implements\n"
                  "VFIO migration uAPI, allowing userspace to enable migration for\n"
                  "Intel Graphics SR-IOV Virtual Functions.\n"
                  "The driver binds to VF device and uses API exposed by Xe driver to\n"
                  "transfer the VF migration data under the control of PF device.",
                  _sob(P.MICHAL), tuple(xe.vfio_driver(1))),
    ]
    v1 = c.post(SeriesSpec("xe-v1", P.MICHAL, _XE_TITLE, at(2025, 11, 18, 14, 41, 2, 1),
                           v1_patches, to, cc, cover=_XE_COVER, pid=7001, client="b4",
                           b4_change_id="20251118-xe-vfio-migration-5c2b1e"))
    c.reply(v1.patch(1), P.MATTHEW, 1 * D, """\
@quote /^\\+int xe_sriov_vfio_stop_copy_enter/ 4

This needs to check that migration is supported on the platform before
triggering a save, otherwise the VF gets stuck in the paused state. With
that fixed:

Reviewed-by: Matthew Brost <matthew.brost@intel.com>

Matt""", tz=tz(-8))

    mb = ("Reviewed-by: Matthew Brost <matthew.brost@intel.com>",)
    v2_patches = [
        PatchSpec("drm/xe/pf: Export helpers for VFIO",
                  "Vendor-specific VFIO driver for Xe will implement VF migration.\n"
                  "Export everything that's needed for migration ops.",
                  _sob(P.MICHAL) + mb, tuple(xe.pf_export(2))),
        PatchSpec("drm/xe/pf: Add the VF migration register list",
                  "Add the list of MMIO registers saved and restored with a VF, generated\n"
                  "from the hardware specification. v2 covers all engines and GT blocks.",
                  _sob(P.MICHAL), (xe.regs_header(XE_REG_ENTRIES),)),
        PatchSpec("drm/xe/pf: Discard migration data on VF FLR",
                  "A VF reset invalidates the migration data the PF holds for it.",
                  _sob(P.MICHAL) + mb, tuple(xe.pf_flr())),
        PatchSpec("vfio/xe: Add device specific vfio_pci driver variant for Intel graphics",
                  "In addition to generic VFIO PCI functionality, the driver implements\n"
                  "VFIO migration uAPI, allowing userspace to enable migration for\n"
                  "Intel Graphics SR-IOV Virtual Functions.\n"
                  "The driver binds to VF device and uses API exposed by Xe driver to\n"
                  "transfer the VF migration data under the control of PF device.",
                  _sob(P.MICHAL), tuple(xe.vfio_driver(2)),
                  notes="v1 -> v2:\n- Bound resume writes by XE_VFIO_MAX_STATE (Kevin)\n"),
    ]
    v2 = c.post(SeriesSpec("xe-v2", P.MICHAL, _XE_TITLE, at(2025, 12, 16, 13, 7, 51, 1),
                           v2_patches, to, cc, version=2, cover=_XE_COVER, pid=7345,
                           client="b4", b4_change_id="20251118-xe-vfio-migration-5c2b1e"))
    c.reply(v2.patch(2), P.THOMAS, 1 * D + 3 * H, """\
@quote head 3

Acked-by: Thomas Hellström <thomas.hellstrom@linux.intel.com>""",
            client="thunderbird", tz=tz(1))
    c.reply(v2.patch(4), P.KEVIN, 2 * D, """\
@quote /^\\+static ssize_t xe_vfio_pci_resume_write/ 12

Reviewed-by: Kevin Tian <kevin.tian@intel.com>""", client="outlook", tz=tz(8))
    # The vfio maintainer, from his other address (mapped by the demo .mailmap).
    c.reply(v2.cover_letter(), P.ALEX_OLD, 5 * D, """\
@quote head 4

For the vfio parts, assuming this goes through the drm-xe tree:

Acked-by: Alex Williamson <alex@shazbot.org>""", client="claws", tz=tz(-7))


# ---------------------------------------------------------------- small ones

def _small(c: Corpus) -> None:
    fix = c.post(SeriesSpec(
        "mlx5-fix-resend", P.YISHAI, "", at(2026, 1, 13, 11, 20, 35, 2),
        [PatchSpec("vfio/mlx5: Fix the error unwind in mlx5vf_start_page_tracker()",
                   "If creating the tracker fails, the firmware QP created just before\n"
                   "it is leaked, together with its receive buffers. Destroy it on that\n"
                   "error path.\n\n"
                   "Fixes: 79c3cf279926 (\"vfio/mlx5: Init QP based resources for dirty tracking\")",
                   ("Reviewed-by: Jason Gunthorpe <jgg@nvidia.com>",) + _sob(P.YISHAI),
                   (mlx5.resend_fix(),),
                   notes="Resend with the list on Cc, the first posting missed it.\n")],
        (P.ALEX, P.JASON), (P.KEVIN, P.KVM), tag="PATCH RESEND", words=("vfio",), pid=8801))
    c.reply(fix.patch(1), P.ALEX, 2 * D, """\
@quote head 4

Applied to vfio for-linus branch for v6.19.  Thanks,

Alex""", client="claws", tz=tz(-7))

    core_fix = c.post(SeriesSpec(
        "vfio-core-fix", P.YI_LIU, "", at(2026, 1, 20, 14, 2, 11, 8),
        [PatchSpec("vfio: Drop the kvm reference when the first open fails",
                   "vfio_df_open() takes a kvm reference for the first open but only\n"
                   "drops the open count when vfio_df_device_first_open() fails, leaking\n"
                   "the reference.",
                   _sob(P.YI_LIU), tuple(core.vfio_main_fix()))],
        (P.ALEX,), (P.KEVIN, P.JASON, P.KVM), pid=9012))
    c.reply(core_fix.patch(1), P.KEVIN, 1 * D, """\
@quote head 3

Reviewed-by: Kevin Tian <kevin.tian@intel.com>""", client="outlook", tz=tz(8))

    cfg = c.post(SeriesSpec(
        "pci-core-fix-v2", P.ZHENZHONG, "", at(2026, 2, 3, 10, 45, 0, 8),
        [PatchSpec("vfio/pci: Do not hide the capability chain after a zero-length capability",
                   "A capability whose length resolves to zero is hidden by unlinking it,\n"
                   "which also hides every capability behind it in the chain. Skip it\n"
                   "instead.",
                   _sob(P.ZHENZHONG), tuple(core.pci_config_fix()),
                   notes="v2: keep the debug message (Alex)\n")],
        (P.ALEX,), (P.KEVIN, P.YI_LIU, P.KVM), version=2, pid=9233))
    c.reply(cfg.patch(1), P.ALEX, 1 * D + 6 * H, """\
@quote /^\\+\\t/ 4

Looks right to me; I'll give it a few days on the list.

Alex""", client="claws", tz=tz(-7))


def _fixes(c: Corpus) -> None:
    """Small current fixes, so the default view has the dozen rows of a real week."""
    dan = c.post(SeriesSpec(
        "pds-fix", P.DAN, "", at(2025, 10, 21, 11, 4, 27, 3),
        [PatchSpec("vfio/pds: Fix a NULL vs IS_ERR() check in pds_vfio_pci_probe()",
                   "The vfio_alloc_device() macro returns error pointers on failure, it\n"
                   "never returns NULL. Update the check to match.\n\n"
                   "Fixes: 38fe3975b4c2 (\"vfio/pds: Initial support for pds VFIO driver\")",
                   _sob(P.DAN), tuple(fixes.pds_is_err()))],
        (P.BRETT,), (P.ALEX, P.KVM, P.LKML), pid=1133))
    # Reviewed by the driver's maintainer, who is not a listed reviewer.
    c.reply(dan.patch(1), P.BRETT, 5 * H, """\
@quote head 3

Thanks for the fix.

Reviewed-by: Brett Creeley <brett.creeley@amd.com>""", client="thunderbird", tz=tz(-7))
    c.reply(dan.patch(1), P.ALEX, 2 * D, """\
@quote head 2

Applied to vfio next branch for v6.19.  Thanks,

Alex""", client="claws", tz=tz(-6))

    colin = c.post(SeriesSpec(
        "nvgrace-typo", P.COLIN, "", at(2025, 12, 2, 9, 55, 40, 0),
        [PatchSpec("vfio/nvgrace-gpu: Fix spelling mistakes \"Retreive\" and \"memmory\"",
                   "There are two spelling mistakes in a comment. Fix them.",
                   _sob(P.COLIN), tuple(fixes.nvgrace_typo()))],
        (P.ANKIT, P.ALEX), (P.KVM, P.LKML), tag="PATCH", words=("next",), pid=2410))
    c.reply(colin.patch(1), P.SHAMEER, 1 * D, """\
@quote head 2

Reviewed-by: Shameer Kolothum <skolothumtho@nvidia.com>""", client="thunderbird", tz=tz(0))

    arnd = c.post(SeriesSpec(
        "mlx5-stack", P.ARND, "", at(2025, 12, 9, 16, 12, 3, 1),
        [PatchSpec("vfio/mlx5: Avoid a large stack frame in mlx5vf_create_tracker()",
                   "With CONFIG_KASAN enabled the page tracker input buffer pushes the\n"
                   "stack frame over the warning limit:\n\n"
                   "drivers/vfio/pci/mlx5/cmd.c:1089:12: error: stack frame size (1304) exceeds\n"
                   "limit (1280) in 'mlx5vf_create_tracker' [-Werror,-Wframe-larger-than]\n\n"
                   "Allocate the buffer instead.",
                   _sob(P.ARND), tuple(fixes.mlx5_stack()))],
        (P.YISHAI, P.ALEX), (P.JASON, P.KEVIN, P.KVM, P.LKML), pid=3920))
    c.reply(arnd.patch(1), P.JASON, 20 * H, """\
@quote /^With CONFIG_KASAN/ 2

Reviewed-by: Jason Gunthorpe <jgg@nvidia.com>

Jason""", tz=tz(-4))

    shameer = c.post(SeriesSpec(
        "hisi-reset-v2", P.SHAMEER, "vfio/hisi: Fix the VF reset handling", at(2026, 1, 27, 10, 30, 12, 0),
        [PatchSpec("vfio/hisi: Use a scoped guard in the reset-done handler",
                   "No functional change.", _sob(P.SHAMEER), tuple(fixes.hisi_reset(1))),
         PatchSpec("vfio/hisi: Clear the match state on reset",
                   "A reset returns the VF to RUNNING but left match_done set, so a later\n"
                   "resume skipped the configuration check.",
                   _sob(P.SHAMEER), tuple(fixes.hisi_reset(2)))],
        (P.ALEX, P.LONGFANG), (P.KEVIN, P.JASON, P.KVM),
        version=2, cover="""\
Two small fixes in the reset path of the HiSilicon ACC variant driver.

v1 -> v2: split the cleanup out of the fix (Kevin).

Thanks,
Shameer""", pid=4471))
    c.reply(shameer.cover_letter(), P.KEVIN, 1 * D, """\
@quote head 2

For the series:

Reviewed-by: Kevin Tian <kevin.tian@intel.com>""", client="outlook", tz=tz(8))
    c.reply(shameer.patch(2), P.ALEX, 2 * D, """\
@quote /^A reset returns/ 2

Should this have a Fixes: tag?  I can add it on commit if you tell me which.

Alex""", client="claws", tz=tz(-7))

    randy = c.post(SeriesSpec(
        "virtio-kdoc", P.RANDY, "", at(2026, 2, 10, 20, 41, 9, -8),
        [PatchSpec("vfio/virtio: Fix the kernel-doc of virtiovf_pci_init_device()",
                   "Use the kernel-doc format for the comment and describe the parameter,\n"
                   "to avoid a warning:\n\n"
                   "main.c:52: warning: Function parameter or struct member 'core_vdev' not\n"
                   "described in 'virtiovf_pci_init_device'",
                   _sob(P.RANDY), tuple(fixes.virtio_kdoc()))],
        (P.ALEX, P.YISHAI), (P.KVM, P.VIRT), pid=5518))
    c.reply(randy.patch(1), P.YISHAI, 14 * H, """\
@quote head 2

Acked-by: Yishai Hadas <yishaih@nvidia.com>""", client="thunderbird", tz=tz(2))


def build_corpus() -> Corpus:
    """Every demo mail, built in a fixed order (message-ids depend on nothing else)."""
    c = Corpus()
    for part in (_mlx5, _hisi, _pds, _virtio, _qat, _nvgrace, _xe, _small, _fixes):
        part(c)
    return c
