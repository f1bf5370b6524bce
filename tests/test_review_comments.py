"""Review comments become a reply: quoted hunk header and context, the comment under its
line, the rest trimmed, threaded to the patch; on the real qat v7 patch from ../shared,
parsed back with the email package and indexed in a real notmuch store."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import notmuch2
import pytest

from conftest import shared_path
from test_replies_lore import ME, QAT_V7, check_threading, thread_files
from workbench.cli import main
from workbench.config import Settings
from workbench.errors import DraftError
from vfio_workbench_demo.mailwriter import build_store
from workbench.mail.reading import READER
from workbench.pipeline import build_workbench
from workbench.replies.review import compose_review, review_body
from workbench.state.model import Comment
from workbench.state.store import StateStore

MAIN_C = "drivers/vfio/pci/qat/main.c"


@pytest.fixture
def qat(tmp_path):
    data = shared_path("data")
    root = build_store(tmp_path / "mail", [f.read_bytes() for f in thread_files(QAT_V7)])
    settings = Settings(db_path=root, maintainers=data / "MAINTAINERS", mailmap=data / "mailmap", me=ME,
                        cache_dir=tmp_path / "cache", query="*", state_file=tmp_path / "state.sqlite3")
    wb = build_workbench(settings)
    judged = wb.find(QAT_V7)
    return settings, wb, judged, judged.series.patch(1)


def comments_for(patch) -> list[Comment]:
    return [
        Comment(patch.msgid, MAIN_C, 0, 319, "+\tret = copy_from_user(mig_dev->state + *offs, buf, len);",
                "Is len checked against the remaining state size before this copy?"),
        Comment(patch.msgid, MAIN_C, 0, 311, "+\t\treturn -ENOMEM;", "-ENOMEM looks odd for a range error; -EINVAL?"),
        Comment(patch.msgid, "MAINTAINERS", 0, 7, "+L:\tqat-linux@intel.com", "Is this list open to everyone?"),
    ]


EXPECTED = """X wrote:
> [...]
> diff --git a/MAINTAINERS b/MAINTAINERS
> @@ -23241,6 +23241,14 @@ L:\tkvm@vger.kernel.org
> [...]
> +M:\tXin Zeng <xin.zeng@intel.com>
> +M:\tGiovanni Cabiddu <giovanni.cabiddu@intel.com>
> +L:\tkvm@vger.kernel.org
> +L:\tqat-linux@intel.com

Is this list open to everyone?

> [...]
> diff --git a/drivers/vfio/pci/qat/main.c b/drivers/vfio/pci/qat/main.c
> @@ -0,0 +1,702 @@
> [...]
> +\t\treturn -EOVERFLOW;
> +
> +\tif (end > mig_dev->state_size)
> +\t\treturn -ENOMEM;

-ENOMEM looks odd for a range error; -EINVAL?

> [...]
> +\t\tgoto out_unlock;
> +\t}
> +
> +\tret = copy_from_user(mig_dev->state + *offs, buf, len);

Is len checked against the remaining state size before this copy?

> [...]

