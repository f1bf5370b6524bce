"""Command line: picks the TUI, ``--report``, ``--draft``, ``--am`` or ``--screenshot``.

Exit status: 0 done; 2 a usage or configuration error (one clear line on stderr, never
a traceback); 3 ``--fail-on-missing`` and a current in-scope series has a missing check.
The TUI and the draft writer are imported only when asked for, so ``--report`` never
loads textual.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from email.utils import parseaddr
from pathlib import Path
from typing import NoReturn

from workbench import __version__
from workbench.config import DEFAULT_QUERY, Settings, load_settings
from workbench.errors import ConfigError, WorkbenchError
from workbench.model import Person
from workbench.replies.kinds import DraftKind
from workbench.text import echo

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_MISSING = 3

DRAFT_KINDS = tuple(k.value for k in DraftKind)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with one line (argparse's own also does)."""

    def error(self, message: str) -> NoReturn:  # pragma: no cover - argparse calls sys.exit
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {echo(message)}\n")  # it quotes the arguments


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="vfio-workbench",
        description="Review vfio-pci variant-driver patch series from a notmuch mail store.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    src = p.add_argument_group("mail store")
    src.add_argument("--db", type=Path, metavar="PATH", help="notmuch database (default: as the notmuch CLI finds it)")
    src.add_argument("--notmuch-config", type=Path, metavar="PATH", help="notmuch config file to read")
    src.add_argument("--query", metavar="Q", help=f"notmuch query (default: {DEFAULT_QUERY})")
    src.add_argument("--since", metavar="DATE", help="only mail since DATE (notmuch date syntax: 2025-01-01, 6months)")
    src.add_argument("--demo", action="store_true", help="use the bundled demo store (built on first use)")
    src.add_argument("--rebuild-demo", action="store_true", help="rebuild the demo store first")
    ker = p.add_argument_group("kernel data")
    ker.add_argument("--maintainers", type=Path, metavar="PATH", help="MAINTAINERS file of your tree")
    ker.add_argument("--mailmap", type=Path, metavar="PATH", help="kernel .mailmap")
    ker.add_argument("--linux-tree", type=Path, metavar="PATH", help="kernel checkout: MAINTAINERS and .mailmap from it")
    ker.add_argument("--me", metavar="'NAME <EMAIL>'", help="who you are (default: notmuch user.name/primary_email)")
    gen = p.add_argument_group("general")
    gen.add_argument("--config", type=Path, metavar="PATH", help="config file (default: ~/.config/vfio-workbench/config.toml)")
    gen.add_argument("--cache-dir", type=Path, metavar="PATH", help="cache directory (default: ~/.cache/vfio-workbench)")
    gen.add_argument("--no-cache", action="store_true", help="parse every message, ignore and keep the cache")
    gen.add_argument("--all", action="store_true", help="include superseded versions and out-of-scope series")
    rep = p.add_argument_group("headless report")
    rep.add_argument("--report", action="store_true", help="print the report instead of starting the TUI")
    rep.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    rep.add_argument("--fail-on-missing", action="store_true", help="exit 3 when a current series misses a check")
    rep.add_argument("--state", action="append", default=[], metavar="STATE",
                     help="only series in STATE (new, reviewing, waiting, queued, rejected, snoozed, "
                          "new-version); repeatable or comma separated")
    tri = p.add_argument_group("triage state (kept in $XDG_STATE_HOME/vfio-workbench/state.sqlite3)")
    tri.add_argument("--state-file", type=Path, metavar="PATH", help="the triage state file to use")
    tri.add_argument("--set-state", metavar="SERIES=STATE",
                     help="set the state of the chain SERIES belongs to (any of its posting ids)")
    tri.add_argument("--note", metavar="TEXT", help="with --set-state: a note to keep with the state")
    tri.add_argument("--until", metavar="YYYY-MM-DD", help="with --set-state …=snoozed: when it comes back")
    drf = p.add_argument_group("drafts (never sends mail)")
    drf.add_argument("--draft", choices=DRAFT_KINDS, metavar="KIND", help=f"write a reply draft: {', '.join(DRAFT_KINDS)}")
    drf.add_argument("--series", metavar="ID", help="series id (message-id of its cover letter or first patch)")
    drf.add_argument("--section", metavar="NAME", help="MAINTAINERS section, for --draft parent-ack")
    drf.add_argument("--reply-to", metavar="MSGID|N",
                     help="for --draft reply: the message to answer (a message-id of the series, or patch number N; "
                          "default: the cover letter, else patch 1)")
    drf.add_argument("--trailer", choices=("Reviewed-by", "Acked-by", "Tested-by"), metavar="NAME",
                     help="for --draft reply or comments: add my Reviewed-by, Acked-by or Tested-by")
    out = drf.add_mutually_exclusive_group()
    out.add_argument("--out", type=Path, metavar="DIR|FILE",
                     help="--draft: write the draft as a .eml file into DIR; --am: write the mbox to FILE "
                          "(a new file: an existing one is never overwritten)")
    out.add_argument("--save", action="store_true",
                     help="save the draft (with --apply: the thanks draft) into notmuch's Drafts folder")
    take = p.add_argument_group("taking a series (reads the mail store; only --apply --save writes to it: a draft)")
    take.add_argument("--am", metavar="SERIES",
                      help="write an mbox for git am of SERIES (its id, as in --report --format json: the "
                           "cover letter's message-id, else the first patch's) to stdout or --out FILE: "
                           "counted reply trailers added, Link: to lore, --me's Signed-off-by last")
    take.add_argument("--apply", action="store_true",
                      help="with --am and --linux-tree: git am onto a new branch from the cover letter's "
                           "base-commit (else HEAD), in a temporary worktree; then print the thanks draft")
    take.add_argument("--branch", metavar="NAME", help="with --apply: the new branch (default am/<title>-v<N>)")
    tui = p.add_argument_group("terminal UI")
    tui.add_argument("--keymap", metavar="NAME|PATH", help="default, vim, emacs, or a TOML file")
    tui.add_argument("--screenshot", type=Path, metavar="FILE.svg", help="render the app headlessly to an SVG")
    tui.add_argument("--size", default="160x48", metavar="COLSxROWS", help="screenshot size (default 160x48)")
    tui.add_argument("--press", action="append", default=[], metavar="KEYS",
                     help="keys to press before the screenshot, comma separated (repeatable)")
    return p


