"""The printed client brief: the right client's figures, Chinese that extracts, masked numbers,
embedded fonts, pages within bounds, and hard cases that flow on to the next page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import func, select, update

from rmdesk.cli import main
from rmdesk.db import Database, open_database
from rmdesk.models import AuditEntry, Client, ClientScore, Holding, Role, User
from rmdesk.services.common import parameters
from rmdesk.services.common.access import OPERATOR, system
from rmdesk.services.common.progress import Cancelled
from rmdesk.services.printing import brief_batch
from rmdesk.services.printing.brief import BriefError, brief_data, write_brief
from tests.bank import TinyBank
from tests.demo_banks import DemoBank

AS_OF, TODAY = dt.date(2026, 10, 31), dt.date(2026, 11, 2)


@pytest.fixture
def demo(demo_bank: DemoBank) -> Iterator[Database]:
    db = open_database(demo_bank(200, as_of=AS_OF, scored_on=TODAY))
    yield db
    db.dispose()


def _text(path: Path) -> tuple[str, PdfReader]:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() or "" for page in reader.pages), reader


def _top_two(db: Database) -> list[tuple[int, str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(Client.id, Client.name)
            .join(ClientScore, ClientScore.client_id == Client.id)
            .order_by(ClientScore.contribution_minor.desc())
            .limit(2)
        ).all()
    return [(int(r.id), str(r.name)) for r in rows]


@pytest.mark.smoke
def test_the_brief_holds_this_client_and_no_other(demo: Database, tmp_path: Path) -> None:
    (client, name), (_, other) = _top_two(demo)
    path = tmp_path / "brief.pdf"
    pages = write_brief(
        demo.engine, client, path, today=TODAY,
        visit_on=dt.date(2026, 11, 5), purpose="季度回访", who=system("rm01"),
    )  # fmt: skip
    text, reader = _text(path)
    assert 1 <= pages == len(reader.pages) <= 3
    assert name in text and other not in text
    for heading in ("客户拜访简报", "7P 概要", "在持产品", "未结风险预警", "拜访议程", "季度回访"):
        assert heading in text
    assert f"共 {pages} 页" in text and "内部资料 注意保密" in text
    with demo.engine.connect() as conn:
        accounts = (
            conn.execute(select(Holding.account_no).where(Holding.client_id == client))
            .scalars()
            .all()
        )
        id_number = conn.execute(select(Client.id_number).where(Client.id == client)).scalar()
        audited = (
            conn.execute(
                select(AuditEntry.actor).where(
                    AuditEntry.action == "print", AuditEntry.entity_id == str(client)
                )
            )
            .scalars()
            .all()
        )
    assert accounts and all(a not in text for a in accounts)  # masked: 6222********1234
    assert any(f"{a[:4]}" in text and a[-4:] in text for a in accounts)
    assert id_number and id_number not in text and id_number[-4:] in text
    assert audited == ["rm01"]
    # how to reach the client: the mobile masked as the ID number is, the address whole
    with demo.engine.connect() as conn:
        mobile, address = conn.execute(
            select(Client.mobile, Client.address).where(Client.id == client)
        ).one()
    digits = "".join(ch for ch in mobile if ch.isdigit())
    flat = text.replace("\n", "")
    assert digits not in flat and f"{digits[:4]}***{digits[-4:]}" in flat
    assert address in flat
    # the CJK font is embedded (a TrueType subset), not left to the printer
    fonts = [
        font.get_object()
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    ]
    assert fonts and all("/FontFile2" in f["/FontDescriptor"] for f in fonts)
    assert {str(f["/BaseFont"]).split("+")[1] for f in fonts} == {"WenQuanYiMicroHei-0"}


def test_the_brief_in_english(demo: Database, tmp_path: Path) -> None:
    (client, name), _ = _top_two(demo)
    path = tmp_path / "en.pdf"
    write_brief(demo.engine, client, path, language="en", today=TODAY, who=system("rm01"))
    text, _ = _text(path)
    assert "Client visit brief" in text and "Page 1 of" in text and name in text
    assert "Confidential" in text and "客户拜访简报" not in text


def test_hard_cases_flow_on_to_the_next_page(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    bank = TinyBank(db.engine, AS_OF)
    branch = bank.branch("B1")
    rm = bank.user("rm1", branch)
    casa = bank.product("CASA", "deposit")
    empty = bank.client(rm, branch, name="空")
    long_name = "北京" + "长" * 56 + "有限公司"  # 60 characters
    big = bank.client(rm, branch, name=long_name)
    for _ in range(200):
        bank.holding(big, casa)
    with db.engine.begin() as conn:
        conn.execute(update(Client).where(Client.id == big).values(id_number="110105199001011234"))
    pages_empty = write_brief(
        db.engine, empty, tmp_path / "empty.pdf", today=TODAY, who=system("t")
    )
    pages_big = write_brief(db.engine, big, tmp_path / "big.pdf", today=TODAY, who=system("t"))
    with db.engine.connect() as conn:
        written = conn.execute(select(func.count()).where(AuditEntry.action == "print")).scalar()
    db.dispose()
    assert 1 <= pages_empty <= 2 and written == 2  # empty sections say so; nothing breaks
    text, reader = _text(tmp_path / "big.pdf")
    assert 3 <= pages_big == len(reader.pages) <= 10  # 200 rows flow over several pages
    assert text.count("6222****") == 200  # every holding, each masked
    assert long_name[:20] in text.replace("\n", "")


def test_a_client_that_does_not_exist(demo: Database, tmp_path: Path) -> None:
    with pytest.raises(BriefError, match="不存在"):
        write_brief(demo.engine, 10**9, tmp_path / "x.pdf", today=TODAY, who=system("t"))
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.pdf.part").exists()


def test_rmdesk_cli_brief(demo: Database, tmp_path: Path) -> None:
    with demo.engine.connect() as conn:
        external = conn.execute(select(Client.external_id).limit(1)).scalar_one()
    out = tmp_path / "c.pdf"
    runner = CliRunner()
    result = runner.invoke(
        main, ["brief", external, "-o", str(out), "--db", demo.url, "--language", "en"]
    )
    assert result.exit_code == 0 and out.exists() and "page" in result.stdout
    missing = runner.invoke(main, ["brief", "NOPE", "--db", demo.url])
    assert missing.exit_code == 5 and "no client 'NOPE'" in missing.stderr
    wrong = runner.invoke(
        main, ["brief", external, "-o", str(tmp_path / "a.txt"), "--db", demo.url]
    )
    assert wrong.exit_code == 2 and "ending in .pdf" in wrong.stderr
    # --user prints with that user's reach: an RM prints their own clients, no one else's
    with demo.engine.connect() as conn:
        owner, other = conn.execute(
            select(User.username).where(User.role == Role.RM).order_by(User.id).limit(2)
        ).scalars()
        own = conn.execute(
            select(Client.external_id)
            .join(User, User.id == Client.rm_id)
            .where(User.username == owner)
        ).scalar()
    mine = tmp_path / "mine.pdf"
    as_owner = runner.invoke(
        main, ["brief", own, "-o", str(mine), "--user", owner, "--db", demo.url]
    )
    assert as_owner.exit_code == 0 and mine.exists()
    theirs = tmp_path / "theirs.pdf"
    as_other = runner.invoke(
        main, ["brief", own, "-o", str(theirs), "--user", other, "--db", demo.url]
    )
    assert as_other.exit_code == 6 and "not in your book" in as_other.stderr
    assert not theirs.exists()


class _CancelAfter:
    """A progress that asks to stop once ``n`` briefs are reported done."""

    def __init__(self, n: int) -> None:
        self.n, self.done = n, 0

    def report(self, done: int, total: int, text: str = "") -> None:
        self.done = done

    def cancelled(self) -> bool:
        return self.done >= self.n


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_of_briefs_one_file_each(
    demo: Database, tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(brief_batch, "MIN_PER_WORKER", 1)  # a pool even for a small batch
    with demo.engine.connect() as conn:
        rows = conn.execute(select(Client.id, Client.external_id, Client.name).limit(5)).all()
    out = tmp_path / "out"
    out.mkdir()
    written = brief_batch.write_briefs(
        demo.engine,
        [r.id for r in rows],
        out,
        today=TODAY,
        workers=workers,
        who=system("rm01"),
    )
    assert list(written) == [r.id for r in rows]
    for r in rows:
        path, pages = written[r.id]
        text, reader = _text(path)
        assert path.name == f"brief-{r.external_id}.pdf" and pages == len(reader.pages)
        assert r.name in text and all(o.name not in text for o in rows if o.id != r.id)
    with demo.engine.connect() as conn:
        audited = conn.execute(
            select(AuditEntry.entity_id).where(AuditEntry.action == "print")
        ).scalars()
        assert sorted(audited) == sorted(str(r.id) for r in rows)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p, _ in written.values())


def test_a_batch_refused_or_cancelled_leaves_only_audited_files(
    demo: Database, tmp_path: Path
) -> None:
    with demo.engine.connect() as conn:
        ids = list(conn.execute(select(Client.id).limit(45)).scalars())
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BriefError, match="不存在"):
        brief_batch.write_briefs(demo.engine, [*ids[:3], 10**9], out, today=TODAY, who=system("t"))
    assert list(out.iterdir()) == []  # refused before anything was written
    with pytest.raises(Cancelled):
        brief_batch.write_briefs(
            demo.engine, ids, out, today=TODAY, workers=1,
            progress=_CancelAfter(brief_batch.CHUNK), who=system("t"),
        )  # fmt: skip
    files = sorted(p.name for p in out.iterdir())
    with demo.engine.connect() as conn:
        audited = conn.execute(
            select(func.count()).where(AuditEntry.action == "print")
        ).scalar_one()
    assert len(files) == audited == brief_batch.CHUNK  # the first chunk, whole and audited


def test_rmdesk_cli_brief_for_several_clients(demo: Database, tmp_path: Path) -> None:
    with demo.engine.connect() as conn:
        externals = list(conn.execute(select(Client.external_id).limit(3)).scalars())
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(
        main, ["brief", *externals, "-o", str(out), "--db", demo.url, "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"brief-{e}.pdf" for e in externals)
    assert "3 briefs" in result.stdout
    missing = CliRunner().invoke(main, ["brief", externals[0], "NOPE", "--db", demo.url])
    assert missing.exit_code == 5 and "NOPE" in missing.stderr


def test_missing_months_and_a_long_evidence_text(db_url: str, tmp_path: Path) -> None:
    db = open_database(db_url)
    bank = TinyBank(db.engine, AS_OF)
    branch = bank.branch("B1")
    rm = bank.user("rm1", branch)
    casa = bank.product("CASA", "deposit")
    client = bank.client(rm, branch, name="缺月客户")
    holding = bank.holding(client, casa)
    # figures for three months of the 24 only: the others are gaps, not zeros
    have = [dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2026, 10, 1)]
    bank.facts(holding, have, balance=5_000_000, fees=1_000)
    evidence = (
        "客户近期交易异常，" + "需要核实资金来源与用途，" * 150 + "完。"
    )  # about 1,800 characters
    bank._insert(
        "risk_flags", client_id=client, rule_code="manual", severity="high", status="raised",
        evidence=evidence, evidence_en="", evidence_data={}, raised_on=AS_OF, version=1,
    )  # fmt: skip
    data = brief_data(db.engine, [client], today=TODAY, who=OPERATOR)[client]
    pages = write_brief(db.engine, client, tmp_path / "b.pdf", today=TODAY, who=system("t"))
    db.dispose()
    known = [m for m, v in zip(data.months, data.contribution, strict=True) if v is not None]
    assert known == have and len(data.months) == 24
    text, reader = _text(tmp_path / "b.pdf")
    assert 2 <= pages == len(reader.pages) <= 4  # the evidence flows on; nothing is cut
    flat = text.replace("\n", "")
    assert flat.count("需要核实资金来源与用途") == 150 and "完。" in flat


def test_a_computer_that_masks_phones_masks_them_whatever_the_bank_allows(
    demo: Database, tmp_path: Path
) -> None:
    """The bank's parameter prints phone numbers whole; a computer whose IT settings say
    print_masking = "masked" still masks them (a settings file can only make paper stricter)."""
    (client, _name), _ = _top_two(demo)
    with demo.engine.begin() as conn:
        parameters.set_values(conn, {"phones_on_paper": "whole"}, who=OPERATOR)
        mobile = conn.execute(select(Client.mobile).where(Client.id == client)).scalar_one()
    digits = "".join(ch for ch in mobile if ch.isdigit())
    whole, masked = tmp_path / "whole.pdf", tmp_path / "masked.pdf"
    write_brief(demo.engine, client, whole, today=TODAY, who=system("rm01"))
    write_brief(
        demo.engine, client, masked, today=TODAY, always_mask_phones=True, who=system("rm01")
    )
    assert digits in _text(whole)[0].replace("\n", "").replace(" ", "")  # 170 5657 9254
    flat = _text(masked)[0].replace("\n", "")
    assert digits not in flat and f"{digits[:4]}***{digits[-4:]}" in flat
