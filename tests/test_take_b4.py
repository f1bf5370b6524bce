"""Our ``--am`` mbox against ``b4 am``'s on real corpus threads: the same trailers on
every patch, except where the trust model refuses one by design.

b4 runs offline (``--offline-mode``, no cache, attestation off, HOME a temporary
directory, and in a network namespace without network when ``unshare -rn`` works) on
the thread piped to it as a local mbox (``-m``), exactly as the corpus holds it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import lore_thread, shared_path
from workbench.cli import main

B4 = shutil.which("b4") or str(Path(sys.executable).with_name("b4"))
pytestmark = pytest.mark.skipif(not Path(B4).exists(), reason="b4 is not installed (pip install -e .[test])")

SERIES = {
    "hisi-v8": ("[PATCH v8 0/9] vfio/hisilicon: add ACC live migration driver",
                "20220303230131.2103-1-shameerali.kolothum.thodi@huawei.com"),
    "dma-v9": ("[PATCH v9 00/24] Provide a new two step DMA mapping API", "cover.1745394536.git.leon@kernel.org"),
    "tidy-v1": ("[PATCH 00/15] Tidy up vfio_device life cycle", "20220827171037.30297-1-kevin.tian@intel.com"),
}


def _by_date(files: list[Path]) -> list[Path]:
    """b4 takes follow-up trailers in the order the mbox holds the mails; ours are in the
    order they were given. Fed in date order, the two orders agree."""
    from email.parser import BytesHeaderParser
    from email.utils import parsedate_to_datetime

    def when(f: Path):
        return parsedate_to_datetime(BytesHeaderParser().parsebytes(f.read_bytes())["Date"])

    return sorted(files, key=when)


def _thread_mbox(files: list[Path], path: Path) -> None:
    with path.open("wb") as out:
        for f in _by_date(files):
            data = re.sub(rb"(?m)^(>*From )", rb">\1", f.read_bytes())
            out.write(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + data.rstrip(b"\n") + b"\n\n")


def _no_network() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def run_b4(files: list[Path], msgid: str, tmp: Path) -> Path:
    home = tmp / "b4home"
    home.mkdir()
    (home / ".gitconfig").write_text("[b4]\n\tattestation-policy = off\n")
    thread = tmp / "thread.mbox"
    _thread_mbox(files, thread)
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache"),
           "XDG_DATA_HOME": str(home / ".local"), "PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run([*_no_network(), B4, "--offline-mode", "am", "-C", "-m", str(thread), "-o", str(tmp / "b4"),
                           "-n", "series", msgid], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return tmp / "b4" / "series.mbx"


def trailer_blocks(path: Path) -> list[list[str]]:
    """The trailer block of each patch's commit message, in mbox order."""
    from email import message_from_bytes, policy

    blocks = []
    for chunk in re.split(rb"(?m)^From [^\n]*\n(?=[A-Za-z-]+: )", path.read_bytes()):
        if not chunk.strip():
            continue
        msg = message_from_bytes(chunk, policy=policy.default)
        text = msg.get_content().replace("\r\n", "\n")
        message = re.split(r"(?m)^---$", text, maxsplit=1)[0].rstrip("\n")
        lines = message.rsplit("\n\n", 1)[-1].splitlines()
        blocks.append([line for line in lines if not line.startswith("Link: ")])
    return blocks


def compare(name: str, tmp_path: Path, capsys) -> tuple[list[list[str]], list[list[str]], str]:
    subject, msgid = SERIES[name]
    files = lore_thread(subjects=[subject])
    from vfio_workbench_demo.mailwriter import build_store

    store = build_store(tmp_path / "mail", [f.read_bytes() for f in files])
    ours = tmp_path / "ours.mbox"
    code = main(["--db", str(store), "--maintainers", str(shared_path("data", "MAINTAINERS")),
                 "--mailmap", str(shared_path("data", "mailmap")), "--am", msgid, "--out", str(ours)])
    err = capsys.readouterr().err
    assert code == 0, err
    return trailer_blocks(ours), trailer_blocks(run_b4(files, msgid, tmp_path)), err


@pytest.mark.parametrize("name", ["hisi-v8", "tidy-v1"])
def test_same_trailers_as_b4(name: str, tmp_path: Path, capsys) -> None:
    ours, theirs, err = compare(name, tmp_path, capsys)
    assert len(ours) == len(theirs) > 1
    assert ours == theirs
    assert "not added" not in err
    assert sum(len(b) for b in ours) > len(ours) * 2  # collected trailers really are there


def test_b4_adds_a_same_name_review_we_refuse(tmp_path: Path, capsys) -> None:
    """DMA v9 1/24: Luis Chamberlain replied from mcgrof@kernel.org with a Reviewed-by
    naming mcgrof@kenrel.org (a typo). b4 matches the name and adds it; the trust model
    ties trailers to the sending address, so it is listed as not added. Every other
    trailer of the 24 patches is the same."""
    ours, theirs, err = compare("dma-v9", tmp_path, capsys)
    assert len(ours) == len(theirs) == 24
    typo = "Reviewed-by: Luis Chamberlain <mcgrof@kenrel.org>"
    assert typo in theirs[0] and typo not in ours[0]
    assert [line for line in theirs[0] if line != typo] == ours[0]
    assert ours[1:] == theirs[1:]
    assert f"not added to 1/24: {typo}" in err
