"""What synthetic kernel list mail looks like: people, code, series, replies, headers.

Split from ``synth.py`` (which builds and caches stores) so that the shape of the mail can
be read on its own; header fields, body encodings and multipart bodies are written by the
mail-writing library the demo uses too (``vfio_workbench_demo.mailwriter``). Everything here is driven by seeded ``random.Random`` instances and
never by the clock or hash order, so a seed always gives the same bytes.
"""

from __future__ import annotations

import base64
import math
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from vfio_workbench_demo.mailwriter import address, fold, fold_text, message, multipart, text_part


@dataclass(frozen=True, slots=True)
class Shape:
    """Distributions the real-style generator samples from, each a tuple of values measured
    on real mail (``benchmarks.mail_shape.real_shape``); ``None`` in the generator means the
    hand-tuned synthetic shape of generator v2 (the same draws; since v3 the headers are
    written by ``vfio_workbench_demo.mailwriter``).

    Why empirical samples rather than fitted curves: the real tails (41 recipients, 17 files
    in a patch, 42 replies deep) are what costs, and a sample keeps them without a model.
    """

    header_bytes: tuple[int, ...]  # the whole header block
    recipients_patch: tuple[int, ...]  # To+Cc addresses of patches and cover letters
    recipients_reply: tuple[int, ...]  # … of replies
    patch_lines: tuple[int, ...]  # added+removed lines of one patch
    patch_files: tuple[int, ...]  # files one patch touches
    reply_bytes: tuple[int, ...]  # body of a reply
    reply_quoted: tuple[int, ...]  # % of a reply's non-empty lines that quote
    reply_depth: tuple[int, ...]  # In-Reply-To hops from a reply to its thread's root
    replies_under: tuple[int, ...]  # replies in the discussion under one patch or cover letter
    multipart: float  # share of mails sent as multipart (the patch as an attachment)
    base64: float  # share with a base64 body
    qp: float  # share with a quoted-printable body

    def digest(self) -> str:
        """A short stable name for the cache key of stores generated with this shape."""
        import hashlib
        return hashlib.sha256(repr(self).encode()).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class Who:
    name: str
    email: str

    def addr(self) -> str:
        return address(self.name, self.email)

    def line(self) -> str:
        return f"{self.name} <{self.email}>"


ALEX = Who("Alex Williamson", "alex.williamson@redhat.com")
LISTED = [Who("Jason Gunthorpe", "jgg@nvidia.com"), Who("Yishai Hadas", "yishaih@nvidia.com"),
          Who("Shameer Kolothum", "shameerali.kolothum.thodi@huawei.com"), Who("Kevin Tian", "kevin.tian@intel.com")]
HELPERS = [Who("Cédric Le Goater", "clg@redhat.com"), Who("Joao Martins", "joao.m.martins@oracle.com"),
           Who("Jonathan Cameron", "jonathan.cameron@huawei.com"), Who("Simon Horman", "horms@kernel.org")]


@dataclass(frozen=True, slots=True)
class Driver:
    """A variant driver: its files, its parent driver's files and who answers for them."""

    name: str
    vfio_files: tuple[str, ...]
    parent_files: tuple[str, ...]
    authors: tuple[Who, ...]
    parent_people: tuple[Who, ...]
    lists: tuple[str, ...]
    parent_prefix: str  # subject prefix of parent-driver patches ("net/mlx5")
    tree: str  # subsystem word in "[PATCH mlx5-next ...]", "" for none


DRIVERS = (
    Driver("mlx5", ("drivers/vfio/pci/mlx5/main.c", "drivers/vfio/pci/mlx5/cmd.c", "drivers/vfio/pci/mlx5/cmd.h"),
           ("drivers/net/ethernet/mellanox/mlx5/core/main.c", "drivers/net/ethernet/mellanox/mlx5/core/sriov.c",
            "include/linux/mlx5/driver.h", "include/linux/mlx5/mlx5_ifc.h"),
           (Who("Yishai Hadas", "yishaih@nvidia.com"), Who("Leon Romanovsky", "leonro@nvidia.com")),
           (Who("Saeed Mahameed", "saeedm@nvidia.com"), Who("Leon Romanovsky", "leon@kernel.org"),
            Who("Tariq Toukan", "tariqt@nvidia.com")),
           ("linux-rdma@vger.kernel.org", "netdev@vger.kernel.org"), "net/mlx5", "mlx5-next"),
    Driver("hisilicon", ("drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c", "drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.h"),
           ("drivers/crypto/hisilicon/qm.c", "include/linux/hisi_acc_qm.h", "drivers/crypto/hisilicon/sec2/sec_main.c"),
           (Who("Longfang Liu", "liulongfang@huawei.com"), Who("Shameer Kolothum", "shameerali.kolothum.thodi@huawei.com")),
           (Who("Weili Qian", "qianweili@huawei.com"), Who("Zhou Wang", "wangzhou1@hisilicon.com"),
            Who("Herbert Xu", "herbert@gondor.apana.org.au")),
           ("linux-crypto@vger.kernel.org",), "crypto: hisilicon/qm", ""),
    Driver("pds", ("drivers/vfio/pci/pds/lm.c", "drivers/vfio/pci/pds/dirty.c", "drivers/vfio/pci/pds/vfio_dev.c"),
           ("drivers/net/ethernet/amd/pds_core/adminq.c", "include/linux/pds/pds_adminq.h"),
           (Who("Brett Creeley", "brett.creeley@amd.com"),),
           (Who("Shannon Nelson", "shannon.nelson@amd.com"), Who("Brett Creeley", "brett.creeley@amd.com")),
           ("netdev@vger.kernel.org",), "pds_core", ""),
    Driver("virtio", ("drivers/vfio/pci/virtio/main.c", "drivers/vfio/pci/virtio/migrate.c",
                      "drivers/vfio/pci/virtio/common.h"),
           ("drivers/virtio/virtio_pci_modern.c", "drivers/virtio/virtio_pci_common.c", "include/linux/virtio_pci_admin.h"),
           (Who("Yishai Hadas", "yishaih@nvidia.com"),),
           (Who("Michael S. Tsirkin", "mst@redhat.com"), Who("Jason Wang", "jasowang@redhat.com")),
           ("virtualization@lists.linux.dev",), "virtio-pci", ""),
    Driver("qat", ("drivers/vfio/pci/qat/main.c",),
           ("drivers/crypto/intel/qat/qat_common/adf_gen4_vf_mig.c", "include/linux/qat/qat_mig_dev.h"),
           (Who("Xin Zeng", "xin.zeng@intel.com"),),
           (Who("Giovanni Cabiddu", "giovanni.cabiddu@intel.com"), Who("Herbert Xu", "herbert@gondor.apana.org.au")),
           ("linux-crypto@vger.kernel.org",), "crypto: qat", ""),
    Driver("nvgrace-gpu", ("drivers/vfio/pci/nvgrace-gpu/main.c",), (),
           (Who("Ankit Agrawal", "ankita@nvidia.com"),), (), (), "", ""),
    Driver("xe", ("drivers/vfio/pci/xe/main.c",),
           ("drivers/gpu/drm/xe/xe_sriov_vfio.c", "drivers/gpu/drm/xe/xe_gt_sriov_pf_migration.c"),
           (Who("Michał Winiarski", "michal.winiarski@intel.com"),),
           (Who("Lucas De Marchi", "lucas.demarchi@intel.com"), Who("Rodrigo Vivi", "rodrigo.vivi@intel.com")),
           ("intel-xe@lists.freedesktop.org",), "drm/xe/pf", ""),
    Driver("ism", ("drivers/vfio/pci/ism/main.c",), ("drivers/s390/net/ism_drv.c",),
           (Who("Julian Ruess", "julianr@linux.ibm.com"),),
           (Who("Alexandra Winter", "wintera@linux.ibm.com"),),
           ("linux-s390@vger.kernel.org",), "s390/ism", ""),
)