Reviewed-by: Alex Williamson <alex.williamson@redhat.com>
"""


def test_review_body_quotes_context_and_trims(qat):
    """Files in patch order, comments in line order whatever order they were written in;
    each under its hunk header and 3 lines of context, everything else "[...]": a
    700-line patch cut to what the comments are about."""
    _settings, _wb, _judged, patch = qat
    body = review_body(READER.body(patch.path), comments_for(patch), attribution="X wrote:",
                       trailer="Reviewed-by: Alex Williamson <alex.williamson@redhat.com>")
    assert body == EXPECTED


def test_adjacent_comments_share_their_quote(qat):
    _settings, _wb, _judged, patch = qat
    text = READER.body(patch.path)
    close = [Comment(patch.msgid, MAIN_C, 0, 310, "+\tif (end > mig_dev->state_size)", "one"),
             Comment(patch.msgid, MAIN_C, 0, 311, "+\t\treturn -ENOMEM;", "two"),
             Comment(patch.msgid, MAIN_C, 0, 0, "+// SPDX-License-Identifier: GPL-2.0-only", "first line")]
    lines = review_body(text, close, attribution="X wrote:").split("\n")
    at = lines.index("> @@ -0,0 +1,702 @@")
    assert lines[at + 1:at + 4] == ["> +// SPDX-License-Identifier: GPL-2.0-only", "", "first line"]
    one = lines.index("one")
    assert lines[one + 1:one + 3] == ["", "> +\t\treturn -ENOMEM;"]  # no repeat, no [...]
    assert lines[-2:] == ["> [...]", ""]


def test_a_comment_whose_line_changed_is_an_error(qat):
    _settings, _wb, _judged, patch = qat
    stale = Comment(patch.msgid, MAIN_C, 0, 319, "+\tret = copy_to_user(x);", "?")
    with pytest.raises(DraftError, match="comment 1 .*main.c, hunk 1, line 320.*now reads"):
        review_body(READER.body(patch.path), [stale], attribution="X wrote:")
    with pytest.raises(DraftError, match="no longer touches"):
        review_body(READER.body(patch.path), [Comment(patch.msgid, "gone.c", 0, 0, "+", "?")],
                    attribution="X wrote:")


def test_review_draft_threads_to_the_patch_and_indexes(qat):
    settings, wb, judged, patch = qat
    draft = compose_review(judged, wb.context, patch, comments_for(patch), trailer="Reviewed-by", settings=settings)
    assert draft.kind == "comments" and draft.in_reply_to == patch.msgid
    msg = check_threading(draft, settings, wb.context.mailmap)  # parsed back, saved, same notmuch thread
    text = msg.get_content()
    assert "> +\tif (end > mig_dev->state_size)" in text and "Reviewed-by: Alex Williamson" in text


def test_cli_draft_comments_saves_and_clears(qat, capsys):
    settings, _wb, _judged, patch = qat
    with StateStore.open(settings.state_file) as store:
        for c in comments_for(patch):
            store.add_comment(c)
    base = ["--db", str(settings.db_path), "--maintainers", str(settings.maintainers), "--mailmap",
            str(settings.mailmap), "--me", f"{ME.name} <{ME.email}>", "--query", "*",
            "--cache-dir", str(settings.cache_dir), "--state-file", str(settings.state_file),
            "--draft", "comments", "--series", QAT_V7]
    assert main(base) == 2
    assert "--reply-to" in capsys.readouterr().err
    assert main(base + ["--reply-to", "1"]) == 0  # printed: the comments stay
    assert "Is this list open to everyone?" in capsys.readouterr().out
    with StateStore.open(settings.state_file) as store:
        assert len(store.comments(patch.msgid)) == 3
    assert main(base + ["--reply-to", "1", "--trailer", "Acked-by", "--save"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert out.startswith("saved draft ")
    with StateStore.open(settings.state_file) as store:
        assert store.comments(patch.msgid) == []  # in the draft now
    db = notmuch2.Database(str(settings.db_path), mode=notmuch2.Database.MODE.READ_ONLY,
                           config=notmuch2.Database.CONFIG.EMPTY)
    try:
        drafts = [(str(m.path), str(m.threadid)) for m in db.messages("tag:draft")]  # copied out at once
        assert len(drafts) == 1
        path, thread = drafts[0]
        saved = email.message_from_bytes(Path(path).read_bytes(), policy=policy.default)
        assert saved["In-Reply-To"] == f"<{patch.msgid}>"
        assert thread == str(db.find(patch.msgid).threadid)
        assert "Acked-by: Alex Williamson <alex.williamson@redhat.com>" in saved.get_content()
    finally:
        db.close()
    assert main(base + ["--reply-to", "1"]) == 2
    assert "no stored comments" in capsys.readouterr().err
