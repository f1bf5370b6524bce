"""A small MAINTAINERS and .mailmap for the demo store.

The sections are the real vfio ones and the parents the demo series touch, with the
fields the kernel file has (late 2025), so the checks run against realistic data: the
``P:`` line naming the acceptance document, ``R:`` reviewers, the ``F: drivers/vfio/pci/virtio``
pattern without a trailing slash, a subsystem section (CRYPTO API) above a driver section,
and THE REST. The preamble keeps the real file's tab-indented field legend, which a
parser must not take for a section. Only the vfio maintainer's address is the demo's
own choice (the identity the demo runs as).
"""

from __future__ import annotations

MAINTAINERS = """\
List of maintainers
===================

Descriptions of section entries and preferred order
---------------------------------------------------

\tM: *Mail* patches to: FullName <address@domain>
\tR: Designated *Reviewer*: FullName <address@domain>
\t   These reviewers should be CCed on patches.
\tL: *Mailing list* that is relevant to this area
\tS: *Status*, one of the following:
\t   Supported:\tSomeone is actually paid to look after this.
\t   Maintained:\tSomeone actually looks after it.
\tP: *Subsystem Profile* document for more details submitting
\t   patches to the given subsystem.
\tF: *Files* and directories wildcard patterns.
\t   A trailing slash includes all files and subdirectory files.
\t   F:\tdrivers/net/\tall files in and below drivers/net
\t   F:\tdrivers/net/*\tall files in drivers/net, but not below
\tX: *Excluded* files and directories that are NOT maintained, same
\t   rules as F:.
\tN: Files and directories *Regex* patterns.
\tK: *Content regex* (perl extended) pattern match in a patch or file.

Maintainers List
----------------

.. note:: This is the vfio-workbench demo: a few real sections, not the whole file.

AMD PDS CORE DRIVER
M:\tBrett Creeley <brett.creeley@amd.com>
L:\tnetdev@vger.kernel.org
S:\tMaintained
F:\tDocumentation/networking/device_drivers/ethernet/amd/pds_core.rst
F:\tdrivers/net/ethernet/amd/pds_core/
F:\tinclude/linux/pds/

CRYPTO API
M:\tHerbert Xu <herbert@gondor.apana.org.au>
M:\t"David S. Miller" <davem@davemloft.net>
L:\tlinux-crypto@vger.kernel.org
S:\tMaintained
T:\tgit git://git.kernel.org/pub/scm/linux/kernel/git/herbert/cryptodev-2.6.git
T:\tgit git://git.kernel.org/pub/scm/linux/kernel/git/herbert/crypto-2.6.git
F:\tDocumentation/crypto/
F:\tDocumentation/devicetree/bindings/crypto/
F:\tarch/*/crypto/
F:\tcrypto/
F:\tdrivers/crypto/
F:\tinclude/crypto/
F:\tinclude/linux/crypto*
F:\tlib/crypto/

DOCUMENTATION
M:\tJonathan Corbet <corbet@lwn.net>
L:\tlinux-doc@vger.kernel.org
S:\tMaintained
P:\tDocumentation/doc-guide/maintainer-profile.rst
T:\tgit git://git.lwn.net/linux.git docs-next
F:\tDocumentation/
X:\tDocumentation/ABI/
X:\tDocumentation/devicetree/
X:\tDocumentation/firmware-guide/acpi/
X:\tDocumentation/i2c/
X:\tDocumentation/netlink/
X:\tDocumentation/power/
X:\tDocumentation/spi/

HISILICON QM DRIVER
M:\tWeili Qian <qianweili@huawei.com>
M:\tZhou Wang <wangzhou1@hisilicon.com>
L:\tlinux-crypto@vger.kernel.org
S:\tMaintained
F:\tdrivers/crypto/hisilicon/Kconfig
F:\tdrivers/crypto/hisilicon/Makefile
F:\tdrivers/crypto/hisilicon/qm.c
F:\tdrivers/crypto/hisilicon/sgl.c
F:\tinclude/linux/hisi_acc_qm.h

INTEL DRM XE DRIVER (Lunar Lake and newer)
M:\tMatthew Brost <matthew.brost@intel.com>
M:\tThomas Hellström <thomas.hellstrom@linux.intel.com>
M:\tRodrigo Vivi <rodrigo.vivi@intel.com>
L:\tintel-xe@lists.freedesktop.org
S:\tSupported
W:\thttps://drm.pages.freedesktop.org/intel-docs/
Q:\thttp://patchwork.freedesktop.org/project/intel-xe/
B:\thttps://gitlab.freedesktop.org/drm/xe/kernel/-/issues
C:\tirc://irc.oftc.net/xe
T:\tgit https://gitlab.freedesktop.org/drm/xe/kernel.git
F:\tDocumentation/ABI/testing/sysfs-driver-intel-xe-hwmon
F:\tDocumentation/gpu/xe/
F:\tdrivers/gpu/drm/xe/
F:\tinclude/drm/intel/
F:\tinclude/uapi/drm/xe_drm.h

MELLANOX ETHERNET DRIVER (mlx5e)
M:\tSaeed Mahameed <saeedm@nvidia.com>
M:\tTariq Toukan <tariqt@nvidia.com>
M:\tMark Bloch <mbloch@nvidia.com>
L:\tnetdev@vger.kernel.org
S:\tMaintained
W:\thttps://www.nvidia.com/networking/
Q:\thttps://patchwork.kernel.org/project/netdevbpf/list/
F:\tdrivers/net/ethernet/mellanox/mlx5/core/en_*

MELLANOX MLX5 core VPI driver
M:\tSaeed Mahameed <saeedm@nvidia.com>
M:\tLeon Romanovsky <leonro@nvidia.com>
M:\tTariq Toukan <tariqt@nvidia.com>
M:\tMark Bloch <mbloch@nvidia.com>
L:\tnetdev@vger.kernel.org
L:\tlinux-rdma@vger.kernel.org
S:\tMaintained
W:\thttps://www.nvidia.com/networking/
Q:\thttps://patchwork.kernel.org/project/netdevbpf/list/
F:\tDocumentation/networking/device_drivers/ethernet/mellanox/
F:\tdrivers/net/ethernet/mellanox/mlx5/core/
F:\tinclude/linux/mlx5/

MELLANOX MLX5 IB driver
M:\tLeon Romanovsky <leonro@nvidia.com>
L:\tlinux-rdma@vger.kernel.org
S:\tSupported
W:\thttps://www.nvidia.com/networking/
Q:\thttp://patchwork.kernel.org/project/linux-rdma/list/
F:\tdrivers/infiniband/hw/mlx5/
F:\tinclude/linux/mlx5/
F:\tinclude/uapi/rdma/mlx5-abi.h

QAT DRIVER
M:\tGiovanni Cabiddu <giovanni.cabiddu@intel.com>
L:\tqat-linux@intel.com
S:\tSupported
F:\tdrivers/crypto/intel/qat/

VFIO DRIVER
M:\tAlex Williamson <alex.williamson@redhat.com>
L:\tkvm@vger.kernel.org
S:\tMaintained
T:\tgit https://github.com/awilliam/linux-vfio.git
F:\tDocumentation/ABI/testing/debugfs-vfio
F:\tDocumentation/ABI/testing/sysfs-devices-vfio-dev
F:\tDocumentation/driver-api/vfio.rst
F:\tdrivers/vfio/
F:\tinclude/linux/vfio.h
F:\tinclude/linux/vfio_pci_core.h
F:\tinclude/uapi/linux/vfio.h
F:\ttools/testing/selftests/vfio/

VFIO HISILICON PCI DRIVER
M:\tLongfang Liu <liulongfang@huawei.com>
L:\tkvm@vger.kernel.org
S:\tMaintained
F:\tdrivers/vfio/pci/hisilicon/

VFIO MEDIATED DEVICE DRIVERS
M:\tKirti Wankhede <kwankhede@nvidia.com>
L:\tkvm@vger.kernel.org
S:\tMaintained
F:\tDocumentation/driver-api/vfio-mediated-device.rst
F:\tdrivers/vfio/mdev/
F:\tinclude/linux/mdev.h
F:\tsamples/vfio-mdev/

VFIO MLX5 PCI DRIVER
M:\tYishai Hadas <yishaih@nvidia.com>
L:\tkvm@vger.kernel.org
S:\tMaintained
F:\tdrivers/vfio/pci/mlx5/

VFIO NVIDIA GRACE GPU DRIVER
M:\tAnkit Agrawal <ankita@nvidia.com>
L:\tkvm@vger.kernel.org
S:\tSupported
F:\tdrivers/vfio/pci/nvgrace-gpu/

VFIO PCI DEVICE SPECIFIC DRIVERS
R:\tJason Gunthorpe <jgg@nvidia.com>
R:\tYishai Hadas <yishaih@nvidia.com>
R:\tShameer Kolothum <skolothumtho@nvidia.com>
R:\tKevin Tian <kevin.tian@intel.com>
L:\tkvm@vger.kernel.org
S:\tMaintained
P:\tDocumentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst
F:\tdrivers/vfio/pci/*/

VFIO PDS PCI DRIVER
M:\tBrett Creeley <brett.creeley@amd.com>
L:\tkvm@vger.kernel.org
S:\tMaintained
F:\tDocumentation/networking/device_drivers/ethernet/amd/pds_vfio_pci.rst
F:\tdrivers/vfio/pci/pds/

VFIO QAT PCI DRIVER
M:\tGiovanni Cabiddu <giovanni.cabiddu@intel.com>
L:\tkvm@vger.kernel.org
L:\tqat-linux@intel.com
S:\tSupported
F:\tdrivers/vfio/pci/qat/

VFIO VIRTIO PCI DRIVER
M:\tYishai Hadas <yishaih@nvidia.com>
L:\tkvm@vger.kernel.org
L:\tvirtualization@lists.linux.dev
S:\tMaintained
F:\tdrivers/vfio/pci/virtio

VFIO XE PCI DRIVER
M:\tMichał Winiarski <michal.winiarski@intel.com>
L:\tkvm@vger.kernel.org
L:\tintel-xe@lists.freedesktop.org
S:\tSupported
F:\tdrivers/vfio/pci/xe

VIRTIO CORE
M:\t"Michael S. Tsirkin" <mst@redhat.com>
M:\tJason Wang <jasowang@redhat.com>
R:\tXuan Zhuo <xuanzhuo@linux.alibaba.com>
R:\tEugenio Pérez <eperezma@redhat.com>
L:\tvirtualization@lists.linux.dev
S:\tMaintained
F:\tDocumentation/ABI/testing/sysfs-bus-vdpa
F:\tDocumentation/ABI/testing/sysfs-class-vduse
F:\tDocumentation/devicetree/bindings/virtio/
F:\tDocumentation/driver-api/virtio/
F:\tdrivers/block/virtio_blk.c
F:\tdrivers/crypto/virtio/
F:\tdrivers/vdpa/
F:\tdrivers/virtio/
F:\tinclude/linux/vdpa.h
F:\tinclude/linux/virtio*.h
F:\tinclude/linux/vringh.h
F:\tinclude/uapi/linux/virtio_*.h
F:\tnet/vmw_vsock/virtio*
F:\ttools/virtio/

THE REST
M:\tLinus Torvalds <torvalds@linux-foundation.org>
L:\tlinux-kernel@vger.kernel.org
S:\tBuried alive in reporters
T:\tgit git://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git
F:\t*
F:\t*/
"""

MAILMAP = """\
#
# This list is used by git-shortlog to fix a few botched name translations
# in the git archive, either because the author's full name was messed up
# and/or not always written the same way, making contributions from the
# same person appearing not to be so or badly displayed. Also allows for
# old email addresses to map to new email addresses.
#
# This is the vfio-workbench demo's .mailmap: two people who changed address.
#
Alex Williamson <alex.williamson@redhat.com> <alex@shazbot.org>
Shameer Kolothum <skolothumtho@nvidia.com> <shameerali.kolothum.thodi@huawei.com>
"""
