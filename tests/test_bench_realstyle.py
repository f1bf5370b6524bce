"""The benchmark's real-mail measures, real-style generator and corpus scaler (issue 13).

These are the parts whose mistakes would make the benchmark's figures lie: a measure that
miscounts recipients, a generator whose mail does not look like the corpus it was
calibrated on, a scaled corpus whose copies break threads or collide.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from benchmarks.mail_shape import (
    Measure, corpus_files, count_addresses, distributions, generated_facts, mail_facts, quantile, real_shape,
    reply_depths,
)
from benchmarks.synth_mail import COPY_SHIFT, copy_message, scaled_real

from tests.conftest import shared_path

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)


def test_count_addresses_ignores_commas_in_names_and_comments() -> None:
    assert count_addresses(b'"Tian, Kevin" <kevin.tian@intel.com>, Alex <a@b.c>') == 2
    assert count_addresses(b"a@b.c (Doe, John),\n\t<x@y.z>,") == 2
    assert count_addresses(b"  ") == 0
    assert count_addresses(b"undisclosed-recipients:;") == 1


MAIL = b"""From: A <a@example.org>
To: B <b@example.org>,
 "C, D" <c@example.org>
Cc: list@vger.kernel.org
Subject: Re: [PATCH 1/2] vfio/x: y
Message-ID: <child@example.org>
In-Reply-To: <parent@example.org>
References: <root@example.org>
 <parent@example.org>

On Mon, B wrote:
> quoted one
> quoted two

answer
"""


def test_mail_facts_of_a_reply() -> None:
    f = mail_facts(MAIL)
    assert (f.msgid, f.parent) == ("child@example.org", "parent@example.org")
    assert f.recipients == 3
    assert f.references == 2
    assert f.is_reply and not f.is_patch
    assert (f.quoted_lines, f.text_lines) == (2, 4)
    assert f.header_bytes == MAIL.index(b"\n\n") + 1


def test_mail_facts_of_a_patch_counts_files_and_changed_lines() -> None:
    patch = (b"From: a@b.c\nSubject: [PATCH] x\nMessage-ID: <p@b.c>\n\nmsg\n---\n"
             b"diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,2 +1,2 @@\n-old\n+new\n ctx\n"
             b"diff --git a/g.c b/g.c\n--- a/g.c\n+++ b/g.c\n@@ -1 +1,2 @@\n ctx\n+add\n")
    f = mail_facts(patch)
    assert (f.diff_files, f.diff_lines) == (2, 3)
    assert f.is_patch and not f.is_reply


def test_reply_depth_follows_in_reply_to_inside_the_set() -> None:
    def msg(mid: str, parent: str = "") -> bytes:
        irt = f"In-Reply-To: <{parent}>\n" if parent else ""
        return f"Message-ID: <{mid}>\n{irt}Subject: s\n\nbody\n".encode()
    facts = [mail_facts(m) for m in (msg("r"), msg("a", "r"), msg("b", "a"), msg("c", "b"), msg("x", "elsewhere"))]
    assert sorted(reply_depths(facts)) == [1, 2, 3]


@pytest.fixture(scope="module")
def real():
    files = corpus_files(shared_path("corpus", "lore-vfio"))
    return files, [mail_facts(p.read_bytes()) for p in files]


def test_real_style_generator_matches_the_corpus_it_was_calibrated_on(real) -> None:
    """Median and p90 of the costly measures within a tolerance of the real ones, where
    the synthetic generator is far off (it had 4 recipients and 1 file per patch)."""
    _, facts = real
    want = distributions(facts).samples
    got = distributions(generated_facts(300, 0, 1, real_shape(facts))).samples
    for m in (Measure.HEADER_BYTES, Measure.RECIPIENTS, Measure.PATCH_LINES, Measure.PATCH_FILES,
              Measure.REPLY_BYTES, Measure.REPLY_QUOTED):
        for q in (0.5, 0.9):
            r, g = quantile(want[m], q), quantile(got[m], q)
            assert 0.6 * r <= g <= 1.4 * r + 1, (m, q, r, g)
    synthetic = distributions(generated_facts(100, 0, 1)).samples
    assert quantile(synthetic[Measure.RECIPIENTS], 0.5) < 0.5 * quantile(want[Measure.RECIPIENTS], 0.5)


def test_copies_keep_threads_and_never_collide(real) -> None:
    files, facts = real
    by_id = {f.msgid: (p, f) for p, f in zip(files, facts, strict=True)}
    child = next(f for f in facts if f.parent in by_id and f.is_reply)
    parent_path, _ = by_id[child.parent]
    child_path = files[facts.index(child)]
    c = mail_facts(copy_message(child_path.read_bytes(), 2))
    p = mail_facts(copy_message(parent_path.read_bytes(), 2))
    assert c.parent == p.msgid == "c2." + child.parent
    assert c.msgid == "c2." + child.msgid
    assert copy_message(child_path.read_bytes(), 0) == child_path.read_bytes()

    raw = child_path.read_bytes()
    date = lambda b: parsedate_to_datetime(next(  # noqa: E731
        line for line in b.decode("utf-8", "replace").splitlines() if line.lower().startswith("date:"))[5:].strip())
    assert date(copy_message(raw, 3)) - date(raw) == 3 * COPY_SHIFT
    header = copy_message(raw, 3).split(b"\n\n", 1)[0].replace(b"\n ", b" ").replace(b"\n\t", b" ")
    subject = next(line for line in header.splitlines() if line.startswith(b"Subject:"))
    assert subject.endswith(b" (copy 3)")


def test_scaled_corpus_has_distinct_ids_and_every_parent_inside_its_copy() -> None:
    sub = corpus_files(shared_path("corpus", "lore-vfio"))[:120]
    out = [mail_facts(data) for _, data in scaled_real(sub, 300)]  # copies 0, 1 and half of 2
    assert len(out) == 300
    ids = [f.msgid for f in out]
    assert len(set(ids)) == len(ids)
    originals = {f.msgid: f for f in (mail_facts(p.read_bytes()) for p in sub)}
    present = set(ids)
    linked = dangling = 0
    for i, f in enumerate(out):
        tag = f"c{i // len(sub)}." if i >= len(sub) else ""
        assert f.msgid.startswith(tag)
        orig = originals[f.msgid[len(tag):]]
        if orig.parent in originals:  # its parent is in the corpus: then it is in the same copy
            assert f.parent == tag + orig.parent
            if f.parent in present:
                linked += 1
            else:
                assert i >= 2 * len(sub), "a full copy lost a parent"
                dangling += 1
    assert linked > 60
    assert dangling <= 5  # date order: the partial copy holds threads' beginnings