# Unrelated traffic: (subject prefix, files, list, tree word). Subjects never say vfio.
SUBSYSTEMS = (
    ("net/mlx5e", ("drivers/net/ethernet/mellanox/mlx5/core/en_main.c", "drivers/net/ethernet/mellanox/mlx5/core/en_rx.c",
                   "drivers/net/ethernet/mellanox/mlx5/core/en_tc.c"), "netdev@vger.kernel.org", "net-next"),
    ("RDMA/mlx5", ("drivers/infiniband/hw/mlx5/main.c", "drivers/infiniband/hw/mlx5/mr.c", "drivers/infiniband/hw/mlx5/qp.c"),
     "linux-rdma@vger.kernel.org", "rdma-next"),
    ("crypto: hisilicon/sec", ("drivers/crypto/hisilicon/sec2/sec_crypto.c", "drivers/crypto/hisilicon/sec2/sec.h"),
     "linux-crypto@vger.kernel.org", ""),
    ("PCI", ("drivers/pci/pci.c", "drivers/pci/quirks.c", "drivers/pci/iov.c", "include/linux/pci.h"),
     "linux-pci@vger.kernel.org", ""),
    ("drm/xe", ("drivers/gpu/drm/xe/xe_device.c", "drivers/gpu/drm/xe/xe_guc.c", "drivers/gpu/drm/xe/xe_bo.c"),
     "intel-xe@lists.freedesktop.org", ""),
    ("virtio_net", ("drivers/net/virtio_net.c", "include/linux/virtio_net.h"), "virtualization@lists.linux.dev", "net"),
    ("KVM: x86", ("arch/x86/kvm/x86.c", "arch/x86/kvm/mmu/mmu.c", "arch/x86/kvm/vmx/vmx.c"), "kvm@vger.kernel.org", ""),
    ("iommu/vt-d", ("drivers/iommu/intel/iommu.c", "drivers/iommu/intel/pasid.c"), "iommu@lists.linux.dev", ""),
    ("s390/pci", ("arch/s390/pci/pci.c", "arch/s390/pci/pci_bus.c"), "linux-s390@vger.kernel.org", ""),
)

_FIRST = ("Wei", "Anna", "Rahul", "Marta", "Jun", "Pavel", "Sofia", "Tomasz", "Li", "Greta", "Ravi", "Yuki",
          "Daniel", "Ines", "Omar", "Katarzyna", "Hiroshi", "Elena", "Björn", "Priya", "Mateus", "Chen", "Noor", "Ilse")
_LAST = ("Zhang", "Kowalski", "Iyer", "Novak", "Schmidt", "Tanaka", "Moreau", "Rossi", "Silva", "Haddad",
         "Larsen", "Okafor", "Petrov", "Yamada", "García", "Nguyen", "Fischer", "Kumar", "Dubois", "Wang")
_DOMAINS = ("kernel-dev.example", "chipco.example", "cloudhost.example", "netcorp.example", "gmail.example")


def _crowd(rng: random.Random, n: int) -> list[Who]:
    people = []
    for i in range(n):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        local = f"{first[0]}{last}".lower().encode("ascii", "ignore").decode() or f"dev{i}"
        people.append(Who(f"{first} {last}", f"{local}{i}@{rng.choice(_DOMAINS)}"))
    return people


_FILE_WORDS = ("core", "migration", "dirty", "cmd", "debugfs", "sriov", "admin", "reset", "irq", "config",
               "trace", "lm", "state", "regs", "fw", "pf", "vf", "dma", "mem", "bar")
_IDENT = ("dev", "mvdev", "migf", "buf", "vf", "pdev", "state", "cmd", "out", "in", "ctx", "qm", "page",
          "entry", "len", "offset", "header", "vhca_id", "chunk", "tracker", "region", "bar", "cfg", "ret")
_FUNC = ("mlx5vf_cmd_save_vhca_state", "hisi_acc_vf_qm_init", "pds_vfio_dirty_sync", "virtiovf_read_device_context",
         "qat_vf_pci_save_state", "xe_sriov_vfio_wait", "vfio_pci_core_enable", "nvgrace_gpu_map_device_mem",
         "ism_dev_configure", "mlx5_core_query_vport", "qm_wait_dev_not_ready", "adf_gen4_vfmig_load_setup",
         "virtio_pci_admin_cmd_exec", "pci_iov_vf_id", "kvm_mmu_zap_all", "intel_iommu_map_pages")
_STRUCT = ("mlx5vf_pci_core_device", "hisi_acc_vf_core_device", "pds_vfio_pci_device", "virtiovf_pci_core_device",
           "qat_vf_core_device", "vfio_device", "pci_dev", "mlx5_vhca_data_buffer", "qm_dev_dma", "file")
_COMMENT = ("Make sure the device is quiesced before reading its state", "The caller holds state_mutex",
            "Userspace may write the data in any chunk size", "Tracker pages are reported once",
            "Wait for the firmware to finish the command", "Nothing to do for a stopped device",
            "Keep the VF in the error state until reset")
