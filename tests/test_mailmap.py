"""git .mailmap: the four forms, comments, case, and the kernel's real file."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import MaintainersError
from workbench.kernel.mailmap import Mailmap
from workbench.model import Person

TEXT = """\
# a comment line
Proper Name <commit@example.org>
<proper@example.org> <OLD@Example.org>
Both Set <both@example.org> <both-old@example.org>   # trailing comment ignored
Only For Name <onlyname@example.org> Commit Name <shared@example.org>
   # indented comment
Name From Form1 <merged@example.org>
<merged-new@example.org> <merged@example.org>
not an entry at all
"""


@pytest.fixture
def mm() -> Mailmap:
    return Mailmap.parse(TEXT, "test")


def test_form1_name_only(mm: Mailmap) -> None:
    assert mm.canonical(Person("pn", "commit@example.org")) == Person("Proper Name", "commit@example.org")


def test_form2_email_only_case_insensitive(mm: Mailmap) -> None:
    assert mm.canonical(Person("Someone", "old@EXAMPLE.org")) == Person("Someone", "proper@example.org")


def test_form3_both(mm: Mailmap) -> None:
    assert mm.canonical(Person("B", "both-old@example.org")) == Person("Both Set", "both@example.org")


def test_form4_only_for_that_name(mm: Mailmap) -> None:
    assert mm.canonical(Person("commit NAME", "shared@example.org")) == Person("Only For Name", "onlyname@example.org")
    assert mm.canonical(Person("Other Name", "shared@example.org")) == Person("Other Name", "shared@example.org")


def test_lines_for_one_address_merge(mm: Mailmap) -> None:
    assert mm.canonical(Person("x", "merged@example.org")) == Person("Name From Form1", "merged-new@example.org")


def test_unknown_and_problems(mm: Mailmap) -> None:
    assert mm.canonical(Person("Nobody", "Nobody@Example.org")) == Person("Nobody", "nobody@example.org")
    assert mm.canonical(Person("Just A Name", "")) == Person("Just A Name", "")
    assert len(mm.problems) == 1 and "not an entry" in mm.problems[0]


def test_same(mm: Mailmap) -> None:
    assert mm.same(Person("A", "old@example.org"), Person("B", "proper@example.org"))
    assert mm.same(Person("Kevin Tian", "kevin.tian@intel.com"), Person("kevin  tian", "kevin@other.org"))
    assert not mm.same(Person("Kevin Tian", "kevin.tian@intel.com"), Person("Kevin Tia", "kevin@other.org"))
    assert not mm.same(Person("", "a@x.org"), Person("", "b@x.org"))
    assert not mm.same(Person("", ""), Person("", ""))


def test_empty() -> None:
    empty = Mailmap.empty()
    assert empty.origin == "(none)"
    assert empty.canonical(Person("A", "A@X.org")) == Person("A", "a@x.org")
    assert empty.same(Person("A", "a@x.org"), Person("", "A@X.ORG"))


def test_real_kernel_mailmap(data_dir: Path) -> None:
    mm = Mailmap.load(data_dir / "mailmap")
    assert mm.origin.endswith("mailmap") and not mm.problems
    # Jason Gunthorpe's nvidia and mellanox addresses are one person (kernel .mailmap).
    assert mm.canonical(Person("Jason Gunthorpe", "jgg@nvidia.com")) == Person("Jason Gunthorpe", "jgg@ziepe.ca")
    assert mm.same(Person("Jason Gunthorpe", "jgg@mellanox.com"), Person("J. G.", "JGG@nvidia.com"))
    assert mm.canonical(Person("Leon", "leonro@mellanox.com")) == Person("Leon Romanovsky", "leon@kernel.org")
    # Form 4 in the real file: only the old name with that address maps.
    old = "sudeep.karkadanagesha@arm.com"
    assert mm.canonical(Person("Sudeep KarkadaNagesha", old)) == Person("Sudeep Holla", "sudeep.holla@arm.com")
    assert mm.canonical(Person("Somebody Else", old)) == Person("Somebody Else", old)


def test_load_errors_name_the_option(tmp_path: Path) -> None:
    with pytest.raises(MaintainersError, match="--mailmap PATH"):
        Mailmap.load(tmp_path / "missing")
    (tmp_path / "tree").mkdir()
    with pytest.raises(MaintainersError, match="--mailmap PATH"):
        Mailmap.load(tmp_path / "tree")
    (tmp_path / "tree" / ".mailmap").write_text("A <a@x.org> <b@x.org>\n")
    assert Mailmap.load(tmp_path / "tree").canonical(Person("", "b@x.org")) == Person("A", "a@x.org")