def _parse_me(value: str) -> Person:
    name, email = parseaddr(value)
    if "@" not in email:
        raise ConfigError(f"--me {value!r}: expected 'Name <email@example.org>'")
    return Person(name, email.lower())


def _parse_size(value: str) -> tuple[int, int]:
    try:
        cols, rows = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise ConfigError(f"--size {value!r}: expected COLSxROWS, e.g. 160x48") from None
    if not (20 <= cols <= 1000 and 5 <= rows <= 500):
        raise ConfigError(f"--size {value!r}: out of range")
    return cols, rows


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Config file, then environment, then the command line (highest)."""
    settings = load_settings(args.config)
    settings = settings.with_overrides(
        db_path=args.db,
        notmuch_config=args.notmuch_config,
        query=args.query,
        since=args.since,
        maintainers=args.maintainers,
        mailmap=args.mailmap,
        linux_tree=args.linux_tree,
        me=_parse_me(args.me) if args.me else None,
        cache_dir=args.cache_dir,
        keymap=args.keymap,
        use_cache=False if args.no_cache else None,
        show_all=True if args.all else None,
        state_file=args.state_file,
    )
    if args.demo or args.rebuild_demo:
        settings = _demo_settings(settings, rebuild=args.rebuild_demo)
    return settings


def _demo_settings(settings: Settings, *, rebuild: bool) -> Settings:
    """Point the settings at the demo store; the user's own MAINTAINERS still wins.

    The demo corpus is a package of its own (``vfio_workbench_demo``, installed beside
    ``workbench``) so that it stays out of the product's fingerprint."""
    try:
        from vfio_workbench_demo import ensure_demo_store
    except ImportError as err:
        raise ConfigError(f"--demo needs the vfio_workbench_demo package, installed with vfio-workbench ({err})") from None

    demo = ensure_demo_store(settings.cache_dir, rebuild=rebuild)
    return settings.with_overrides(
        db_path=demo.root,
        maintainers=settings.maintainers or (None if settings.linux_tree else demo.maintainers),
        mailmap=settings.mailmap or (None if settings.linux_tree else demo.mailmap),
        me=settings.me or demo.me,
    )


