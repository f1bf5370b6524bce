"""documentation: extension signals, documentation files, and the cover-letter heuristic."""

from __future__ import annotations

from pathlib import Path

from test_policy_support import YISHAI, change, patch, series, signal
from workbench.mail.parse import ParseFailure, parse_message
from workbench.model import SignalKind, Status
from workbench.policy.documentation import QUESTIONS, answers, check_documentation, sentences

VARIANT = "drivers/vfio/pci/mlx5/main.c"
MIGRATION = signal(SignalKind.EXTENSION, VARIANT, "vfio_migration_ops",
                   "static const struct vfio_migration_ops mlx5vf_pci_mig_ops = {")

GOOD_COVER = """\
This series adds live migration support for mlx5 VFs.

The device state consists of a header followed by the firmware image of the VF, and it is
consumed by the firmware of the destination device when the state is loaded.
The internal queue state is not otherwise accessible to the user through vfio-pci, since
only the PF can query it.
The header carries a magic number and a version; the driver validates both and rejects
migration data whose size does not match.

v2 -> v3
 - the device state is validated more strictly (Alex)
"""

PARTIAL_COVER = """\
This series adds live migration support for mlx5 VFs.

The device state consists of a header followed by the firmware image of the VF.

This is sanity tested on a ConnectX-7 with the QEMU branch here [1].

v7 --> v8
 - Dropped PRE_COPY support; the header is now validated (Jason).

[1] https://example.com/qemu
"""


def with_extension(cover_text=None, paths=(VARIANT,), extra=()):
    files = [change(p) for p in paths] + [change(p, "added") for p in extra]
    return series([patch(1, [], files=files, signals=[MIGRATION])], cover_text=cover_text)


def part(result, key):
    return next(p for p in result.parts if key in p.name)


def test_na_without_extension_signals():
    s = series([patch(1, [VARIANT], signals=[signal(SignalKind.USERSPACE, VARIANT, "__user", "char __user *buf")])],
               cover_text="nothing")
    result = check_documentation(s)
    assert result.status is Status.NA and result.parts == []


def test_extension_in_vfio_core_is_not_a_device_specific_extension():
    core = signal(SignalKind.EXTENSION, "drivers/vfio/vfio_main.c", "VFIO_DEVICE_*", "case VFIO_DEVICE_FEATURE:")
    s = series([patch(1, ["drivers/vfio/vfio_main.c"], signals=[core])])
    assert check_documentation(s).status is Status.NA


def test_documentation_file_passes_and_is_evidence():
    result = check_documentation(with_extension(extra=["Documentation/driver-api/vfio/mlx5.rst"]))
    assert result.status is Status.PASS
    assert "Documentation/driver-api/vfio/mlx5.rst" in result.summary
    assert any("extension: vfio_migration_ops in drivers/vfio/pci/mlx5/main.c (1/1)" == ev.text
               for ev in result.evidence)
    assert all(p.status is Status.PASS for p in result.parts)


def test_driver_rst_outside_documentation_counts():
    result = check_documentation(with_extension(extra=["drivers/vfio/pci/mlx5/mlx5.rst"]))
    assert result.status is Status.PASS


def test_no_cover_and_no_documentation_is_missing():
    result = check_documentation(with_extension())
    assert result.status is Status.MISSING
    assert "no cover letter" in result.summary
    assert [p.status for p in result.parts] == [Status.MISSING] * 3
    assert result.missing == [YISHAI]


def test_cover_answering_all_three_questions_passes_with_sentences():
    result = check_documentation(with_extension(GOOD_COVER))
    assert result.status is Status.PASS, [p.summary for p in result.parts]
    comp, avail, guard = result.parts
    assert comp.status is avail.status is guard.status is Status.PASS
    assert any("consists of a header" in ev.text for ev in comp.evidence)
    assert any("not otherwise accessible" in ev.text for ev in avail.evidence)
    assert any("validates both" in ev.text for ev in guard.evidence)
    assert all(ev.msgid == "cover@x" for ev in guard.evidence)


