"""The demo proves each case: the real pipeline (notmuch → records → series → checks) on
the built demo store must give every series the verdicts it was written to produce
(``demo_expectations``), with the trailers it was written to carry and without
the ones it was written to tempt a parser with."""

from __future__ import annotations

import pytest

from demo_expectations import EXPECTATIONS, SeriesExpect, TrailerExpect
from vfio_workbench_demo.series_specs import build_corpus
from workbench.model import CHECK_IDS

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

KEYS = [e.key for e in EXPECTATIONS]


@pytest.fixture(scope="module")
def ids() -> dict[str, str]:
    """Series key → the id the pipeline gives it (cover letter's msgid, else patch 1's)."""
    return {key: posted.first.msgid for key, posted in build_corpus().series.items()}


@pytest.fixture(scope="module")
def workbench(demo_store, tmp_path_factory):
    """The whole demo store judged once. The query is every message: the demo store *is*
    the list; what the default query selects is tested on its own below."""
    from workbench.config import Settings
    from workbench.pipeline import build_workbench

    settings = Settings(db_path=demo_store.root, maintainers=demo_store.maintainers,
                        mailmap=demo_store.mailmap, me=demo_store.me, query="*",
                        cache_dir=tmp_path_factory.mktemp("demo-report-cache"))
    return build_workbench(settings)


def _judged(workbench, ids, key):
    judged = workbench.find(ids[key])
    assert judged is not None, f"{key}: no series with id {ids[key]} (grouping lost it?)"
    return judged


def _matches(t, want: TrailerExpect) -> bool:
    return t.name == want.name and t.person.email == want.email


@pytest.mark.parametrize("key", KEYS)
def test_series_shape(workbench, ids, key) -> None:
    exp: SeriesExpect = next(e for e in EXPECTATIONS if e.key == key)
    s = _judged(workbench, ids, key)
    assert s.series.version == exp.version
    assert s.series.rfc == exp.rfc
    assert s.series.resend == exp.resend
    assert s.series.expected == exp.expected
    assert tuple(s.series.present) == exp.present
    assert tuple(sorted(s.drivers)) == tuple(sorted(exp.drivers))
    assert (s.series.superseded_by is not None) == exp.superseded, s.series.superseded_by


@pytest.mark.parametrize("key", KEYS)
def test_check_statuses(workbench, ids, key) -> None:
    exp = next(e for e in EXPECTATIONS if e.key == key)
    s = _judged(workbench, ids, key)
    assert [c.id for c in s.checks] == list(CHECK_IDS)
    got = {c.id: str(c.status) for c in s.checks if c.id in exp.checks}
    summaries = {c.id: c.summary for c in s.checks if got.get(c.id) != exp.checks.get(c.id)}
    assert got == exp.checks, f"{key} ({exp.why}): {summaries}"
    for check_id, emails in exp.missing_includes.items():
        result = s.check(check_id)
        missing = {p.email for p in result.missing} | {
            p.email for part in result.parts for p in part.missing}
        assert set(emails) <= missing, (check_id, missing)


@pytest.mark.parametrize("key", [e.key for e in EXPECTATIONS if e.doc_unanswered is not None])
def test_documentation_names_the_open_questions(workbench, ids, key) -> None:
    """A partial answer is `missing`, and says which questions are still open."""
    exp = next(e for e in EXPECTATIONS if e.key == key)
    doc = _judged(workbench, ids, key).check("documentation")
    open_parts = [p.name for p in doc.parts if str(p.status) == "missing"]
    assert len(open_parts) == len(exp.doc_unanswered) and all(
        any(word in name for name in open_parts) for word in exp.doc_unanswered), (open_parts, doc.parts)


@pytest.mark.parametrize("key", KEYS)
def test_trailers(workbench, ids, key) -> None:
    exp = next(e for e in EXPECTATIONS if e.key == key)
    s = _judged(workbench, ids, key).series
    for want in exp.trailers:
        if want.patch is None:
            found = [t for t in s.cover_trailers if _matches(t, want)]
            if not found:  # or applied to every patch
                per_patch = [[t for t in p.trailers if _matches(t, want)] for p in s.patches]
                found = [f[0] for f in per_patch if f] if all(per_patch) else []
        else:
            patch = s.patch(want.patch)
            assert patch is not None, (key, want)
            found = [t for t in patch.trailers if _matches(t, want)]
        assert found, f"{key}: {want} not found"
        assert {str(t.origin) for t in found} == {want.origin}, (key, want, found)
        assert {t.suspect for t in found} == {want.suspect}, (key, want, found)
    for never in exp.absent:
        everywhere = list(s.cover_trailers) + [t for p in s.patches for t in p.trailers
                                              if never.patch in (None, p.number)]
        assert not [t for t in everywhere if _matches(t, never)], f"{key}: {never} must not count"


def test_superseded_point_at_the_newest_version(workbench, ids) -> None:
    for old, new in (("mlx5-v1", "mlx5-v3"), ("mlx5-v2", "mlx5-v3"), ("hisi-v1", "hisi-v2"),
                     ("pds-v1", "pds-v2"), ("nvgrace-rfc", "nvgrace-v2"), ("xe-v1", "xe-v2")):
        assert _judged(workbench, ids, old).series.superseded_by == ids[new], old


def test_default_query_finds_every_demo_series(demo_store, tmp_path, ids) -> None:
    """`--demo` runs with the default query: every demo series must be in it.

    The hisi series has no cover letter and its subjects say ``hisi_acc_vfio_pci:`` and
    ``crypto: hisilicon/qm``, as the real ones do (lore: "[PATCH v12 2/2]
    hisi_acc_vfio_pci: adapt to new migration configuration"); Xapian indexes
    ``hisi_acc_vfio_pci`` as one term, so ``subject:vfio`` does not match it.
    """
    from workbench.config import Settings
    from workbench.pipeline import build_workbench

    settings = Settings(db_path=demo_store.root, maintainers=demo_store.maintainers,
                        mailmap=demo_store.mailmap, me=demo_store.me, cache_dir=tmp_path / "c")
    found = {j.series.id for j in build_workbench(settings).judged}
    lost = sorted(key for key, sid in ids.items() if sid not in found)
    assert not lost, f"the default query {settings.effective_query()!r} misses {lost}"
