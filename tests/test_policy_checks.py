"""complete, maintainer, userspace-data, and run_checks as a whole."""

from __future__ import annotations

from test_policy_support import (
    ALEX, JASON, KEVIN, STRANGER, YISHAI, patch, record, series, signal, small_ctx, sob, trailer,
)
from workbench.model import CHECK_IDS, Origin, SignalKind, Status
from workbench.policy.checks import run_checks
from workbench.policy.complete import check_complete
from workbench.policy.maintainer import check_maintainer
from workbench.policy.userspace import check_userspace

CTX = small_ctx()
VARIANT = "drivers/vfio/pci/mlx5/main.c"


# --- complete ---------------------------------------------------------------------------

def test_complete_pass_names_the_cover_letter():
    result = check_complete(series([patch(1, [VARIANT]), patch(2, [VARIANT])], cover_text="hi"))
    assert result.status is Status.PASS
    assert result.summary == "all 2 patches present"
    assert [ev.msgid for ev in result.evidence] == ["cover@x"]
    assert result.missing == []


def test_complete_missing_names_the_numbers_and_the_author():
    result = check_complete(series([patch(1, [VARIANT]), patch(4, [VARIANT])], expected=6))
    assert result.status is Status.MISSING
    assert result.summary == "2/6 present; missing 2-3, 5-6"
    assert result.missing == [YISHAI]
    assert [ev.msgid for ev in result.evidence] == ["patch1@x", "patch4@x"]


def test_complete_cover_only():
    result = check_complete(series([], expected=9, cover_text="hello"))
    assert result.status is Status.MISSING
    assert "0/9 present; missing 1-9 (cover letter only)" == result.summary


# --- maintainer -------------------------------------------------------------------------

def test_maintainer_missing_names_the_vfio_maintainer_from_maintainers():
    result = check_maintainer(series([patch(1, [VARIANT])]), CTX)
    assert result.status is Status.MISSING
    assert result.missing == [ALEX]
    assert "Alex Williamson" in result.summary


def test_maintainer_ack_passes_with_the_trailer_as_evidence():
    p = patch(2, [VARIANT], trailers=[sob(YISHAI, 2), trailer("Acked-by", ALEX, "alexack@x")])
    result = check_maintainer(series([patch(1, [VARIANT]), p]), CTX)
    assert result.status is Status.PASS
    assert result.summary == "Acked-by from Alex Williamson on 2/2"
    assert result.evidence[0].msgid == "alexack@x" and result.evidence[0].trailer == "Acked-by"


def test_maintainer_sign_off_when_applying_counts():
    p = patch(1, [VARIANT], trailers=[sob(YISHAI, 1), trailer("Signed-off-by", ALEX, "patch1@x", Origin.BODY)])
    assert check_maintainer(series([p]), CTX).status is Status.PASS


def test_maintainer_reply_without_ack_is_attention_and_names_the_mail():
    """A reply is a discussion under way, not a decision: attention, not pass."""
    reply = record("alexreply@x", "Re: [PATCH 1/1] patch 1", ALEX, parent="patch1@x")
    p = patch(1, [VARIANT], replies=["alexreply@x"])
    result = check_maintainer(series([p], replies=[reply]), CTX)
    assert result.status is Status.ATTENTION
    assert "replied" in result.summary and "no ack" in result.summary
    assert result.evidence[0].msgid == "alexreply@x"
    assert result.evidence[0].text.startswith("reply on 1/1")


def test_maintainer_suspect_ack_is_not_counted():
    fake = trailer("Acked-by", ALEX, "r@x", given_by=STRANGER, suspect=True)
    result = check_maintainer(series([patch(1, [VARIANT], trailers=[sob(YISHAI, 1), fake])]), CTX)
    assert result.status is Status.MISSING
    assert "suspect" in result.summary
    assert result.evidence[0].suspect


def test_the_maintainer_is_vfio_drivers_m_not_a_reviewer():
    """Kevin Tian's review is a listed reviewer's, never the vfio maintainer's."""
    p = patch(1, [VARIANT], trailers=[sob(YISHAI, 1), trailer("Reviewed-by", KEVIN, "r@x")])
    result = check_maintainer(series([p]), CTX)
    assert result.status is Status.MISSING and result.missing == [ALEX]
    p = patch(1, [VARIANT], trailers=[sob(YISHAI, 1), trailer("Acked-by", ALEX, "r@x")])
    assert check_maintainer(series([p]), CTX).status is Status.PASS


