"""Values from the command line, the config file and the store's file names are as
hostile as mail text wherever they are printed: report headers, errors on stderr,
usage errors, the draft writer's messages.

Before: ``--query $'\\e]0;x\\a…'`` reached the text report header as raw escape
sequences, and a path with one in it reached stderr in "MAINTAINERS file not found".
Each run here is the real CLI on a real notmuch store of real lore-vfio mail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, StoreFactory, lore_thread, shared_path
from workbench.cli import main
from workbench.text import echo

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

# OSC 52 (clipboard write), a title change, clear screen, an 8-bit CSI, a bidi override
HOSTILE = "\x1b]52;c;cHduZWQ=\x07\x1b]0;owned\x07\x1b[2J\x9b31m\u202e"
BAD = ("\x1b", "\x07", "\x9b", "\u202e")


def clean(text: str) -> bool:
    return not any(ch in text for ch in BAD)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vfio_workbench_demo.mailwriter import build_store

    files = lore_thread(subjects=["[PATCH v3 0/6] vfio/hisilicon: add acc live migration driver"])
    return build_store(tmp_path_factory.mktemp("echo") / "mail", [f.read_bytes() for f in files])


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def base(store: Path) -> list[str]:
    data = shared_path("data")
    return ["--report", "--db", str(store), "--no-cache", "--maintainers", str(data / "MAINTAINERS"),
            "--mailmap", str(data / "mailmap")]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_hostile_query_in_report_headers(fmt: str, store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = f'not tag:"{HOSTILE}zz"'  # a valid query that matches every message
    code, out, err = run(base(store) + ["--all", "--format", fmt, "--query", query], capsys)
    assert code in (0, 3), err
    assert clean(out) and clean(err)
    if fmt == "json":
        report = json.loads(out)
        assert report["query"] == query  # JSON keeps the value exactly, escaped
        assert report["series"]
    else:
        assert 'not tag:"' in out and 'zz"' in out  # the header still names the query
        assert "hisilicon" in out


def test_hostile_config_values_in_the_header(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    escaped = json.dumps(f'not tag:"{HOSTILE}"')  # a TOML basic string is a JSON string
    config.write_text(f"query = {escaped}\n", encoding="utf-8")
    code, out, err = run(base(store) + ["--all", "--config", str(config)], capsys)
    assert code in (0, 3), err
    assert clean(out) and clean(err)
    assert "query: not tag:" in out


@pytest.mark.parametrize("option", ["--maintainers", "--mailmap", "--db", "--config"])
def test_hostile_paths_in_errors(option: str, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = str(tmp_path / f"missing{HOSTILE}")
    args = base(store)
    if option in args:
        at = args.index(option)
        args = args[:at] + args[at + 2:]
    code, out, err = run(args + [option, bad], capsys)
    assert code == 2
    assert err.startswith("vfio-workbench: ")
    assert clean(err) and clean(out)
    assert "missing" in err  # the path is still named, without its escapes


def test_hostile_since_in_the_error(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(base(store) + ["--since", HOSTILE], capsys)
    assert code == 2
    assert clean(err)


def test_hostile_series_id(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = shared_path("data")
    code, out, err = run(["--draft", "review", "--series", f"id:{HOSTILE}", "--db", str(store), "--no-cache",
                          "--maintainers", str(data / "MAINTAINERS"), "--out", str(tmp_path)], capsys)
    assert code == 2
    assert "no series with id" in err
    assert clean(err) and clean(out)


def test_usage_error_quoting_an_argument() -> None:
    """argparse quotes unknown arguments verbatim; it runs in a subprocess since it exits."""
    proc = subprocess.run([sys.executable, "-m", "workbench", f"--{HOSTILE}", f"x{HOSTILE}"],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 2
    assert "unrecognized arguments" in proc.stderr
    assert clean(proc.stderr)


def test_skipped_file_named_with_escapes(make_store: StoreFactory, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A message file named with an escape sequence that vanished after indexing: the
    "skipped" line on stderr names it, cleaned."""
    from vfio_workbench_demo.mailwriter import index_files

    corpus = shared_path("corpus", "lore-vfio", "variant")
    first, second = sorted(corpus.glob("*.eml"))[:2]
    root = make_store([first])
    hostile = root / "INBOX" / "cur" / f"gone{HOSTILE}:2,S"
    hostile.write_bytes(second.read_bytes())
    index_files(root, [hostile])
    hostile.unlink()
    data = shared_path("data")
    code, out, err = run(["--report", "--all", "--query", "*", "--db", str(root), "--no-cache",
                          "--maintainers", str(data / "MAINTAINERS")], capsys)
    assert code in (0, 3)
    assert "skipped" in err and "gone" in err
    assert clean(err) and clean(out)


def test_echo_cleans_and_encodes() -> None:
    assert echo(f"a{HOSTILE}b") == "ab"
    assert echo("two\nlines") == "two\nlines"
    undecodable = b"/tmp/\xff\xfe".decode("utf-8", "surrogateescape")
    echo(undecodable).encode("utf-8")  # no UnicodeEncodeError on any stream