_TEMPLATES = (
    "\tret = {f}({a}, {b});", "\tif (ret)", "\t\treturn ret;", "\tif (!{a})", "\t\treturn -EINVAL;",
    "\tstruct {s} *{a} = container_of({b}, struct {s}, core_device.vdev);", "\tmutex_lock(&{a}->state_mutex);",
    "\tmutex_unlock(&{a}->state_mutex);", "\t/* {c} */", "\tu32 {a};", "\tsize_t {a} = {b}->length;",
    "\t\tgoto err_{a};", "\tmemcpy({a}, {b}, sizeof(*{a}));", "", "\treturn 0;", "}}", "{{",
    "static int {f}(struct {s} *{a})", "\tspin_lock_irq(&{a}->lock);", "\t{a}->{b} = {b};",
    "\tlist_for_each_entry({a}, &{b}->list, node) {{", "\t\t{f}({a});", "\t}}", "err_{a}:",
    "\tdev_dbg(&{a}->dev, \"{c}\\n\");", "#include <linux/{a}.h>", "\tWARN_ON({a}->{b} > {b});",
    "\t{a} = kzalloc(sizeof(*{a}), GFP_KERNEL_ACCOUNT);", "\tif ({a} < {b} || {a} > U32_MAX)",
)
_EXTENSION_LINES = (
    "static const struct vfio_migration_ops {d}_pci_mig_ops = {{", "\t.migration_set_state = {d}_pci_set_device_state,",
    "\t.migration_get_state = {d}_pci_get_device_state,", "\tcore_vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;",
    "static ssize_t {d}_resume_write(struct file *filp, const char __user *buf,",
    "\tif (copy_from_user({d}_buf + *pos, buf, len))", "\t\tret = get_user(val, (u32 __user *)buf);",
    "static const struct vfio_log_ops {d}_pci_log_ops = {{", "\t.log_read_and_clear = {d}_dirty_tracking_report,",
)
_COMMIT = (
    "Today the driver reads the whole device state in one command, which stalls the VF for the duration.",
    "Split the save flow into chunks so that userspace can start reading while the device keeps producing data.",
    "This is a prerequisite for supporting pre-copy on devices whose firmware exposes it.",
    "The PF driver owns the admin queue, so the VF driver has to go through an exported helper.",
    "No functional change is intended for devices without this capability.",
    "Fix the error unwind so that a failed resume does not leak the migration file.",
    "Reported by syzkaller when the buffer length is not a multiple of the page size.",
    "Move the definitions to a shared header so that both drivers use one layout.",
    "Validate the header fields before trusting the length that userspace handed us.",
    "Use the new helper instead of open coding the wait loop.",
    "The next patch relies on this to report the dirty pages of a running VF.",
    "Checking the return value here lets the caller report a proper errno to userspace.",
)
_DISCUSS = (
    "This looks fine to me, one nit below.", "Why do we need the extra lock here? The caller already holds it.",
    "Can userspace reach this path with an unchecked length?", "Please split this into two patches.",
    "Thanks, I will address this in the next version.", "Good catch, fixed locally.",
    "I think the error code should be -EIO, not -EINVAL.", "Is this tested with a real device?",
    "Could you add a comment explaining why the ordering matters?", "Agreed with Jason here.",
    "The firmware guarantees that the size fits in 32 bits.", "Let me check with the hardware team and get back.",
    "This is the same pattern the other variant drivers use.", "Nit: the commit message has a typo.",
)
_COVER_DOC = (
    "The device state is composed of the queue contexts and the configuration registers, and it is consumed by the "
    "resume path of the destination VF.",
    "None of this data is otherwise available through vfio-pci: it lives in device memory that only the PF firmware "
    "can read.",
    "As a safeguard, the driver validates the header, the version and the length of every chunk before it reaches the "
    "device.",
)


def _c_pool(rng: random.Random, size: int = 4000) -> list[str]:
    pool = []
    for _ in range(size):
        t = rng.choice(_TEMPLATES)
        pool.append(t.format(f=rng.choice(_FUNC), a=rng.choice(_IDENT), b=rng.choice(_IDENT),
                             s=rng.choice(_STRUCT), c=rng.choice(_COMMENT)))
    return pool


# --------------------------------------------------------------------------- message building

@dataclass(slots=True)
class Msg:
    """One message before it is written: enough to thread and quote it."""

    msgid: str
    who: Who
    subject: str
    date: datetime
    body: str
    lists: tuple[str, ...]
    to: tuple[Who, ...] = ()
    parent: Msg | None = None
    refs: tuple[str, ...] = ()
    attach_patch: bool = False  # patch as a text/x-patch attachment
    base64_body: bool = False
    via_list: str = ""  # "Virtualization": sender rewritten by the list
    cc: tuple[Who, ...] = ()  # people on Cc (real-style); the lists are always added
    qp_body: bool = False


