"""Mail from CI robots: who they are, and what a report of theirs says.

The kernel test robot, syzbot and a few other CI systems answer patches with build
failures, warnings and crashes. Such a reply is a *signal* for the maintainer (the patch
broke something somewhere), never a review: a robot's mail never counts as an approval
(``workbench.take.collect`` refuses its trailers, and no MAINTAINERS section lists a
robot).

Robots are known by their sending *address*, matched exactly (``alex@shazbot.org`` is a
person), plus syzbot's ``syzbot+<hash>@`` form. The list is short on purpose; it names
the CI systems that answer on the kernel lists:

* ``lkp@intel.com`` and ``oliver.sang@intel.com`` — the kernel test robot (0-day);
* ``syzbot@syzkaller.appspotmail.com``, ``syzbot+…@syzkaller.appspotmail.com`` — syzbot;
* ``bot@kernelci.org`` — KernelCI;
* ``ci_notify@linaro.org`` — Linaro's toolchain CI;
* ``patchwork-bot+…@kernel.org`` — patchwork's "applied" notices (a robot, so never an
  approval; it reports no failure).

A report's text is read for what failed (``noticed the following build errors``, the
older "Yet something to improve"), the ``config:`` it failed on and the robot's own
``Closes:``/lore link. Only a failure is a signal: syzbot's "did not trigger any issue"
is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.model import Person

BOT_ADDRESSES: dict[str, str] = {
    "lkp@intel.com": "kernel test robot",
    "oliver.sang@intel.com": "kernel test robot",
    "syzbot@syzkaller.appspotmail.com": "syzbot",
    "bot@kernelci.org": "KernelCI",
    "ci_notify@linaro.org": "Linaro CI",
}
BOT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^syzbot\+[a-z0-9]+@syzkaller\.appspotmail\.com$"), "syzbot"),
    (re.compile(r"^patchwork-bot\+[a-z0-9.-]+@kernel\.org$"), "patchwork-bot"),
)


def bot_name(person: Person) -> str | None:
    """The robot ``person``'s address belongs to, or None for a human (or unknown) sender."""
    email = person.email.strip().lower()
    if not email:
        return None
    known = BOT_ADDRESSES.get(email)
    if known:
        return known
    for pattern, name in BOT_PATTERNS:
        if pattern.match(email):
            return name
    return None


def is_bot(person: Person) -> bool:
    return bot_name(person) is not None


_NOTICED = re.compile(r"noticed the following (build errors|build warnings|[a-z -]{3,40}?)\s*:", re.I)
_OLD_STYLE = (
    (re.compile(r"Yet something to improve", re.I), "build errors"),
    (re.compile(r"Perhaps something to improve", re.I), "build warnings"),
)
_SYZ = re.compile(r"syzbot (?:found the following (?:issue|crash)|has tested the proposed patch but the "
                  r"reproducer is still triggering an issue)", re.I)
_REGRESSION = re.compile(r"kernel test robot noticed a ([-+]?\d+(?:\.\d+)?%) (?:improvement|regression)", re.I)
_RUNTIME = re.compile(r'kernel test robot noticed "([^"\n]+)" on', re.I)
_SUGGESTED_TAG = re.compile(r"^\|?\s*Reported-by:\s*(?:kernel test robot|syzbot)", re.I | re.M)
_CONFIG = re.compile(r"^config:\s*(\S+)", re.M)
_CLOSES = re.compile(r"^\|?\s*Closes:\s*(https?://\S+)", re.M)
MAX_SCAN = 20_000
"""A report's verdict and config sit at its top; the rest is a build log."""


@dataclass(frozen=True, slots=True)
class BotReport:
    """What one robot reply reports (``kind`` empty: nothing failed)."""

    bot: str
    kind: str  # "build errors", "build warnings", "crash", "regression -5.2%"
    config: str  # "i386-randconfig-061-20231102", or ""
    link: str  # the robot's own Closes: link, or ""


def read_report(bot: str, text: str) -> BotReport:
    """What ``text`` (the body of a mail ``bot`` sent) reports."""
    head = text[:MAX_SCAN]
    kind = ""
    noticed = _NOTICED.search(head)
    if noticed:
        kind = " ".join(noticed.group(1).lower().split())
    else:
        for pattern, name in _OLD_STYLE:
            if pattern.search(head):
                kind = name
                break
    if not kind and _SYZ.search(head):
        kind = "crash"
    if not kind:
        runtime = _RUNTIME.search(head)
        if runtime:
            kind = "runtime failure " + runtime.group(1)[:80]
    if not kind:
        regression = _REGRESSION.search(head)
        if regression and not regression.group(1).startswith("+"):
            kind = f"regression {regression.group(1)}"
    if not kind and _SUGGESTED_TAG.search(head):
        kind = "report"  # a failure of a kind not named above, with its Reported-by: to add
    config = _CONFIG.search(head)
    closes = _CLOSES.search(head)
    return BotReport(bot=bot, kind=kind, config=config.group(1) if config else "",
                     link=closes.group(1) if closes else "")

