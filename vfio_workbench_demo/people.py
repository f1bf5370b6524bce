"""The people of the demo corpus.

They are the real maintainers and reviewers of the vfio sections and of the parent drivers
(their names and addresses are public MAINTAINERS data), so the demo reads like the kvm
list the maintainer knows. Every mail in the demo is written by this project, not by them.
"""

from __future__ import annotations

from workbench.model import Person

# vfio
ALEX = Person("Alex Williamson", "alex.williamson@redhat.com")
ALEX_OLD = Person("Alex Williamson", "alex@shazbot.org")  # the same person, mapped by the demo .mailmap
JASON = Person("Jason Gunthorpe", "jgg@nvidia.com")
YISHAI = Person("Yishai Hadas", "yishaih@nvidia.com")
SHAMEER = Person("Shameer Kolothum", "skolothumtho@nvidia.com")
SHAMEER_OLD = Person("Shameer Kolothum", "shameerali.kolothum.thodi@huawei.com")  # before moving to nvidia
KEVIN = Person("Kevin Tian", "kevin.tian@intel.com")
YI_LIU = Person("Yi Liu", "yi.l.liu@intel.com")

# variant-driver authors
LONGFANG = Person("Longfang Liu", "liulongfang@huawei.com")
BRETT = Person("Brett Creeley", "brett.creeley@amd.com")
GIOVANNI = Person("Giovanni Cabiddu", "giovanni.cabiddu@intel.com")
XIN = Person("Xin Zeng", "xin.zeng@intel.com")
ANKIT = Person("Ankit Agrawal", "ankita@nvidia.com")
MICHAL = Person("Michał Winiarski", "michal.winiarski@intel.com")
ZHENZHONG = Person("Zhenzhong Duan", "zhenzhong.duan@intel.com")

# the everyday fixers
DAN = Person("Dan Carpenter", "dan.carpenter@linaro.org")
COLIN = Person("Colin Ian King", "colin.i.king@gmail.com")
ARND = Person("Arnd Bergmann", "arnd@arndb.de")
RANDY = Person("Randy Dunlap", "rdunlap@infradead.org")

# parent drivers
LEON = Person("Leon Romanovsky", "leonro@nvidia.com")
SAEED = Person("Saeed Mahameed", "saeedm@nvidia.com")
TARIQ = Person("Tariq Toukan", "tariqt@nvidia.com")
WEILI = Person("Weili Qian", "qianweili@huawei.com")
ZHOU = Person("Zhou Wang", "wangzhou1@hisilicon.com")
HERBERT = Person("Herbert Xu", "herbert@gondor.apana.org.au")
MST = Person("Michael S. Tsirkin", "mst@redhat.com")
JASONW = Person("Jason Wang", "jasowang@redhat.com")
RODRIGO = Person("Rodrigo Vivi", "rodrigo.vivi@intel.com")
THOMAS = Person("Thomas Hellström", "thomas.hellstrom@linux.intel.com")
MATTHEW = Person("Matthew Brost", "matthew.brost@intel.com")
LUCAS = Person("Lucas De Marchi", "lucas.demarchi@intel.com")

# mailing lists, as people appear on To:/Cc:
KVM = Person("", "kvm@vger.kernel.org")
NETDEV = Person("", "netdev@vger.kernel.org")
RDMA = Person("", "linux-rdma@vger.kernel.org")
CRYPTO = Person("", "linux-crypto@vger.kernel.org")
VIRT = Person("", "virtualization@lists.linux.dev")
QAT_LIST = Person("", "qat-linux@intel.com")
XE_LIST = Person("", "intel-xe@lists.freedesktop.org")
LKML = Person("", "linux-kernel@vger.kernel.org")
