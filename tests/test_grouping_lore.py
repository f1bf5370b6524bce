"""Grouping the 2,031 real lore messages (parsed from their files), checked against facts
read out of the threads by hand: ids, numbers, who acked what and in which mail."""

from __future__ import annotations

import pytest

from conftest import shared_path
from workbench.kernel.mailmap import Mailmap
from workbench.mail.parse import parse_message
from workbench.model import MailRecord, Origin, Series
from workbench.series.grouping import group_series

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

HISI = {  # vfio/hisilicon: add ACC live migration driver, every posting in the corpus
    "rfc2": "20210702095849.1610-1-shameerali.kolothum.thodi@huawei.com",
    "v3": "20210915095037.1149-1-shameerali.kolothum.thodi@huawei.com",
    "rfc4": "20220208133425.1096-1-shameerali.kolothum.thodi@huawei.com",
    "v5": "20220221114043.2030-1-shameerali.kolothum.thodi@huawei.com",
    "v6": "20220228090121.1903-1-shameerali.kolothum.thodi@huawei.com",
    "v7": "20220302172903.1995-1-shameerali.kolothum.thodi@huawei.com",
    "v8": "20220303230131.2103-1-shameerali.kolothum.thodi@huawei.com",
    "v9": "20220308184902.2242-1-shameerali.kolothum.thodi@huawei.com",
}


@pytest.fixture(scope="module")
def records() -> list[MailRecord]:
    corpus = shared_path("corpus", "lore-vfio")
    return [parse_message(str(f), f.read_bytes()) for f in sorted(corpus.glob("*/*.eml"))]


@pytest.fixture(scope="module")
def series(records) -> dict[str, Series]:
    mailmap = Mailmap.load(shared_path("data", "mailmap"))
    return {s.id: s for s in group_series(records, mailmap)}


def test_every_message_lands_somewhere(records, series):
    placed = set()
    for s in series.values():
        placed |= {p.msgid for p in s.patches} | {r.msgid for r in s.replies} | {e.msgid for e in s.extras}
        if s.cover:
            placed.add(s.cover.msgid)
    assert placed == {r.msgid for r in records}


def test_hisi_acc_versions_chain(series):
    v8 = series[HISI["v8"]]
    assert (v8.version, v8.expected, v8.present, v8.cover.msgid) == (8, 9, list(range(1, 10)), HISI["v8"])
    assert v8.title == "vfio/hisilicon: add ACC live migration driver"
    assert v8.superseded_by == HISI["v9"]
    assert series[HISI["v9"]].superseded_by is None
    # RFC v2 and v3 wrote "acc" in lower case; RFC v4 came after PATCH v3: dates order the chain.
    assert v8.revisions == list(HISI.values())
    assert [series[i].version for i in HISI.values()] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert [series[i].rfc for i in HISI.values()] == [True, False, True, False, False, False, False, False]
    assert all(series[i].superseded_by == HISI["v9"] for i in list(HISI.values())[:-1])


def test_review_given_on_one_patch_lands_on_that_patch_only(series):
    v8, v9 = series[HISI["v8"]], series[HISI["v9"]]
    jason = "20220304205720.GE219866@nvidia.com"  # "Re: [PATCH v8 8/9]", Reviewed-by at the end
    given = [(p.number, t.name, t.person.email, t.origin, t.suspect)
             for p in v8.patches for t in p.trailers if t.source == jason]
    # Its quoted "> Signed-off-by:" lines of Longfang Liu and Shameer do not count.
    assert given == [(8, "Reviewed-by", "jgg@nvidia.com", Origin.REPLY, False)]
    assert jason in v8.patch(8).replies
    # No leak into v9: there the review is only the author's own record in the patch body.
    assert all(t.source != jason for p in v9.patches for t in p.trailers)
    body = [t for t in v9.patch(8).trailers if t.person.email == "jgg@nvidia.com"]
    assert [(t.origin, t.source) for t in body] == [
        (Origin.BODY, "20220308184902.2242-9-shameerali.kolothum.thodi@huawei.com")]


def test_acks_in_reply_to_patch_one_of_hisi_v8(series):
    p1 = series[HISI["v8"]].patch(1)
    acks = [(t.person.email, t.source) for t in p1.trailers if t.name == "Acked-by"]
    assert acks == [
        ("wangzhou1@hisilicon.com", "e819f99e-ddc6-018a-3a8a-53804b7f58f1@hisilicon.com"),
        ("liulongfang@huawei.com", "42d94745-c664-bd7c-7bc5-d20359669765@huawei.com"),
        ("yekai13@huawei.com", "56d9d17b-1462-198b-b694-1e47ba36cbeb@huawei.com"),
    ]