class Generator:
    """Produces the messages of one traffic kind, in date order, from its own RNG."""

    def __init__(self, seed: int, kind: str, start: datetime, shape: Shape | None = None):
        self.shape = shape
        self.rng = random.Random(f"{seed}:{kind}")
        self.kind = kind
        self.now = start
        self.seq = 0
        self.pool = _c_pool(self.rng)
        self.crowd = _crowd(self.rng, 300)

    # -- small helpers
    def tick(self, lo: float = 20, hi: float = 3600) -> datetime:
        self.now += timedelta(seconds=self.rng.uniform(lo, hi))
        return self.now

    def msgid(self, who: Who, patch: int | None = None, base: str | None = None) -> str:
        self.seq += 1
        domain = who.email.split("@", 1)[1]
        if patch is not None and base:
            return f"{base}-{patch}-{who.email.split('@')[0]}@{domain}"
        return f"{self.rng.getrandbits(64):016x}.{self.kind}{self.seq}@{domain}"

    def lines(self, n: int) -> list[str]:
        return self.rng.choices(self.pool, k=n)

    def diff_size(self) -> int:
        """Changed lines of one patch: log-normal, median ~120, a tail to ~9,000 (~350 KB)."""
        return max(4, min(9000, int(self.rng.lognormvariate(math.log(110), 1.35))))

    # -- a patch body
    def file_diff(self, path: str, changed: int, extension: str | None) -> tuple[str, int, int]:
        rng = self.rng
        new_file = changed > 300 and rng.random() < 0.3
        out = [f"diff --git a/{path} b/{path}"]
        if new_file:
            body = self.lines(changed)
            if extension:
                for i in range(0, len(body), 40):
                    body[i] = rng.choice(_EXTENSION_LINES).format(d=extension)
            out += ["new file mode 100644", f"index 0000000..{rng.getrandbits(28):07x}",
                    "--- /dev/null", f"+++ b/{path}", f"@@ -0,0 +1,{changed} @@"]
            out += ["+" + line for line in body]
            return "\n".join(out), changed, 0
        out += [f"index {rng.getrandbits(28):07x}..{rng.getrandbits(28):07x} 100644", f"--- a/{path}", f"+++ b/{path}"]
        added = removed = 0
        old_line = rng.randint(10, 400)
        left = changed
        while left > 0:
            chunk = min(left, rng.randint(3, 60))
            left -= chunk
            rem = rng.randint(0, chunk // 2)
            add = chunk - rem
            pre, post = self.lines(3), self.lines(3)
            plus = self.lines(add)
            if extension and rng.random() < 0.5:
                plus[0] = rng.choice(_EXTENSION_LINES).format(d=extension)
            old_n, new_n = 6 + rem, 6 + add
            out.append(f"@@ -{old_line},{old_n} +{old_line + added - removed},{new_n} @@ {rng.choice(_FUNC)}(void)")
            out += [" " + s for s in pre] + ["-" + s for s in self.lines(rem)] + ["+" + s for s in plus]
            out += [" " + s for s in post]
            added += add
            removed += rem
            old_line += old_n + rng.randint(5, 200)
        return "\n".join(out), added, removed

    def patch_body(self, author: Who, files: list[str], extension: str | None, carried: list[str],
                   changes: str) -> str:
        rng = self.rng
        msg = " ".join(rng.choices(_COMMIT, k=rng.randint(2, 7)))
        paras = [msg[i:i + 400] for i in range(0, len(msg), 400)]
        text = "\n\n".join(_wrap(p) for p in paras)
        tags = [f"Signed-off-by: {author.line()}"] + carried
        total = self.diff_size() if self.shape is None else max(2, self.rng.choice(self.shape.patch_lines))
        diffs, stat = [], []
        adds = rems = 0
        for i, path in enumerate(files):
            share = total // len(files) + (total % len(files) if i == 0 else 0)
            d, a, r = self.file_diff(path, max(2, share), extension if "/vfio/" in path or i == 0 else None)
            diffs.append(d)
            stat.append(f" {path} | {a + r} {'+' * min(a, 30)}{'-' * min(r, 30)}")
            adds, rems = adds + a, rems + r
        stat.append(f" {len(files)} file{'s' if len(files) > 1 else ''} changed, {adds} insertions(+), {rems} deletions(-)")
        return (f"{text}\n\n" + "\n".join(tags) + "\n---\n" + (changes + "\n\n" if changes else "")
                + "\n".join(stat) + "\n\n" + "\n".join(diffs) + "\n-- \n2.43.0\n")

    def reply_body(self, parent: Msg, trailer: str | None, quote_trailer: str | None) -> str:
        rng = self.rng
        if self.shape is not None:
            return self.shaped_reply_body(parent, trailer, quote_trailer)
        plines = parent.body.split("\n")
        out = [f"On {format_datetime(parent.date)}, {parent.who.name} wrote:"]
        pos = 0
        for _ in range(rng.randint(1, 6)):
            if pos >= len(plines):
                break
            start = pos + rng.randint(0, 40)
            span = rng.randint(8, 200)
            out += ["> " + s if s else ">" for s in plines[start:start + span]]
            out += ["", " ".join(rng.choices(_DISCUSS, k=rng.randint(1, 3))), ""]
            pos = start + span
        if quote_trailer:  # a trailer quoted from the parent, which must not count
            out += [f"> {quote_trailer}", ""]
        if trailer:
            out += [trailer, ""]
        if rng.random() < 0.3:
            out += ["Thanks,", parent.who.name.split()[0] if rng.random() < 0.1 else ""]
        return "\n".join(out) + "\n"

    def shaped_reply_body(self, parent: Msg, trailer: str | None, quote_trailer: str | None) -> str:
        """A reply of a size and quoted share drawn from the real ones: spans of the parent
        quoted, each followed by some answer, as people answer inline."""
        rng, shape = self.rng, self.shape
        target = rng.choice(shape.reply_bytes)
        quoted_pct = rng.choice(shape.reply_quoted)
        n_lines = max(2, target // 48)  # real reply lines average ~48 bytes
        n_quoted = round(n_lines * quoted_pct / 100)
        n_new = max(1, n_lines - n_quoted)
        plines = [s for s in parent.body.split("\n")]
        spans = rng.randint(1, 5)
        out = [f"On {format_datetime(parent.date)}, {parent.who.name} wrote:"]
        pos = 0
        for i in range(spans):
            take = n_quoted // spans + (n_quoted % spans if i == 0 else 0)
            chunk = plines[pos:pos + take]
            if len(chunk) < take and plines:  # a short parent: quote it again (people re-quote)
                chunk += [plines[j % len(plines)] for j in range(take - len(chunk))]
            pos += take
            out += ["> " + s if s else ">" for s in chunk]
            words = n_new // spans + (n_new % spans if i == 0 else 0)
            out += ["", _wrap(" ".join(rng.choices(_DISCUSS, k=max(1, words * 48 // 60)))), ""]
        if quote_trailer:
            out += [f"> {quote_trailer}", ""]
        if trailer:
            out += [trailer, ""]
        return "\n".join(out) + "\n"

    def recipients(self, total: int, people: list[Who], lists: tuple[str, ...],
                   first: tuple[Who, ...] = ()) -> tuple[tuple[Who, ...], tuple[Who, ...]]:
        """To and Cc people so that To+Cc (with the lists and LKML, which render adds) hold
        ``total`` addresses, as get_maintainer.pl-fed series and reply-all answers do."""
        want = max(0, total - len(lists) - 1 - len(first))
        pool = [w for w in people if w not in first]
        extra = self.rng.sample(pool, k=min(want, len(pool)))
        cut = max(0, len(extra) // 3)
        return tuple(first) + tuple(extra[:cut]), tuple(extra[cut:])

    def encodings(self, attach: float, b64: float) -> dict[str, bool]:
        """attach_patch/base64_body/qp_body for one message: the synthetic rates (the same
        RNG draws as generator v2) or the real shares."""
        rng = self.rng
        a, b = rng.random(), rng.random()
        if self.shape is None:
            return {"attach_patch": a < attach, "base64_body": b < b64}
        return {"attach_patch": a < self.shape.multipart, "base64_body": b < self.shape.base64,
                "qp_body": self.shape.base64 <= b < self.shape.base64 + self.shape.qp}

    def pick_parent(self, chain: list[Msg]) -> Msg:
        """The message a reply answers. Synthetic: mostly the newest. Real-style: often the
        newest too, else one at a reply depth drawn from the real ones (depth = hops to the
        thread's root); drawing depths alone left the real tail (p90 10) at 5."""
        rng = self.rng
        if self.shape is None:
            return chain[-1] if rng.random() < 0.6 else rng.choice(chain)
        if rng.random() < 0.6:  # a back-and-forth: answer the newest (real long threads are deep chains)
            return chain[-1]
        want = rng.choice(self.shape.reply_depth) - 1
        return min(reversed(chain), key=lambda m: abs(len(m.refs) - want))  # ties: the newest

    def pick_files(self, known: tuple[str, ...], k: int) -> list[str]:
        """``k`` of ``known`` (synthetic); real-style draws the count from real patches and
        adds sibling files in the same directories when ``known`` has too few."""
        rng = self.rng
        if self.shape is not None:
            k = rng.choice(self.shape.patch_files)
            dirs = sorted({f.rsplit("/", 1)[0] for f in known})
            known = known + tuple(f"{d}/{w}.{'h' if i % 4 == 3 else 'c'}" for i, (d, w) in
                                  enumerate((d, w) for w in _FILE_WORDS for d in dirs))
        return rng.sample(known, k=min(len(known), k))

    # -- a thread of replies under one message
    def replies(self, root: Msg, count: int, people: list[Who], author: Who,
                trailer_for: Callable[[Who], str | None]) -> Iterator[Msg]:
        rng = self.rng
        chain = [root]
        for _ in range(count):
            # long nested discussions: mostly answer the newest message of the chain
            parent = self.pick_parent(chain)
            who = author if parent.who != author and rng.random() < 0.4 else rng.choice(people)
            trailer = trailer_for(who) if who != author else None
            if trailer and rng.random() < 0.04:  # given on behalf of someone else: suspect
                trailer = trailer.split(":")[0] + ": " + rng.choice(people).line()
            qt = None
            if rng.random() < 0.05:
                qt = f"Reviewed-by: {rng.choice(people).line()}"
            subj = root.subject if root.subject.startswith("Re: ") else f"Re: {root.subject}"
            to: tuple[Who, ...] = (parent.who,)
            cc: tuple[Who, ...] = ()
            if self.shape is not None:
                to, cc = self.recipients(rng.choice(self.shape.recipients_reply), people + [author],
                                         root.lists, (parent.who,))
            msg = Msg(self.msgid(who), who, subj, self.tick(60, 40000), self.reply_body(parent, trailer, qt),
                      root.lists, to, parent, parent.refs + (parent.msgid,), cc=cc)
            if self.shape is None:
                msg.base64_body = rng.random() < 0.01
            else:
                enc = self.encodings(0, 0)
                msg.base64_body, msg.qp_body = enc["base64_body"], enc["qp_body"]
            chain.append(msg)
            yield msg

    def reply_count(self) -> int:
        """Replies under one message: most get none or a few, some get long discussions."""
        if self.shape is not None:
            return self.rng.choice(self.shape.replies_under)
        r = self.rng.random()
        if r < 0.45:
            return 0
        if r < 0.9:
            return self.rng.randint(1, 4)
        return self.rng.randint(5, 30)


class VfioTraffic(Generator):
    """Variant-driver series in several versions, reviewed on the list."""

    def __init__(self, seed: int, start: datetime, shape: Shape | None = None):
        super().__init__(seed, "vfio", start, shape)
        self.title_n = 0

    def messages(self) -> Iterator[Msg]:
        while True:
            yield from self.family()

    def family(self) -> Iterator[Msg]:
        rng = self.rng
        drv = rng.choice(DRIVERS)
        author = rng.choice(drv.authors)
        self.title_n += 1
        title = rng.choice(("Add live migration support", "Add dirty page tracking", "Fix error unwind in resume",
                            "Support chunk mode for migration", "Add pre-copy support", "Refactor PF command path",
                            "Add support for new device ids", "Emulate the BAR for the guest")) + f" (#{self.title_n})"
        n_patches = rng.choice((1, 1, 2, 3, 3, 4, 5, 6, 8, 10, 13, 15))
        versions = rng.choice((1, 1, 2, 2, 3, 4))
        extension = drv.name.replace("-", "_") if rng.random() < 0.6 else None
        change_id = f"{self.now:%Y%m%d}-{drv.name}-{rng.getrandbits(24):06x}" if rng.random() < 0.3 else None
        plan = [self.plan_patch(drv, i, n_patches, title) for i in range(1, n_patches + 1)]
        reviewers = LISTED + [ALEX] + list(drv.parent_people) + HELPERS + self.crowd[:40]
        carried: dict[int, list[str]] = {}
        prev_cover: Msg | None = None
        for v in range(1, versions + 1):
            self.tick(86400, 86400 * 40)
            vtag = f" v{v}" if v > 1 else ""
            tree = f" {drv.tree}" if drv.tree and rng.random() < 0.5 else ""
            width = 2 if n_patches >= 10 else 1
            base = f"{self.now:%Y%m%d%H%M%S}.{rng.getrandbits(20)}"
            lists = ("kvm@vger.kernel.org",) + drv.lists
            to = (ALEX,) + drv.parent_people[:1]
            cc: tuple[Who, ...] = ()
            people = reviewers + self.crowd[40:]

            def addressed(to: tuple[Who, ...] = to, cc: tuple[Who, ...] = cc, people: list[Who] = people,
                          lists: tuple[str, ...] = lists) -> tuple[tuple[Who, ...], tuple[Who, ...]]:
                """Real-style: recipients drawn per message (drawing once per series would
                weigh the counts of long series twice against the real distribution)."""
                if self.shape is None:
                    return to, cc
                return self.recipients(rng.choice(self.shape.recipients_patch), people, lists, to)
            root: Msg | None = None
            if n_patches > 1 and rng.random() < 0.85:
                body = self.cover_body(drv, title, plan, v, change_id, prev_cover, author)
                r_to, r_cc = addressed()
                root = Msg(self.msgid(author, 0, base), author, f"[PATCH{tree}{vtag} {0:0{width}d}/{n_patches}] {title}",
                           self.tick(1, 5), body, lists, r_to, cc=r_cc)
                if v > 1 and prev_cover is not None and rng.random() < 0.1:  # v2 in reply to v1
                    root.parent, root.refs = prev_cover, prev_cover.refs + (prev_cover.msgid,)
                root.via_list = "Virtualization" if "virtualization@lists.linux.dev" in lists and rng.random() < 0.5 else ""
                yield root
            patches = []
            for num, (subject, files) in enumerate(plan, 1):
                counter = f" {num:0{width}d}/{n_patches}" if n_patches > 1 else ""
                thread_root = root or (patches[0] if patches else None)
                body = self.patch_body(author, files, extension if any("/vfio/" in f for f in files) else None,
                                       carried.get(num, []), f"Changes since v{v - 1}:\n- addressed review" if v > 1 else "")
                p_to, p_cc = addressed()
                msg = Msg(self.msgid(author, num, base), author, f"[PATCH{tree}{vtag}{counter}] {subject}",
                          self.tick(1, 5), body, lists, p_to, thread_root,
                          (thread_root.refs + (thread_root.msgid,)) if thread_root else (),
                          via_list=root.via_list if root else "", cc=p_cc, **self.encodings(0.02, 0.01))
                patches.append(msg)
                yield msg
            # review happens after posting
            pool = reviewers
            if root is not None:
                under = self.reply_count() if self.shape is not None else self.reply_count() // 2
                yield from self.replies(root, under, pool, author,
                                        lambda who: self.trailer(who, "Acked-by", 0.3))
            for num, msg in enumerate(patches, 1):
                for r in self.replies(msg, self.reply_count(), pool, author,
                                      lambda who: self.trailer(who, "Reviewed-by", 0.35)):
                    if "-by:" in r.body and rng.random() < 0.5:  # carried into the next version's patch
                        for line in r.body.split("\n"):
                            if line.startswith(("Reviewed-by:", "Acked-by:")):
                                carried.setdefault(num, []).append(line)
                    yield r
            prev_cover = root or (patches[0] if patches else None)

    def trailer(self, who: Who, name: str, p: float) -> str | None:
        return f"{name}: {who.line()}" if self.rng.random() < p else None

    def plan_patch(self, drv: Driver, num: int, total: int, title: str) -> tuple[str, list[str]]:
        rng = self.rng
        topic = rng.choice(("Introduce the migration state helpers", "Add the admin command wrappers",
                            "Report the device dirty pages", "Validate the resume header",
                            "Expose the VF state size", "Add a chunk mode to the save flow",
                            "Use the new PF interface", "Fix the error path on reset"))
        # distinct series have distinct patch titles (versions are linked by title + author)
        topic += f" (#{self.title_n}.{num})"
        if drv.parent_files and num < total and rng.random() < 0.35:
            files = self.pick_files(drv.parent_files, rng.randint(1, 2))
            if rng.random() < 0.1:
                files.append(f"Documentation/driver-api/vfio-{drv.name}.rst")
            return f"{drv.parent_prefix}: {topic}", files
        files = self.pick_files(drv.vfio_files, rng.randint(1, 2))
        if rng.random() < 0.08:
            files.append(f"Documentation/networking/device_drivers/{drv.name}_vfio_pci.rst")
        return f"vfio/{drv.name}: {topic}", files

    def cover_body(self, drv: Driver, title: str, plan: list[tuple[str, list[str]]], v: int,
                   change_id: str | None, prev: Msg | None, author: Who) -> str:
        rng = self.rng
        paras = [_wrap(" ".join(rng.choices(_COMMIT, k=rng.randint(3, 8)))) for _ in range(rng.randint(1, 4))]
        answered = rng.randint(0, 3)
        paras += [_wrap(q) for q in _COVER_DOC[:answered]]
        if v > 1:
            paras.append(f"Changes from v{v - 1}:\n" + "\n".join(f"- {s}" for s in rng.sample(_DISCUSS, 3)))
            if prev is not None:
                paras.append(f"v{v - 1}: https://lore.kernel.org/r/{prev.msgid}")
        short = "\n".join(f"  {s}" for s, _ in plan)
        files = sorted({f for _, fs in plan for f in fs})
        stat = "\n".join(f" {f} | {rng.randint(2, 400)} ++++----" for f in files)
        tail = f"\n---\nbase-commit: {rng.getrandbits(160):040x}\n" + (f"change-id: {change_id}\n" if change_id else "")
        return ("\n\n".join(paras) + f"\n\n{author.name} ({len(plan)}):\n{short}\n\n{stat}\n" + tail
                + "\nBest regards,\n-- \n" + author.line() + "\n")


class OtherTraffic(Generator):
    """Everything else on the lists: patches, reviews, questions. Never 'vfio' in a subject."""

    def __init__(self, seed: int, start: datetime, shape: Shape | None = None):
        super().__init__(seed, "other", start, shape)

    def messages(self) -> Iterator[Msg]:
        while True:
            yield from self.thread()

    def thread(self) -> Iterator[Msg]:
        rng = self.rng
        prefix, files, mlist, tree = rng.choice(SUBSYSTEMS)
        author = rng.choice(self.crowd)
        people = rng.sample(self.crowd, 12)
        lists = (mlist,)

        def addressed() -> tuple[tuple[Who, ...], tuple[Who, ...]]:
            if self.shape is None:
                return (), ()
            return self.recipients(rng.choice(self.shape.recipients_patch), self.crowd, lists)

        if rng.random() < 0.15:  # a question or bug report, no patch
            body = _wrap(" ".join(rng.choices(_COMMIT + _DISCUSS, k=rng.randint(3, 12))))
            if rng.random() < 0.5:
                body += "\n\n[  123.456789] WARNING: CPU: 3 PID: 1234 at " + rng.choice(files) + ":412\n" + \
                        "\n".join(f"[  123.4{i:05d}]  {rng.choice(_FUNC)}+0x{rng.getrandbits(12):x}/0x{rng.getrandbits(12):x}"
                                  for i in range(rng.randint(10, 40)))
            to, cc = addressed()
            root = Msg(self.msgid(author), author, f"{prefix}: question about {rng.choice(_FUNC)}()",
                       self.tick(), body + "\n", lists, to, cc=cc)
            yield root
            yield from self.replies(root, self.reply_count() + 1, people, author, lambda who: None)
            return
        n = rng.choice((1, 1, 1, 2, 3, 4, 5, 7, 9, 12))
        width = 2 if n >= 10 else 1
        vtag = f" v{rng.randint(2, 5)}" if rng.random() < 0.4 else ""
        tword = f" {tree}" if tree and rng.random() < 0.7 else ""
        base = f"{self.now:%Y%m%d%H%M%S}.{rng.getrandbits(20)}"
        root = None
        if n > 1 and rng.random() < 0.8:
            body = _wrap(" ".join(rng.choices(_COMMIT, k=rng.randint(3, 10)))) + "\n\n-- \n2.43.0\n"
            to, cc = addressed()
            root = Msg(self.msgid(author, 0, base), author, f"[PATCH{tword}{vtag} {0:0{width}d}/{n}] {prefix}: series {self.seq}",
                       self.tick(), body, lists, to, cc=cc)
            yield root
        patches = []
        for num in range(1, n + 1):
            counter = f" {num:0{width}d}/{n}" if n > 1 else ""
            thread_root = root or (patches[0] if patches else None)
            chosen = self.pick_files(files, rng.randint(1, min(2, len(files))))
            topic = rng.choice(("Fix a race in teardown", "Convert to the new API", "Add tracepoints",
                                "Remove dead code", "Handle allocation failure", "Speed up the lookup"))
            topic += f" (#{base[-6:]}.{num})"
            to, cc = addressed()
            msg = Msg(self.msgid(author, num, base), author, f"[PATCH{tword}{vtag}{counter}] {prefix}: {topic}",
                      self.tick(1, 5), self.patch_body(author, chosen, None, [], ""), lists, to,
                      thread_root, (thread_root.refs + (thread_root.msgid,)) if thread_root else (),
                      cc=cc, **self.encodings(0.03, 0.01))
            patches.append(msg)
            yield msg
        for msg in ([root] if root else []) + patches:
            yield from self.replies(msg, self.reply_count(), people, author,
                                    lambda who: f"Reviewed-by: {who.line()}" if rng.random() < 0.3 else None)


def _wrap(text: str, width: int = 72) -> str:
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(cur)
    return "\n".join(lines)


# --------------------------------------------------------------------------- rendering

def render(msg: Msg, rng: random.Random, header_bytes: int = 0) -> bytes:
    """RFC 5322 bytes with the header weight of real vger mail.

    ``header_bytes`` > 0 (real-style): instead of the synthetic mix of signatures and
    relay headers, pad the header block with relay headers to about that many bytes."""
    date = format_datetime(msg.date)
    list_name = msg.lists[0] if msg.lists else "linux-kernel@vger.kernel.org"
    h = [f"Return-Path: <{list_name.split('@')[0]}+bounces-{rng.getrandbits(20)}@vger.kernel.org>",
         f"Received: from sv.mirrors.kernel.org (sv.mirrors.kernel.org [139.178.88.99])\n\tby lists.example "
         f"(Postfix) with ESMTPS id {rng.getrandbits(40):X}\n\tfor <me@example.org>; {date}"]
    for _ in range(rng.randint(2, 6)):
        h.append(f"Received: from mail-{rng.getrandbits(16):x}.outbound.example ([10.{rng.randint(0, 255)}."
                 f"{rng.randint(0, 255)}.{rng.randint(0, 255)}])\n        by smtp.subspace.kernel.org (Postfix) with ESMTPS "
                 f"id {rng.getrandbits(48):X}\n        for <{list_name}>; {date}")
    if header_bytes:
        pass
    elif rng.random() < 0.7:
        sig = base64.b64encode(rng.randbytes(256)).decode()
        h.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + msg.who.email.split("@")[1]
                 + ";\n\ts=20230601; t=1700000000;\n\th=from:to:cc:subject:date:message-id:reply-to;\n\tbh="
                 + base64.b64encode(rng.randbytes(32)).decode() + ";\n\tb=" + "\n\t ".join(sig[i:i + 70] for i in range(0, len(sig), 70)))
    if not header_bytes and rng.random() < 0.8:  # vger's ARC set: three more signed blobs
        for name in ("ARC-Seal", "ARC-Message-Signature"):
            blob = base64.b64encode(rng.randbytes(256)).decode()
            h.append(f"{name}: i=1; a=rsa-sha256; d=subspace.kernel.org; s=arc-20240116; t=1700000000; cv=none;\n\tb="
                     + "\n\t ".join(blob[i:i + 70] for i in range(0, len(blob), 70)))
        h.append("ARC-Authentication-Results: i=1; smtp.subspace.kernel.org; dmarc=pass (p=reject dis=none)\n"
                 f"\theader.from={msg.who.email.split('@')[1]}; spf=pass smtp.mailfrom={msg.who.email.split('@')[1]};"
                 " dkim=pass (2048-bit key)")
    if not header_bytes and rng.random() < 0.5:  # corporate relays add kilobytes of X- headers
        for i in range(rng.randint(20, 50)):
            h.append(f"X-MS-Exchange-CrossTenant-{rng.choice(_XHDR)}{i}: "
                     + base64.b64encode(rng.randbytes(rng.randint(16, 90))).decode())
    if msg.via_list:
        h.append(f"From: {address(f'{msg.who.name} via {msg.via_list}', list_name)}")
        h.append(f"Reply-To: {msg.who.addr()}")
        h.append(f"X-Original-From: {msg.who.addr()}")
    else:
        h.append(f"From: {msg.who.addr()}")
    h.append(f"Date: {date}")
    h.append(fold_text("Subject", msg.subject))
    h.append(f"Message-ID: <{msg.msgid}>")
    if msg.parent is not None:
        h.append(f"In-Reply-To: <{msg.parent.msgid}>")
        h.append(fold("References", [f"<{r}>" for r in msg.refs[-40:]], sep=""))
    tos = [w.addr() for w in msg.to] or [f"<{list_name}>"]
    h.append(fold("To", tos))
    h.append(fold("Cc", [*(w.addr() for w in msg.cc), *msg.lists, "linux-kernel@vger.kernel.org"]))
    h.append(f"X-Mailing-List: {list_name}")
    h.append(f"List-Id: <{list_name.replace('@', '.')}>")
    h.append(f"List-Subscribe: <mailto:{list_name.split('@')[0]}+subscribe@vger.kernel.org>")
    h.append(f"List-Unsubscribe: <mailto:{list_name.split('@')[0]}+unsubscribe@vger.kernel.org>")
    h.append("Precedence: bulk")
    if msg.subject.startswith("["):
        h.append("X-Mailer: git-send-email 2.43.0")
    h.append("MIME-Version: 1.0")
    if header_bytes:
        _pad_headers(h, header_bytes - 80, rng, msg)
    body = msg.body
    if msg.attach_patch and "\ndiff --git " in body:
        cut = body.index("\ndiff --git ")
        text, patch = body[:cut + 1], body[cut + 1:]
        boundary = f"=-={rng.getrandbits(64):016x}"
        h.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        patch_headers = ['Content-Type: text/x-patch; charset=utf-8; name="0001.patch"',
                         'Content-Disposition: attachment; filename="0001.patch"', "Content-Transfer-Encoding: 8bit"]
        return message(h, multipart(boundary, [text_part(text, "8bit", "utf-8"), (patch_headers, patch)]))
    encoding = "quoted-printable" if msg.qp_body else "base64" if msg.base64_body else "8bit"
    part_headers, payload = text_part(body, encoding, "utf-8")
    return message(h + part_headers, payload)


def _pad_headers(h: list[str], target: int, rng: random.Random, msg: Msg) -> None:
    """Insert relay headers (Received, DKIM, X-) before From until the block is ``target``
    bytes: real header blocks are mostly such lines, added by each hop."""
    size = sum(len(x) + 1 for x in h)
    at = next(i for i, x in enumerate(h) if x.startswith("From:"))
    extra = []
    domain = msg.who.email.split("@")[1]
    while size < target:
        r = rng.random()
        if r < 0.35:
            line = (f"Received: from mail-{rng.getrandbits(16):x}.{domain} (mail-{rng.getrandbits(16):x}.{domain} "
                    f"[10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}])\n\tby "
                    f"relay{rng.randint(1, 9)}.example (Postfix) with ESMTPS id {rng.getrandbits(48):X}\n\t"
                    f"for <{msg.lists[0] if msg.lists else 'lkml@vger.kernel.org'}>; {format_datetime(msg.date)}")
        elif r < 0.5:
            sig = base64.b64encode(rng.randbytes(256)).decode()
            line = (f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain};\n\ts=s{rng.randint(1, 9)}; "
                    "h=from:to:cc:subject:date:message-id;\n\tb=" + "\n\t ".join(sig[i:i + 70] for i in range(0, len(sig), 70)))
        else:
            line = (f"X-{rng.choice(_XHDR)}-{rng.randint(0, 99)}: "
                    + base64.b64encode(rng.randbytes(rng.randint(16, 90))).decode())
        extra.append(line)
        size += len(line) + 1
    h[at:at] = extra


_XHDR = ("Network-Message-Id", "OriginalArrivalTime", "FromEntityHeader", "Id", "MailboxType", "UserPrincipalName",
         "AuthSource", "AuthAs", "Antispam-MessageData", "Forefront-Antispam-Report")


# --------------------------------------------------------------------------- the whole store

def generate(vfio: int, other: int, seed: int, shape: Shape | None = None) -> Iterator[tuple[str, bytes]]:
    """(folder, message bytes) for the whole store, interleaving the two kinds of traffic
    in date order. Exactly ``vfio`` + ``other`` messages. ``shape``: real-style (sizes,
    recipients, depths drawn from real mail); ``None``: the synthetic shape."""
    start = datetime(2021, 1, 4, 9, 0, tzinfo=timezone.utc)
    render_rng = random.Random(f"{seed}:render")
    streams = []
    if vfio:
        streams.append([iter(_take(VfioTraffic(seed, start, shape).messages(), vfio)), None, "vfio"])
    if other:
        streams.append([iter(_take(OtherTraffic(seed, start, shape).messages(), other)), None, "other"])
    for s in streams:
        s[1] = next(s[0], None)
    while True:
        live = [s for s in streams if s[1] is not None]
        if not live:
            return
        s = min(live, key=lambda s: s[1].date) if len(live) > 1 else live[0]
        msg = s[1]
        s[1] = next(s[0], None)
        folder = (msg.lists[0].split("@")[0] if msg.lists else "lkml")
        header = render_rng.choice(shape.header_bytes) if shape is not None else 0
        yield folder, render(msg, render_rng, header)


def _take(it: Iterator[Msg], n: int) -> Iterator[Msg]:
    for i, msg in enumerate(it):
        if i >= n:
            return
        yield msg


def write_maintainers(path: Path) -> None:
    """A small MAINTAINERS naming the real vfio sections and the parents the series touch."""
    sections = [("VFIO DRIVER", [f"M:\t{ALEX.line()}"], ["drivers/vfio/", "include/linux/vfio.h",
                                                         "include/uapi/linux/vfio.h"]),
                ("VFIO PCI DEVICE SPECIFIC DRIVERS", [f"R:\t{w.line()}" for w in LISTED]
                 + ["P:\tDocumentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst"],
                 ["drivers/vfio/pci/*/"])]
    for d in DRIVERS:
        sections.append((f"VFIO {d.name.upper()} PCI DRIVER", [f"M:\t{d.authors[0].line()}"], [f"drivers/vfio/pci/{d.name}/"]))
        if d.parent_files:
            dirs = sorted({f.rsplit("/", 1)[0] + "/" for f in d.parent_files})
            sections.append((f"{d.name.upper()} PARENT DRIVER", [f"M:\t{w.line()}" for w in d.parent_people], dirs))
    text = ["List of maintainers (synthetic, for benchmarks)", "", "Maintainers List", "----------------", ""]
    for name, people, files in sections:
        text += [name, *people, "L:\tkvm@vger.kernel.org", "S:\tMaintained", *[f"F:\t{f}" for f in files], ""]
    text += ["THE REST", "M:\tLinus Torvalds <torvalds@linux-foundation.org>", "L:\tlinux-kernel@vger.kernel.org",
             "S:\tBuried alive in reporters", "F:\t*", "F:\t*/", ""]
    path.write_text("\n".join(text))


# --------------------------------------------------------------------------- the real corpus, scaled

_ID_FIELDS = (b"message-id", b"in-reply-to", b"references")
_ANGLE_ID = re.compile(rb"<([^<>\s]+)>")
# where a body names a message by its id: lore links (also percent-encoded @) and b4's change-id
_BODY_ID = re.compile(rb"((?:lore\.kernel\.org/(?:[\w.-]+/)?|patch\.msgid\.link/))([^\s/<>\"']+(?:@|%40)[^\s/<>\"']+)")
_CHANGE_ID_LINE = re.compile(rb"^(change-id:[ \t]*)(\S+)", re.MULTILINE | re.IGNORECASE)
COPY_SHIFT = timedelta(minutes=61)  # copy k is dated k * this later: copies interleave, never tie


def copy_message(raw: bytes, k: int) -> bytes:
    """Copy ``k`` of one real message: a distinct message in a distinct but identical thread.

    Copy 0 is the message itself. Copy k > 0 gets every message-id in Message-ID,
    In-Reply-To and References prefixed with ``c{k}.`` (so threads are kept within the
    copy), its Date moved by k × ``COPY_SHIFT``, " (copy k)" after its Subject (so series
    of different copies are not linked as versions of one another by title), and the lore
    links and b4 change-id in its body renamed the same way (so they link within the copy).
    """
    if k == 0:
        return raw
    tag = f"c{k}.".encode()
    cut = raw.find(b"\n\n")
    header, body = (raw, b"") if cut < 0 else (raw[:cut + 1], raw[cut + 1:])
    fields: list[list[bytes]] = []  # each: the lines of one header field
    for line in header.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1].append(line)
        else:
            fields.append([line])
    out = []
    for lines in fields:
        text = b"".join(lines)
        name = text.split(b":", 1)[0].strip().lower()
        if name in _ID_FIELDS:
            text = _ANGLE_ID.sub(lambda m: b"<" + tag + m.group(1) + b">", text)
        elif name == b"subject":
            end = len(text.rstrip(b"\r\n"))
            text = text[:end] + f" (copy {k})".encode() + text[end:]
        elif name == b"date":
            text = _shift_date(text, k)
        out.append(text)
    body = _BODY_ID.sub(lambda m: m.group(1) + tag + m.group(2), body)
    body = _CHANGE_ID_LINE.sub(lambda m: m.group(1) + m.group(2) + f"-c{k}".encode(), body)
    return b"".join(out) + body


def _date_of(raw: bytes) -> float:
    """The Date header as a timestamp (0 when absent or unreadable)."""
    m = re.search(rb"^Date:[ \t]*(.+)$", raw[:raw.find(b"\n\n")], re.MULTILINE | re.IGNORECASE)
    try:
        return parsedate_to_datetime(m.group(1).decode("ascii", "replace").strip()).timestamp() if m else 0.0
    except (TypeError, ValueError):
        return 0.0


def _shift_date(field: bytes, k: int) -> bytes:
    name, _, value = field.partition(b":")
    try:
        when = parsedate_to_datetime(value.decode("ascii", "replace").strip())
    except (TypeError, ValueError):
        return field
    if when is None:
        return field
    end = field[len(field.rstrip(b"\r\n")):]
    return name + b": " + format_datetime(when + k * COPY_SHIFT).encode() + end


def scaled_real(files: list[Path], total: int) -> Iterator[tuple[str, bytes]]:
    """(folder, bytes) of ``total`` messages: copies 0, 1, 2, … of the real corpus
    ``files``, each copy its own threads. Messages go in date order, so that the last,
    partial copy holds the earlier part of its threads rather than replies without parents."""
    data = sorted(((_date_of(raw), i, p.parent.name, raw) for i, p in enumerate(files)
                   for raw in (p.read_bytes(),)), key=lambda t: (t[0], t[1]))
    data = [(folder, raw) for _, _, folder, raw in data]
    written = k = 0
    while written < total:
        for folder, raw in data:
            if written >= total:
                return
            yield folder, copy_message(raw, k)
            written += 1
        k += 1
