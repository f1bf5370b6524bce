"""The trust property, drawn at random: no mail whose sending address is not tied to a
person by MAINTAINERS/.mailmap can turn a check to ``pass`` for that person.

Hypothesis writes replies as an attacker would — any display name (the real maintainers'
and reviewers' included), Reply-To/X-Original-From/List-Id headers naming them, "X via
List" From names, in-body From lines, trailers of every kind naming them by address, by
name or by the attacker's address, indented or quoted or not, "Applied" lines — and
threads them into the real virtio v2 and hisi v12 threads. Every mail goes through the real
parser; the series are judged by the real pipeline against the real MAINTAINERS and
.mailmap. Whatever was not ``pass`` before the attack must not be ``pass`` after it, and
nothing may become applied.

The sending addresses are the attacker's own (never a MAINTAINERS ``L:`` list, which is
allowed to relay a person; test_trust_attacks covers that door).
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import lore_thread, shared_path
from workbench.analysis import Context, Judged
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.mail.parse import parse_message
from workbench.model import MailRecord, Status
from workbench.pipeline import analyse

pytestmark = pytest.mark.skipif(not shared_path("corpus").is_dir(), reason="../shared/corpus is not there")

VIRTIO_V2 = "20231029155952.67686-1-yishaih@nvidia.com"
HISI_V10 = "20251017091057.3770403-1-liulongfang@huawei.com"
TARGETS = (VIRTIO_V2, "20231029155952.67686-3-yishaih@nvidia.com", "20231029155952.67686-10-yishaih@nvidia.com",
           "20251030015744.131771-1-liulongfang@huawei.com", "20251030015744.131771-3-liulongfang@huawei.com")
GUARDED = ("parent-approval", "listed-reviewer", "maintainer")

# people whose word the checks look for, as MAINTAINERS and the mail write them
PEOPLE = (
    ("Michael S. Tsirkin", "mst@redhat.com"), ("Jason Wang", "jasowang@redhat.com"),
    ("Alex Williamson", "alex.williamson@redhat.com"), ("Alex Williamson", "alex@shazbot.org"),
    ("Kevin Tian", "kevin.tian@intel.com"), ("Jason Gunthorpe", "jgg@nvidia.com"),
    ("Herbert Xu", "herbert@gondor.apana.org.au"), ("Zhou Wang", "wangzhou1@hisilicon.com"),
    ("Shameer Kolothum", "shameerali.kolothum.thodi@huawei.com"), ("Yishai Hadas", "yishaih@nvidia.com"),
)
TRAILERS = ("Acked-by", "Reviewed-by", "Signed-off-by", "Tested-by", "Nacked-by", "acked by", "Reviewed-By")


@lru_cache(maxsize=1)
def context() -> Context:
    data = shared_path("data")
    return Context(Maintainers.load(data / "MAINTAINERS"), Mailmap.load(data / "mailmap"), None)


@lru_cache(maxsize=1)
def real_records() -> tuple[MailRecord, ...]:
    roots = [VIRTIO_V2, HISI_V10, "20251029122441.3063127-1-liulongfang@huawei.com",
             "20251030015744.131771-1-liulongfang@huawei.com"]
    return tuple(parse_message(str(f)) for f in lore_thread(roots=roots))


def verdicts(judged: list[Judged]) -> dict[tuple[str, str, str], Status]:
    out: dict[tuple[str, str, str], Status] = {}
    for j in judged:
        for check in j.checks:
            if check.id in GUARDED:
                out[(j.series.id, check.id, "")] = check.status
                for part in check.parts:
                    out[(j.series.id, check.id, part.name)] = part.status
    return out


@lru_cache(maxsize=1)
def baseline() -> tuple[dict[tuple[str, str, str], Status], frozenset[str]]:
    judged = analyse(real_records(), context())
    return verdicts(judged), frozenset(j.series.id for j in judged if j.applied)


names = st.sampled_from([n for n, _ in PEOPLE] + ["Eve", "Mallory Example", ""])
attacker = st.builds(lambda local, host: f"{local}@{host}.invalid",
                     st.sampled_from(["attacker", "mst", "alex", "kevin.tian", "jgg", "herbert"]),
                     st.sampled_from(["evil", "redhat.com.evil", "intel", "nvidia"]))
real = st.sampled_from(PEOPLE)


@st.composite
def claims(draw, attacker_address: str) -> str:
    name, email = draw(real)
    who = draw(st.sampled_from([f"{name} <{email}>", name, f"{name} <{attacker_address}>", email]))
    prefix = draw(st.sampled_from(["", "", "", "    ", "\t", "> ", ">> "]))
    return f"{prefix}{draw(st.sampled_from(TRAILERS))}: {who}"


@st.composite
def attack_mail(draw, n: int) -> bytes:
    address = draw(attacker)
    name = draw(names)
    via = draw(st.booleans())
    from_name = f"{name} via Virtualization" if via and name else name
    headers = [f"From: {from_name} <{address}>" if from_name else f"From: {address}"]
    if draw(st.booleans()):
        pname, pemail = draw(real)
        headers.append(f"{draw(st.sampled_from(['Reply-To', 'X-Original-From']))}: {pname} <{pemail}>")
    if draw(st.booleans()):
        headers.append("List-Id: Linux virtualization <virtualization.lists.linux-foundation.org>")
    target = draw(st.sampled_from(TARGETS))
    root = VIRTIO_V2 if target.startswith("20231029") else "20251030015744.131771-1-liulongfang@huawei.com"
    headers += [f"Subject: Re: {draw(st.sampled_from(['[PATCH V2 vfio 0/9] x', '[PATCH v12 2/2] x', 'x']))}",
                f"Date: Thu, 0{draw(st.integers(1, 9))} Nov 2029 10:00:00 +0000",
                f"Message-ID: <attack{n}@{address.split('@')[1]}>", f"In-Reply-To: <{target}>",
                f"References: <{root}> <{target}>"]
    body: list[str] = []
    if draw(st.booleans()):
        pname, pemail = draw(real)
        body += [f"From: {pname} <{pemail}>", ""]
    body += draw(st.lists(claims(address), min_size=1, max_size=4))
    if draw(st.booleans()):
        body += ["", draw(st.sampled_from(["Applied to vfio next branch for v6.19. Thanks,", "Applied, thanks!"]))]
    return ("\n".join(headers) + "\n\n" + "\n".join(body) + "\n").encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_unverified_mail_turns_a_check_to_pass(data) -> None:
    before, applied_before = baseline()
    mails = [data.draw(attack_mail(i)) for i in range(data.draw(st.integers(1, 3)))]
    attacks = [parse_message(f"/attack/{i}", m) for i, m in enumerate(mails)]
    judged = analyse([*real_records(), *attacks], context())
    after = verdicts(judged)
    for key, status in after.items():
        if status is Status.PASS:
            assert before.get(key) is Status.PASS, (key, [m.decode() for m in mails])
    assert frozenset(j.series.id for j in judged if j.applied) <= applied_before