def test_nested_reply_counts_for_the_patch_it_is_under(series):
    v2 = series["20220901143747.32858-1-kevin.tian@intel.com"]  # Tidy up vfio_device life cycle v2
    farman = "847e98a82d8027ea9c6060467157fc697e1df7ce.camel@linux.ibm.com"  # replies to Kevin's reply
    p13 = v2.patch(13)
    assert p13.msgid == "20220901143747.32858-14-kevin.tian@intel.com"
    from_farman = [(t.name, t.person.email, t.given_by.email, t.origin) for t in p13.trailers if t.source == farman]
    # The "> > Reviewed-by: Jason Gunthorpe" it quotes is not counted.
    assert from_farman == [("Reviewed-by", "farman@linux.ibm.com", "farman@linux.ibm.com", Origin.REPLY)]
    assert all(t.source != farman for p in v2.patches if p.number != 13 for t in p.trailers)


def test_review_of_the_cover_letter_applies_to_every_patch(series):
    v1 = series["20220827171037.30297-1-kevin.tian@intel.com"]
    jason = "Yw6sqidAP7puXApd@ziepe.ca"  # "Re: [PATCH 00/15] Tidy up vfio_device life cycle"
    assert [(t.name, t.person.email, t.source) for t in v1.cover_trailers] == [
        ("Reviewed-by", "jgg@nvidia.com", jason)]
    assert len(v1.patches) == 15
    for patch in v1.patches:
        assert any(t.source == jason and t.origin is Origin.COVER_REPLY and t.name == "Reviewed-by"
                   for t in patch.trailers), patch.number


def test_trailer_written_for_someone_else_is_suspect(series):
    # Yi Liu shows Xin Zeng where a changelog goes, with a "Signed-off-by: Xin Zeng" line.
    v6 = series["20240417143141.1909824-1-xin.zeng@intel.com"]
    (trailer,) = [t for t in v6.cover_trailers if t.source == "b3d0c784-9a5a-4224-89bf-782b6ffc7331@intel.com"]
    assert (trailer.name, trailer.person.email, trailer.given_by.email, trailer.suspect) == (
        "Signed-off-by", "xin.zeng@intel.com", "yi.l.liu@intel.com", True)


def test_single_patch_version_supersedes_a_covered_one(series):
    v6 = series["20240417143141.1909824-1-xin.zeng@intel.com"]  # [PATCH v6 0/1] + 1/1
    v7 = series["20240426064051.2859652-1-xin.zeng@intel.com"]  # [PATCH v7] without a cover
    assert (v6.expected, v6.present, v6.cover is not None) == (1, [1], True)
    assert (v7.version, v7.expected, v7.cover) == (7, 1, None)
    assert v6.superseded_by == v7.id and v7.superseded_by is None


def test_list_rewritten_author_still_chains(series):
    # V1 and V2 came "via Virtualization"; the first posting straight from Yishai.
    first = series["20230921124040.145386-1-yishaih@nvidia.com"]
    assert first.revisions == [
        "20230921124040.145386-1-yishaih@nvidia.com",
        "20231017134217.82497-1-yishaih@nvidia.com",
        "20231029155952.67686-1-yishaih@nvidia.com",
    ]
    assert series["20231017134217.82497-1-yishaih@nvidia.com"].author.email == "yishaih@nvidia.com"


def test_incomplete_posting_names_the_missing_patch(series):
    v3 = series["cover.1731244445.git.leon@kernel.org"]  # the corpus lacks [PATCH v3 11/17]
    assert (v3.version, v3.expected, v3.missing_numbers, v3.complete) == (3, 17, [11], False)


def test_mlx5_chain_survives_the_reworded_cover_title(series):
    v5 = series["20211027095658.144468-1-yishaih@nvidia.com"]  # "Add mlx5 live migration driver"
    v9 = series["20220224142024.147653-1-yishaih@nvidia.com"]  # "… and v2 migration protocol"
    assert (v5.version, v9.version) == (5, 9)
    assert v5.superseded_by == v9.id and v9.superseded_by is None
    assert v9.revisions[0] == "20211013094707.163054-1-yishaih@nvidia.com"  # V1
    # Leon's earlier "[PATCH mlx5-next 0/7]" is another author's posting: not in the chain.
    assert "cover.1632305919.git.leonro@nvidia.com" not in v9.revisions


def test_qat_v5_is_replaced_by_the_vfio_patch_reposted_alone(series):
    """v6's cover: "This patch is the last one of set [1]" ([1] = the v5 cover on lore)."""
    v5 = series["20240306135855.4123535-1-xin.zeng@intel.com"]
    v7 = series["20240426064051.2859652-1-xin.zeng@intel.com"]
    assert v5.version == 5 and v5.superseded_by == v7.id and v7.superseded_by is None


def test_dma_rfc_chains_into_the_renamed_patch_series(series):
    rfcs = [s for s in series.values() if s.rfc and "two step DMA API mapping API" in s.title]
    assert rfcs and all(s.superseded_by is not None for s in rfcs)
    newest = series[rfcs[0].superseded_by]
    assert newest.superseded_by is None and "two step DMA mapping API" in newest.title
