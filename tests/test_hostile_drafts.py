"""Template and path safety of reply drafts, driven through the public command line
(``--draft KIND --series ID [--out DIR | --save]``) so it holds whatever the drafting
module's internals look like.

User templates are ``string.Template`` text: they may name variables, never reach
attributes, items, files or code. Draft file names come from hostile subjects
("../../etc/passwd", NUL, 100 KB): the file must land inside the folder it was meant for.
Hostile text quoted into a draft printed to the terminal must be inert there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email.header import Header
from pathlib import Path

import pytest

from conftest import REPO
from vfio_workbench_demo.maintainers_text import MAINTAINERS


def _drafting_available() -> None:
    try:
        import workbench.replies.command  # noqa: F401
    except ImportError as err:
        pytest.skip(f"workbench.replies (issue 4) has not landed yet: {err}")


pytestmark = pytest.mark.usefixtures("needs_drafting")


@pytest.fixture
def needs_drafting() -> None:
    _drafting_available()


AUTHOR = "Yishai Hadas <yishaih@nvidia.com>"
SUBJECTS = {
    "traversal": "../../../../../../etc/passwd",
    "absolute": "/etc/shadow",
    "nul": "vfio/mlx5: a\x00b/../../x",
    "long": "vfio/mlx5: " + "L" * 5000,
    "dots": "..",
    "escapes": "vfio/mlx5: \x1b]52;c;ZXZpbA==\x07\x1b[2J\u202etxt.exe",
}


def mail(key: str, title: str) -> bytes:
    path = "drivers/vfio/pci/mlx5/main.c"
    subject = Header(f"[PATCH] {title}", "utf-8").encode()
    return (f"From: {AUTHOR}\nTo: kvm@vger.kernel.org\nSubject: {subject}\n"
            f"Date: Mon, 3 Feb 2025 10:00:00 +0000\nMessage-Id: <{key}@x>\n"
            "Content-Type: text/plain; charset=utf-8\n\n"
            f"Body \x1b]52;c;ZXZpbA==\x07 \x1b]0;title\x07 [@click=app.quit]q[/]\n\n"
            f"Signed-off-by: {AUTHOR}\n---\n"
            f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,1 +1,2 @@\n int a;\n"
            f"+\tif (copy_from_user(&x, buf, 4))\n").encode()


@pytest.fixture
def hostile(make_store, tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "MAINTAINERS").write_text(MAINTAINERS)
    root = make_store([mail(k, t) for k, t in SUBJECTS.items()])
    return root, tmp_path / "MAINTAINERS"


def cli(root: Path, maint: Path, *args: str, config: Path | None = None, cwd: Path | None = None):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if config:
        env["VFIO_WORKBENCH_CONFIG"] = str(config)
    return subprocess.run([sys.executable, "-m", "workbench", "--db", str(root), "--query", "*", "--maintainers",
                           str(maint), "--me", "Alex Williamson <alex.williamson@redhat.com>", *args],
                          capture_output=True, env=env, timeout=120, cwd=cwd)


@pytest.mark.parametrize("key", list(SUBJECTS))
@pytest.mark.parametrize("kind", ["thanks", "reply"])
def test_draft_file_name_stays_inside_the_out_dir(key: str, kind: str, hostile, tmp_path: Path) -> None:
    root, maint = hostile
    work = tmp_path / "work"
    out = work / "a" / "b" / "drafts"
    out.mkdir(parents=True)
    proc = cli(root, maint, "--draft", kind, "--series", f"{key}@x", "--out", str(out), cwd=work / "a" / "b")
    assert b"Traceback" not in proc.stderr
    assert proc.returncode in (0, 2), proc.stderr
    everything = sorted(p for p in work.rglob("*") if p.is_file())
    if proc.returncode == 0:
        assert len(everything) == 1 and everything[0].parent == out, everything
        name = everything[0].name
        assert len(name.encode()) <= 255 and "\x00" not in name and not name.startswith(".")
    else:
        assert everything == []
    assert not Path("/etc/passwd.eml").exists()


@pytest.mark.parametrize("kind", ["thanks", "reply"])
def test_draft_printed_to_the_terminal_is_inert(kind: str, hostile) -> None:
    root, maint = hostile
    proc = cli(root, maint, "--draft", kind, "--series", "escapes@x")
    assert proc.returncode == 0, proc.stderr
    for live in (b"\x1b", b"\x07", "\u202e".encode()):
        assert live not in proc.stdout, f"draft on stdout carries {live!r}"


def test_saved_draft_goes_into_the_drafts_folder(hostile) -> None:
    root, maint = hostile
    before = {p for p in root.rglob("*") if p.is_file() and ".notmuch" not in p.parts}
    proc = cli(root, maint, "--draft", "thanks", "--series", "traversal@x", "--save")
    assert proc.returncode == 0, proc.stderr
    new = {p for p in root.rglob("*") if p.is_file() and ".notmuch" not in p.parts} - before
    assert len(new) == 1, new
    (draft,) = new
    assert draft.parent.parent == root / "Drafts" and draft.parent.name in ("cur", "new"), draft


def _template_names() -> list[str]:
    import workbench.replies as replies

    base = Path(replies.__file__).parent
    return sorted({p.name for p in base.rglob("*") if p.is_file() and p.suffix != ".py"
                   and "$" in p.read_text("utf-8", "replace")})


ATTACKS = [
    "${__import__}",
    "$__builtins__",
    "${author_name.__class__}",
    "${author_name.__init__.__globals__}",
    "{0.__class__.__mro__}",
    "{author_name.__class__}",
    "%(author_name)s %%(x)s",
    "${/etc/passwd}",
    "$(cat /etc/passwd)",
    "`cat /etc/passwd`",
    "{{ config.__class__ }} {% include '/etc/passwd' %}",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_user_template_cannot_read_files_or_run_code(attack: str, hostile, tmp_path: Path) -> None:
    root, maint = hostile
    names = _template_names()
    if not names:
        pytest.skip("workbench.replies ships no template files to override")
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in names:
        (templates / name).write_text(f"Hello.\n{attack}\nBye.\n")
    config = tmp_path / "config.toml"
    config.write_text(f"templates_dir = {json.dumps(str(templates))}\n")
    marker = tmp_path / "pwned"
    proc = cli(root, maint, "--draft", "thanks", "--series", "traversal@x", config=config)
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out
    assert "root:x:0:0" not in out and "<class" not in out and "__globals__" not in out.replace(attack, "")
    assert not marker.exists()
    if proc.returncode == 2:
        assert out.strip().startswith("vfio-workbench: ") and "template" in out.lower(), out
    else:
        assert proc.returncode == 0, out
        assert "Hello." in out  # the user's template was used, the attack text left as text