def test_partial_answers_are_missing_and_list_the_unanswered():
    result = check_documentation(with_extension(PARTIAL_COVER))
    assert result.status is Status.MISSING
    assert part(result, "composed").status is Status.PASS
    # "sanity tested" and a changelog line are not safeguards of the data
    assert part(result, "safeguards").status is Status.MISSING
    assert part(result, "not otherwise available").status is Status.MISSING
    assert "not-otherwise-available" in result.summary and "safeguards" in result.summary
    assert "composition" not in result.summary


def test_sentences_skip_changelogs_links_and_diffstat():
    text = PARTIAL_COVER + "\n drivers/vfio/pci/mlx5/main.c | 12 ++++\n 1 file changed, 12 insertions(+)\n"
    got = sentences(text)
    assert "This series adds live migration support for mlx5 VFs." in got
    assert not any("Dropped PRE_COPY" in s for s in got)
    assert not any("https://" in s for s in got)
    assert not any("insertions" in s for s in got)


def test_answers_is_a_heuristic_with_visible_matches():
    found = answers("The migration data is verified with a CRC before it is loaded into the device.")
    assert found["safeguards"] == ["The migration data is verified with a CRC before it is loaded into the device."]
    assert answers("We tested this a lot and it works well.") == {
        "composition": [], "not-otherwise-available": [], "safeguards": []}


def test_not_otherwise_available_in_the_wordings_authors_use():
    """"None of this state is …" and "reachable only through …" are how cover letters say
    it (the qat cover letters); a sentence that only mentions availability is not."""
    for said in ("None of this state is otherwise available through vfio-pci.",
                 "The bank CSRs of a VF are reachable only through the PF's PMISC BAR.",
                 "The device context is not accessible to the VF driver."):
        assert answers(said)["not-otherwise-available"] == [said], said
    for unsaid in ("The state is available in the new migration region.",
                   "None of these patches change the uAPI."):
        assert answers(unsaid)["not-otherwise-available"] == [], unsaid


def test_without_a_cover_the_commit_message_of_patch_1_is_read():
    """A lone "[PATCH v7] vfio/qat: Add vfio_pci driver …" explains itself in its commit
    message: that is where the answers are looked for, and the evidence says so."""
    from dataclasses import replace

    lone = with_extension(None)
    lone.patches[0] = replace(lone.patches[0], prose=GOOD_COVER)
    result = check_documentation(lone)
    assert result.status is Status.PASS and "commit message of 1/" in result.summary
    assert all(ev.msgid == "patch1@x" for ev in result.evidence if ev.text.startswith("commit message"))
    partial = with_extension(None)
    partial.patches[0] = replace(partial.patches[0], prose=PARTIAL_COVER)
    result = check_documentation(partial)
    assert result.status is Status.MISSING
    assert part(result, "safeguards").summary == f"the commit message of 1/{partial.expected} does not say"
    # a cover letter, when there is one, is what counts
    covered = with_extension(PARTIAL_COVER)
    covered.patches[0] = replace(covered.patches[0], prose=GOOD_COVER)
    assert check_documentation(covered).status is Status.MISSING


def comment(text: str, path: str = VARIANT):
    return signal(SignalKind.DOC, path, "comment_block", text)


