"""The triage facts (workbench.triage) on real threads and on hand-made series."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import lore_thread, shared_path
from tests.test_policy_support import (
    ALEX,
    JASON,
    KEVIN,
    YISHAI,
    patch,
    record,
    series,
    small_ctx,
    trailer,
)
from workbench.analysis import Context, Judged
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.mail.parse import parse_message
from workbench.model import Person
from workbench.pipeline import analyse
from workbench.policy.checks import run_checks
from workbench.triage import activity, mine_to_act_on, waits_on_maintainer

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

VARIANT = "drivers/vfio/pci/mlx5/main.c"
HISI_V12 = "20251030015744.131771-1-liulongfang@huawei.com"
ALEX_NOW = Person("Alex Williamson", "alex@shazbot.org")


def _judged(s) -> Judged:
    ctx = small_ctx()
    return Judged(series=s, checks=run_checks(s, ctx), drivers=["mlx5"])


def test_reviews_in_and_maintainer_only_replied_waits_on_him() -> None:
    reply = record("alexreply@x", "Re: [PATCH 1/1] patch 1", ALEX, parent="patch1@x")
    p = patch(1, [VARIANT], replies=["alexreply@x"],
              trailers=[trailer("Signed-off-by", YISHAI, "patch1@x"), trailer("Reviewed-by", JASON, "r@x")])
    judged = _judged(series([p], replies=[reply], cover_text=(
        "The device state consists of a header and the firmware image. The firmware image is not "
        "otherwise available to the user. The header is validated against the device's version.")))
    assert judged.check("maintainer").status.value == "attention"
    assert waits_on_maintainer(judged)
    ctx = small_ctx()
    assert mine_to_act_on(judged, ALEX, ctx.maintainers, ctx.mailmap)
    assert not mine_to_act_on(judged, KEVIN, ctx.maintainers, ctx.mailmap)
    assert mine_to_act_on(judged, None, ctx.maintainers, ctx.mailmap)


def test_not_waiting_while_a_review_is_missing() -> None:
    judged = _judged(series([patch(1, [VARIANT])]))
    assert not waits_on_maintainer(judged)
    ctx = small_ctx()
    # it waits on a listed reviewer (Kevin) and on any word from the maintainer (Alex)
    assert mine_to_act_on(judged, KEVIN, ctx.maintainers, ctx.mailmap)
    assert mine_to_act_on(judged, ALEX, ctx.maintainers, ctx.mailmap)
    assert not mine_to_act_on(judged, Person("Eve", "eve@example.org"), ctx.maintainers, ctx.mailmap)


@pytest.fixture(scope="module")
def hisi_v12(tmp_path_factory: pytest.TempPathFactory) -> tuple[Judged, Context]:
    files = lore_thread(roots=[HISI_V12])
    mailmap = tmp_path_factory.mktemp("mm") / "mailmap"
    mailmap.write_text(shared_path("data", "mailmap").read_text()
                       + "Alex Williamson <alex@shazbot.org> <alex.williamson@redhat.com>\n")
    ctx = Context(Maintainers.load(shared_path("data", "MAINTAINERS")), Mailmap.load(Path(mailmap)), None)
    judged = {j.series.id: j for j in analyse([parse_message(str(f)) for f in files], ctx)}
    return judged[HISI_V12], ctx


def test_applied_series_is_nobodys_to_act_on(hisi_v12) -> None:
    judged, ctx = hisi_v12
    assert judged.applied is not None
    for me in (ALEX_NOW, KEVIN, None):
        assert not mine_to_act_on(judged, me, ctx.maintainers, ctx.mailmap)


def test_activity_counts_mail_after_my_last(hisi_v12) -> None:
    judged, ctx = hisi_v12
    lists = ctx.maintainers.list_addresses()
    mine = activity(judged.series, ALEX_NOW, ctx.mailmap, lists)
    total = len(judged.series.replies) + len(judged.series.patches) + 1
    assert mine.wrote and mine.since_me == 0  # his "Applied" is the last word
    assert mine.last == max(r.date for r in judged.series.replies)
    kevin = activity(judged.series, KEVIN, ctx.mailmap, lists)
    assert not kevin.wrote and kevin.since_me == total