def _check_combinations(args: argparse.Namespace) -> None:
    if args.draft and not args.series:
        raise ConfigError("--draft needs --series ID (see the ids in --report --format json)")
    if (args.series or args.section) and not args.draft:
        raise ConfigError("--series and --section go with --draft KIND")
    if (args.out or args.save) and not (args.draft or args.am):
        raise ConfigError("--out and --save go with --draft KIND or --am SERIES")
    if (args.apply or args.branch) and not args.am:
        raise ConfigError("--apply and --branch go with --am SERIES")
    if args.branch and not args.apply:
        raise ConfigError("--branch goes with --apply")
    if args.am and args.save and not args.apply:
        raise ConfigError("--save goes with --am only with --apply (it saves the thanks draft)")
    if args.apply and not args.linux_tree:
        raise ConfigError("--apply needs --linux-tree PATH (the kernel git tree to apply to)")
    if args.section and args.draft != "parent-ack":
        raise ConfigError("--section goes with --draft parent-ack")
    if (args.reply_to or args.trailer) and args.draft not in ("reply", "comments"):
        raise ConfigError("--reply-to and --trailer go with --draft reply or --draft comments")
    if args.draft == "comments" and not args.reply_to:
        raise ConfigError("--draft comments needs --reply-to N (the patch my comments are on)")
    modes = [name for name, on in (("--report", args.report), ("--draft", args.draft),
                                   ("--am", args.am), ("--screenshot", args.screenshot)) if on]
    if len(modes) > 1:
        raise ConfigError(f"choose one of {', '.join(modes)}")
    if args.fail_on_missing and not args.report:
        raise ConfigError("--fail-on-missing goes with --report")
    if args.state and not args.report:
        raise ConfigError("--state goes with --report")
    if (args.note is not None or args.until) and not args.set_state:
        raise ConfigError("--note and --until go with --set-state SERIES=STATE")
    if args.set_state and (args.report or args.draft or args.screenshot):
        raise ConfigError("--set-state runs on its own (not with --report, --draft or --screenshot)")


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _check_combinations(args)
    settings = settings_from_args(args)
    if args.set_state:
        from workbench.state.command import run_set_state

        return run_set_state(settings, args.set_state, note=args.note, until=args.until)
    if args.report:
        from workbench.report import run_report
        from workbench.state.command import parse_states

        return run_report(settings, fmt=args.format, fail_on_missing=args.fail_on_missing,
                          states=parse_states(args.state))
    if args.draft:
        from workbench.replies.command import run_draft

        return run_draft(settings, kind=args.draft, series_id=args.series, section=args.section,
                         out_dir=args.out, save=args.save, reply_to=args.reply_to, trailer=args.trailer)
    if args.am:
        from workbench.take.command import run_am

        return run_am(settings, series_id=args.am, out=args.out, apply=args.apply, branch=args.branch,
                      save=args.save)
    if args.screenshot:
        from workbench.tui.launch import run_screenshot

        press = [key.strip() for chunk in args.press for key in chunk.split(",") if key.strip()]
        return run_screenshot(settings, path=args.screenshot, size=_parse_size(args.size),
                              press=press, keymap=args.keymap)
    from workbench.tui.launch import run_app

    return run_app(settings, keymap=args.keymap)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except WorkbenchError as err:
        print(f"vfio-workbench: {echo(err)}", file=sys.stderr)  # it may quote a path or a query
        return err.exit_code
    except KeyboardInterrupt:
        print("vfio-workbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `--report | head`
        return EXIT_OK