def test_a_driver_comment_answers_like_a_cover_letter():
    """The comment above the migration code is where reviewers read; its sentences are
    quoted with the file and patch, and together with the cover they can pass the check."""
    s = with_extension(PARTIAL_COVER)
    s.patches[0].signals = [MIGRATION, comment(
        "The internal queue state is not otherwise accessible to the user through vfio-pci.\n\n"
        "The header carries a magic number; the driver validates it and rejects migration data\n"
        "whose size does not match.")]
    result = check_documentation(s)
    assert result.status is Status.PASS, [p.summary for p in result.parts]
    assert result.summary == "the cover letter and comments in the driver answer all three questions " \
                             "(heuristic; see sentences)"
    assert part(result, "composed").evidence[0].text.startswith("cover letter: ")  # the cover is read first
    avail = part(result, "not otherwise available")
    assert avail.status is Status.PASS and avail.files == [VARIANT] and avail.patches == [1]
    assert avail.evidence[0].text == (f'comment in {VARIANT} (1/1): "The internal queue state is not otherwise '
                                      f'accessible to the user through vfio-pci."')
    assert any(ev.text.startswith(f"comment in {VARIANT} (1/1): \"The header carries") for ev in result.evidence)


def test_a_comment_outside_the_variant_driver_does_not_count():
    s = with_extension(PARTIAL_COVER)
    s.patches[0].signals = [MIGRATION, comment("The internal queue state is not otherwise accessible to the "
                                               "user through vfio-pci.", path="drivers/vfio/pci/vfio_pci_core.c")]
    assert part(check_documentation(s), "not otherwise available").status is Status.MISSING


def test_an_unrelated_documentation_file_is_not_migration_documentation():
    """Tidy up v2–v4 added Documentation/ABI/testing/sysfs-devices-vfio-dev ("This
    directory is created when the device is bound to a vfio driver"): no migration text."""
    abi = "Documentation/ABI/testing/sysfs-devices-vfio-dev"
    result = check_documentation(with_extension(extra=[abi]))
    assert result.status is Status.MISSING
    assert any(ev.text.startswith(f"not about the extension: {abi} (1/1)") for ev in result.evidence)
    assert part(result, "composed").summary == f"no cover letter and no documentation file ({abi} is about " \
                                               f"something else)"
    # the same file, when its added text talks about migration, documents it
    s = with_extension(extra=[abi])
    s.patches[0].signals = [MIGRATION, signal(SignalKind.DOC, abi, "doc_text",
                                              "Writing 1 starts live migration of the VF state.")]
    result = check_documentation(s)
    assert result.status is Status.PASS
    assert result.evidence[0].text == (f'documentation file: {abi} (1/1), says "Writing 1 starts live migration of '
                                       f'the VF state."')


def test_a_documentation_file_named_for_another_subject_does_not_count():
    result = check_documentation(with_extension(extra=["Documentation/core-api/dma-api.rst"]))
    assert result.status is Status.MISSING


def _case_blind_answers(text: str) -> dict[str, list[str]]:
    """What ``answers`` means: every question's case-blind patterns on every sentence."""
    return {q.key: [s for s in sentences(text) if q.claim.search(s) and q.subject.search(s)] for q in QUESTIONS}


def test_answers_on_every_real_cover_letter_in_any_case(lore: Path) -> None:
    """``answers`` reads ASCII sentences lower-cased with plain patterns (the fast way):
    it must find exactly what the case-blind patterns find, on the corpus's covers and
    commit messages as written, upper-cased and title-cased (an upper-case literal in a
    pattern would miss there), and on sentences the fast way must leave to them."""
    texts = []
    for path in sorted(p for p in lore.rglob("*") if p.is_file()):
        try:
            record = parse_message(str(path))
        except ParseFailure:
            continue
        if record.cover_text:
            texts.append(record.cover_text)
    assert len(texts) > 100
    hits = 0
    for text in texts + [t.upper() for t in texts] + [t.title() for t in texts]:
        got = answers(text)
        assert got == _case_blind_answers(text)
        hits += sum(map(len, got.values()))
    assert hits > 60  # the comparison saw sentences that answer, not only silence
    # not ASCII: "ſ" folds to "s" and "K" (Kelvin) to "k" only in the case-blind search
    folded = "The device ſtate conſiſts of a header and the firmware image. It is validated: bad data is rejected."
    assert answers(folded) == _case_blind_answers(folded)
    assert answers(folded)["composition"]