def test_maintainer_nak_stands_after_his_earlier_ack():
    from datetime import timedelta

    from tests.test_policy_support import WHEN
    ack = trailer("Acked-by", ALEX, "r1@x")
    nak = trailer("Nacked-by", ALEX, "r2@x", when=WHEN + timedelta(days=1))
    result = check_maintainer(series([patch(1, [VARIANT], trailers=[sob(YISHAI, 1), ack, nak])]), CTX)
    assert result.status is Status.MISSING and "NAK" in result.summary
    assert any(ev.msgid == "r2@x" and "NAK" in ev.text for ev in result.evidence)
    again = trailer("Acked-by", ALEX, "r3@x", when=WHEN + timedelta(days=2))
    result = check_maintainer(series([patch(1, [VARIANT], trailers=[sob(YISHAI, 1), ack, nak, again])]), CTX)
    assert result.status is Status.PASS


def test_series_posted_by_the_maintainer():
    result = check_maintainer(series([patch(1, [VARIANT], author=ALEX)], author=ALEX), CTX)
    assert result.status is Status.PASS and "posted by" in result.summary


# --- userspace-data ---------------------------------------------------------------------

def test_userspace_attention_lists_file_hunk_and_line():
    sigs = [signal(SignalKind.USERSPACE, VARIANT, "copy_from_user", "\tif (copy_from_user(&x, buf, len))"),
            signal(SignalKind.USERSPACE, "drivers/net/ethernet/mellanox/mlx5/core/x.c", "__user", "void __user *p"),
            signal(SignalKind.USERSPACE, "drivers/vfio/vfio_main.c", "__user", "void __user *core"),
            signal(SignalKind.EXTENSION, VARIANT, "vfio_migration_ops", "struct vfio_migration_ops o;")]
    result = check_userspace(series([patch(1, [], signals=sigs)], expected=3))
    assert result.status is Status.ATTENTION
    assert result.summary.startswith("2 lines taking userspace data in 2 files")
    first = result.evidence[0]
    assert first.text == ("1/3 drivers/vfio/pci/mlx5/main.c (@@ -10,6 +10,9 @@ static int f(void)) "
                          "[copy_from_user]: if (copy_from_user(&x, buf, len))")
    assert first.msgid == "patch1@x"
    assert not any("vfio_main.c" in ev.text for ev in result.evidence)  # vfio core is not a variant/parent


def test_a_new_uapi_brings_vfio_core_lines_into_view():
    """The dma-buf series adds VFIO_DEVICE_FEATURE_DMA_BUF: its definition and the core
    lines that take its payload are listed, even though neither is variant or parent code."""
    core = signal(SignalKind.USERSPACE, "drivers/vfio/pci/vfio_pci_dmabuf.c", "memdup_user",
                  "\tdma_ranges = memdup_array_user(&arg->dma_ranges, n, sizeof(*dma_ranges));")
    uapi = signal(SignalKind.USERSPACE, "include/uapi/linux/vfio.h", "uapi", "#define VFIO_DEVICE_FEATURE_DMA_BUF 11")
    assert check_userspace(series([patch(1, [], signals=[core])], expected=2)).status is Status.NA
    result = check_userspace(series([patch(1, [], signals=[core]), patch(2, [], signals=[uapi])], expected=2))
    assert result.status is Status.ATTENTION
    assert result.summary == "adds uAPI; 2 lines taking userspace data in 2 files: review"
    assert result.evidence[0].text == "adds uAPI in include/uapi/linux/vfio.h (2/2): VFIO_DEVICE_FEATURE_DMA_BUF"
    assert [ev.text.split(" ")[1] for ev in result.evidence[1:]] == ["drivers/vfio/pci/vfio_pci_dmabuf.c",
                                                                    "include/uapi/linux/vfio.h"]


def test_userspace_na_and_hostile_line_is_sanitized():
    assert check_userspace(series([patch(1, [VARIANT])])).status is Status.NA
    evil = signal(SignalKind.USERSPACE, VARIANT, "get_user", "get_user(x, p); \x1b]52;c;ZXZpbA==\x07\x1b[2J")
    result = check_userspace(series([patch(1, [], signals=[evil])]))
    assert "\x1b" not in result.evidence[0].text and "\x07" not in result.evidence[0].text


# --- run_checks -------------------------------------------------------------------------

def test_run_checks_gives_every_id_in_order():
    s = series([patch(1, ["drivers/net/ethernet/mellanox/mlx5/core/sriov.c"]),
                patch(2, [VARIANT], trailers=[sob(YISHAI, 2), trailer("Reviewed-by", JASON, "r@x")])],
               cover_text="cover")
    results = run_checks(s, CTX)
    assert tuple(r.id for r in results) == CHECK_IDS
    by_id = {r.id: r.status for r in results}
    assert by_id == {"complete": Status.PASS, "parent-approval": Status.MISSING,
                     "listed-reviewer": Status.PASS, "documentation": Status.NA,
                     "maintainer": Status.MISSING, "userspace-data": Status.NA}


def test_run_checks_survives_a_degenerate_series():
    s = series([], expected=0)
    results = run_checks(s, CTX)
    assert tuple(r.id for r in results) == CHECK_IDS
    assert not any("could not be judged" in r.summary for r in results)
