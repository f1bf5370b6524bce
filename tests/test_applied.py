"""Applied series: the vfio maintainer's "Applied to … branch" reply."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import shared_path
from workbench.config import Settings
from workbench.model import Person, Status
from workbench.patchmail.applied import applied_line
from workbench.pipeline import build_workbench
from workbench.report import render


@pytest.mark.parametrize("text", [
    "Applied to vfio next branch for v6.19.  Thanks,\n\nAlex\n",
    "Applied, thanks!\n\n[1/2] vfio/mlx5: fix\n      commit: 0123abcd\n",
    "Queued for 6.12, thanks.\n",
    "Applied.\n",
    "On Mon, 1 Jan 2025 Yishai wrote:\n> [...]\n\nApplied to vfio next branch with the fixes discussed for v6.19.\n",
])
def test_what_counts_as_applied(text: str) -> None:
    assert applied_line(text)


@pytest.mark.parametrize("text", [
    "> Applied to vfio next branch for v6.19. Thanks,\n\nThis breaks the build for me.\n",
    "Applied on top of v6.8-rc1 and tested, works for me.\n",
    "Applied on top of v6.8-rc1 and tested, thanks.\n",
    "I applied this locally and it crashes.\n",
    "Applied this locally, thanks, but it does not build: …\n",
    "Merged into my tree for testing; will report back.\n",
    "Applied patch 1 to vfio for-linus branch for v6.8-rc, the rest still needs review.\n",
    "Applied 1/3 to vfio next branch for v6.10. Patches 2-3 need a respin.\n",
    "Looks fine.\n\n-- \nApplied to vfio next branch, thanks\n",  # below the signature
])
def test_what_does_not(text: str) -> None:
    assert applied_line(text) == ""


def _mail(msgid: str, subject: str, author: str, body: str, irt: str | None = None) -> bytes:
    head = f"From: {author}\nTo: kvm@vger.kernel.org\nSubject: {subject}\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n"
    head += f"Message-ID: <{msgid}>\n" + (f"In-Reply-To: <{irt}>\nReferences: <{irt}>\n" if irt else "")
    return (head + "\n" + body).encode()


PATCH_BODY = ("Signed-off-by: Yishai Hadas <yishaih@example.com>\n---\n"
              "diff --git a/drivers/vfio/pci/mlx5/main.c b/drivers/vfio/pci/mlx5/main.c\n"
              "--- a/drivers/vfio/pci/mlx5/main.c\n+++ b/drivers/vfio/pci/mlx5/main.c\n@@ -1,1 +1,2 @@\n a\n+b\n")


def test_only_the_vfio_maintainers_applied_counts(make_store, tmp_path: Path) -> None:
    maintainers = tmp_path / "MAINTAINERS"
    maintainers.write_text("VFIO DRIVER\nM:\tAlex Williamson <alex@example.org>\nF:\tdrivers/vfio/\n\n"
                           "VFIO PCI DEVICE SPECIFIC DRIVERS\nR:\tJason <jgg@example.org>\n"
                           "P:\tDocumentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst\n"
                           "F:\tdrivers/vfio/pci/*/\n")
    yishai = "Yishai Hadas <yishaih@example.com>"
    root = make_store([
        _mail("p1@x", "[PATCH 1/1] vfio/mlx5: one", yishai, PATCH_BODY),
        _mail("r1@x", "Re: [PATCH 1/1] vfio/mlx5: one", "Leon <leon@example.org>", "Applied, thanks!\n", "p1@x"),
        _mail("p2@x", "[PATCH 1/1] vfio/mlx5: two", yishai, PATCH_BODY),
        _mail("r2@x", "Re: [PATCH 1/1] vfio/mlx5: two", "Alex Williamson <alex@example.org>",
              "Applied to vfio next branch for v6.19.  Thanks,\n\nAlex\n", "p2@x"),
    ])
    settings = Settings(db_path=root, maintainers=maintainers, cache_dir=tmp_path / "c",
                        me=Person("Alex Williamson", "alex@example.org"))
    wb = build_workbench(settings)
    one, two = wb.find("p1@x"), wb.find("p2@x")
    assert one.applied is None and one.has_missing  # Leon's "Applied" is not the vfio tree
    assert two.applied is not None and two.applied.msgid == "r2@x"
    assert not two.has_missing and two.check("listed-reviewer").status == "missing"  # still shown
    assert two.check("maintainer").summary.startswith("applied by Alex Williamson")
    text = render(wb, "text")
    assert "[applied] vfio/mlx5: two" in text and "1 already applied" in text


def test_applied_under_one_patch_of_several_is_not_the_series(make_store, tmp_path: Path) -> None:
    maintainers = tmp_path / "MAINTAINERS"
    maintainers.write_text("VFIO DRIVER\nM:\tAlex Williamson <alex@example.org>\nF:\tdrivers/vfio/\n")
    yishai = "Yishai Hadas <yishaih@example.com>"
    root = make_store([
        _mail("c@x", "[PATCH 0/2] vfio/mlx5: two fixes", yishai, "Two fixes.\n"),
        _mail("p1@x", "[PATCH 1/2] vfio/mlx5: fix one", yishai, PATCH_BODY, "c@x"),
        _mail("p2@x", "[PATCH 2/2] vfio/mlx5: fix two", yishai, PATCH_BODY, "c@x"),
        _mail("r1@x", "Re: [PATCH 1/2] vfio/mlx5: fix one", "Alex Williamson <alex@example.org>",
              "Applied to vfio for-linus branch for v6.8.  Thanks,\n", "p1@x"),
    ])
    wb = build_workbench(Settings(db_path=root, maintainers=maintainers, cache_dir=tmp_path / "c",
                                  me=Person("Alex Williamson", "alex@example.org")))
    assert wb.find("c@x").applied is None


def test_applied_series_in_the_real_corpus(lore_store: Path, lore_cache: Path, tmp_path: Path) -> None:
    """Alex's "Applied to vfio next branch for v6.19 …" on the hisi v12 cover letter came
    from alex@shazbot.org; the 6.12 MAINTAINERS lists him at redhat.com and its .mailmap
    does not tie the two. Same name, unverified address: nothing is marked applied until
    a .mailmap line (the user's tree has it) ties them."""
    settings = Settings(db_path=lore_store, maintainers=shared_path("data", "MAINTAINERS"),
                        mailmap=shared_path("data", "mailmap"), cache_dir=lore_cache,
                        me=Person("Alex Williamson", "alex.williamson@redhat.com"))
    wb = build_workbench(settings)
    v12 = wb.find("20251030015744.131771-1-liulongfang@huawei.com")
    assert v12 is not None and v12.applied is None
    maintainer = v12.check("maintainer")
    assert maintainer is not None and maintainer.status is Status.ATTENTION
    assert any("same name, unverified address" in ev.text and "alex@shazbot.org" in ev.text
               for ev in maintainer.evidence)
    mailmap = tmp_path / "mailmap"
    mailmap.write_text(shared_path("data", "mailmap").read_text()
                       + "Alex Williamson <alex@shazbot.org> <alex.williamson@redhat.com>\n")
    wb = build_workbench(replace(settings, mailmap=mailmap))
    v12 = wb.find("20251030015744.131771-1-liulongfang@huawei.com")
    assert v12 is not None and v12.applied is not None
    assert "v6.19" in v12.applied.text and v12.applied.person.name == "Alex Williamson"
    assert sum(1 for j in wb.judged if j.applied) >= 5
