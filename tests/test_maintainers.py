"""MAINTAINERS parsing and get_maintainer.pl matching, on hand-written and the real file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import shared_path
from workbench.errors import MaintainersError
from workbench.kernel.maintainers import Maintainers
from workbench.model import Person

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

SMALL = """\
List of maintainers
===================

Descriptions of section entries
-------------------------------

\tM: *Mail* patches to: FullName <address@domain>
\tF: *Files* and directories wildcard patterns.

Maintainers List
----------------

.. note:: When reading this list, please look for the most precise areas

GLOB SECTION
M:\tGlob Person <glob@example.org>
S:\tMaintained
F:\tdrivers/foo/*.c
F:\tdrivers/foo/da9???-reg.[ch]

DIR WITHOUT SLASH
M:\t"Quoted, Name" <quoted@example.org>
R:\tJörg Rödel <JOERG@example.org>
L:\tfoo-list@vger.kernel.org (moderated for non-subscribers)
S:\tSupported
F:\tdrivers/foo/bar

FOO EXCLUDED
M:\tEx Person <ex@example.org>
S:\tMaintained
F:\tdrivers/foo/
X:\tdrivers/foo/secret/

REGEX SECTION
M:\tRegex Person <rx@example.org>
S:\tMaintained
N:\tfrob
K:\t\\bfrobnicate_\\w+

FOO ALL
M:\tAll Person <all@example.org>
S:\tMaintained
F:\tdrivers/foo/

THE REST
M:\tLinus Torvalds <torvalds@linux-foundation.org>
S:\tBuried alive in reporters
F:\t*
F:\t*/
"""


@pytest.fixture(scope="module")
def small() -> Maintainers:
    return Maintainers.parse(SMALL, "small")


@pytest.fixture(scope="module")
def real() -> Maintainers:
    return Maintainers.load(shared_path("data", "MAINTAINERS"))


def ranked(m: Maintainers, path: str, patch: str | None = None) -> list[str]:
    return [match.section.name for match in m.sections_for(path, patch)]


def test_preamble_skipped(small: Maintainers) -> None:
    assert [s.name for s in small.sections()] == [
        "GLOB SECTION", "DIR WITHOUT SLASH", "FOO EXCLUDED", "REGEX SECTION", "FOO ALL", "THE REST"]


def test_people_and_lists(small: Maintainers) -> None:
    sec = small.section("dir without slash")
    assert sec is not None
    assert sec.maintainers == (Person("Quoted, Name", "quoted@example.org"),)
    assert sec.reviewers == (Person("Jörg Rödel", "joerg@example.org"),)
    assert sec.lists == ("foo-list@vger.kernel.org",)
    assert sec.status == "Supported"
    assert sec.people == sec.maintainers + sec.reviewers


def test_glob_needs_same_depth(small: Maintainers) -> None:
    assert "GLOB SECTION" in ranked(small, "drivers/foo/x.c")
    assert "GLOB SECTION" not in ranked(small, "drivers/foo/sub/x.c")  # '*' without '/': same depth
    assert "GLOB SECTION" in ranked(small, "drivers/foo/da9121-reg.h")  # '?' and [ch]
    assert "GLOB SECTION" not in ranked(small, "drivers/foo/da91-reg.h")


def test_directory_named_without_slash(small: Maintainers) -> None:
    assert ranked(small, "drivers/foo/bar/main.c")[0] == "DIR WITHOUT SLASH"
    assert "DIR WITHOUT SLASH" in ranked(small, "drivers/foo/bar")  # the exact path
    assert "DIR WITHOUT SLASH" not in ranked(small, "drivers/foo/barn/main.c")


def test_exclude_drops_the_section(small: Maintainers) -> None:
    assert "FOO EXCLUDED" in ranked(small, "drivers/foo/open/x.c")
    assert ranked(small, "drivers/foo/secret/x.c") == ["FOO ALL", "THE REST"]


def test_regex_on_path_and_keyword_on_patch(small: Maintainers) -> None:
    n = [m for m in small.sections_for("net/frobber/x.c") if m.section.name == "REGEX SECTION"]
    assert n and n[0].pattern == "N: frob" and n[0].specificity == 0
    patch = "subject\n\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-x\n+frobnicate_all();\n"
    assert ranked(small, "lib/a.c", patch) == ["THE REST", "REGEX SECTION"]
    assert small.sections_for("lib/a.c", patch)[-1].pattern == "K: \\bfrobnicate_\\w+"
    # K: is searched in +/- lines of the diff only, not in context.
    context_only = "s\n\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1,2 +1,2 @@\n frobnicate_x();\n-a\n+b\n"
    assert ranked(small, "lib/a.c", context_only) == ["THE REST"]


def test_rank_and_the_rest_last(small: Maintainers) -> None:
    matches = small.sections_for("drivers/foo/bar/x.c")
    assert [(m.section.name, m.specificity) for m in matches] == [
        ("DIR WITHOUT SLASH", 3), ("FOO EXCLUDED", 2), ("FOO ALL", 2), ("THE REST", -1)]
    assert ranked(small, "README") == ["THE REST"]


def test_mlx5_variant_driver(real: Maintainers) -> None:
    assert ranked(real, "drivers/vfio/pci/mlx5/main.c") == [
        "VFIO MLX5 PCI DRIVER", "VFIO PCI DEVICE SPECIFIC DRIVERS", "VFIO DRIVER", "THE REST"]


def test_virtio_directory_without_slash(real: Maintainers) -> None:
    # MAINTAINERS says "F: drivers/vfio/pci/virtio" (no slash); get_maintainer.pl treats it as a directory.
    assert ranked(real, "drivers/vfio/pci/virtio/main.c")[0] == "VFIO VIRTIO PCI DRIVER"


def test_vfio_pci_core_is_not_a_variant_driver(real: Maintainers) -> None:
    assert ranked(real, "drivers/vfio/pci/vfio_pci_core.c") == ["VFIO DRIVER", "THE REST"]


def test_parent_drivers(real: Maintainers) -> None:
    assert ranked(real, "drivers/crypto/hisilicon/qm.c") == ["HISILICON QM DRIVER", "CRYPTO API", "THE REST"]
    mlx5 = ranked(real, "include/linux/mlx5/driver.h")
    assert mlx5[:2] == ["MELLANOX MLX5 core VPI driver", "MELLANOX MLX5 IB driver"] and mlx5[-1] == "THE REST"
    core = ranked(real, "drivers/net/ethernet/mellanox/mlx5/core/sriov.c")
    assert core[0] == "MELLANOX MLX5 core VPI driver" and "NETWORKING DRIVERS" in core


def test_excluded_subtree_in_real_file(real: Maintainers) -> None:
    # "DRM DRIVERS AND MISC GPU PATCHES" has X: drivers/gpu/drm/i915/
    assert "DRM DRIVERS AND MISC GPU PATCHES" in ranked(real, "drivers/gpu/drm/xe/xe_pci.c")
    assert "DRM DRIVERS AND MISC GPU PATCHES" not in ranked(real, "drivers/gpu/drm/i915/gvt/kvmgt.c")


def test_acceptance_and_vfio_maintainer(real: Maintainers) -> None:
    acc = real.acceptance_section()
    assert acc is not None and acc.name == "VFIO PCI DEVICE SPECIFIC DRIVERS"
    assert Person("Kevin Tian", "kevin.tian@intel.com") in acc.reviewers
    assert acc.maintainers == ()
    assert real.vfio_maintainers() == (Person("Alex Williamson", "alex.williamson@redhat.com"),)
    virtio = real.section("VIRTIO CORE AND NET DRIVERS")
    assert virtio is not None and Person("Michael S. Tsirkin", "mst@redhat.com") in virtio.maintainers


def test_recent_sections_file_loads(shared: Path) -> None:
    recent = Maintainers.load(shared / "data" / "MAINTAINERS.recent-sections")
    assert recent.section("VFIO DRIVER").maintainers == (Person("Alex Williamson", "alex@shazbot.org"),)
    assert ranked(recent, "drivers/vfio/pci/ism/main.c")[0] == "VFIO ISM PCI DRIVER"


def test_real_file_is_fast(shared: Path) -> None:
    start = time.process_time()  # CPU time: other processes' load does not count
    m = Maintainers.load(shared / "data" / "MAINTAINERS")
    dirs = ["drivers/vfio/pci/mlx5", "drivers/net/ethernet/mellanox/mlx5/core", "drivers/crypto/hisilicon",
            "include/linux", "drivers/gpu/drm/xe", "Documentation/driver-api", "arch/x86/kvm"]
    for i in range(300):
        m.sections_for(f"{dirs[i % len(dirs)]}/file{i}.c")
    assert time.process_time() - start < 5.0  # ~0.25 s; guards the old minutes-long matching
    assert len(m.sections()) > 2500


def test_load_errors_name_the_options(tmp_path: Path) -> None:
    with pytest.raises(MaintainersError, match="--maintainers PATH.*--linux-tree PATH"):
        Maintainers.load(tmp_path / "nope")
    empty = tmp_path / "MAINTAINERS"
    empty.write_text("just some text\n\nno sections here\n")
    with pytest.raises(MaintainersError, match="no MAINTAINERS sections.*--maintainers PATH"):
        Maintainers.load(empty)
    (tmp_path / "tree").mkdir()
    with pytest.raises(MaintainersError, match="directory without a MAINTAINERS"):
        Maintainers.load(tmp_path / "tree")


def test_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "MAINTAINERS"
    path.write_text(SMALL)
    if os.geteuid() == 0:  # root reads a chmod 0 file, so make the read itself fail
        def denied(self: Path) -> bytes:
            raise PermissionError(13, "Permission denied", str(self))
        monkeypatch.setattr(Path, "read_bytes", denied)
    else:
        path.chmod(0)
    with pytest.raises(MaintainersError, match="cannot read MAINTAINERS file .*Permission denied.*--maintainers PATH"):
        Maintainers.load(path)


def test_linux_tree_directory_accepted(tmp_path: Path) -> None:
    (tmp_path / "MAINTAINERS").write_text(SMALL)
    m = Maintainers.load(tmp_path)
    assert m.origin == str(tmp_path / "MAINTAINERS")
    assert m.section("THE REST") is not None


def test_bad_regex_is_a_problem_not_a_crash() -> None:
    m = Maintainers.parse("BROKEN\nM:\tA <a@x.org>\nN:\t(unclosed\nF:\tdrivers/x/[\n", "t")
    assert m.problems and "unclosed" in m.problems[0]
    assert ranked(m, "drivers/x/[") == ["BROKEN"]  # an invalid glob falls back to a literal
