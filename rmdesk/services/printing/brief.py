"""The printed client brief: an A4 PDF an RM carries into a visit, in Chinese or English.

The brief follows the client view: a header (client, RM, visit date and purpose), the 7P summary,
holdings, a 24-month chart of contribution and balances, open flags with their evidence, the top
suggestions as talking points, the last contacts, an agenda and ruled lines for notes. Every page
carries a confidentiality marking, when it was made and "page x of y". ID and account numbers are
masked. Long content flows on to the next page; tables repeat their header row.

Briefs are read in batches (``brief_data``): a day pack or a batch print reads its clients in a
few queries rather than a dozen per client.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle
from sqlalchemy import Engine

from rmdesk.services.clients import profile as client_profile
from rmdesk.services.clients import seven_p
from rmdesk.services.clients.contribution_detail import monthly_contribution
from rmdesk.services.clients.profile import ClientProfile
from rmdesk.services.common import audit, contact_details, parameters
from rmdesk.services.common.access import Account, guarded
from rmdesk.services.common.formatting import formatter
from rmdesk.services.common.masking import mask_number
from rmdesk.services.engine.facts_pass import Window
from rmdesk.services.printing import charts as pdf_charts
from rmdesk.services.printing import paper as printing
from rmdesk.services.printing.paper import FONT, WIDTH, Words
from rmdesk.services.printing.paper import date_text as _date
from rmdesk.services.printing.paper import escape as _escape
from rmdesk.services.printing.paper import records as _records

MAX_CONTACTS = 5
MAX_SUGGESTIONS = 3
NOTE_LINES = 8
CHART_HEIGHT = 62 * mm
FLAG_COLUMNS = [
    "severity",
    "evidence",
    "evidence_en",
    "raised_on",
    "rule_code",
    "rule_zh",
    "rule_en",
]
OFFER_COLUMNS = [
    "name_zh",
    "name_en",
    "expected_value_minor",
    "reason_zh",
    "reason_en",
    "pitch_zh",
    "pitch_en",
]


W = {
    "title": Words("客户拜访简报", "Client visit brief"),
    "rm": Words("客户经理", "RM"),
    "visit": Words("拜访日期", "Visit"),
    "purpose": Words("拜访目的", "Purpose"),
    "data": Words("数据截至", "Data as of"),
    "seven_p": Words("7P 概要", "7P summary"),
    "holdings": Words("在持产品", "Holdings"),
    "chart": Words("近24个月贡献度与日均余额", "Contribution and balances, 24 months"),
    "flags": Words("未结风险预警", "Open risk flags"),
    "suggestions": Words("营销建议与话术要点", "Suggestions and talking points"),
    "contacts": Words("最近联系记录", "Last contacts"),
    "agenda": Words("拜访议程", "Agenda"),
    "notes": Words("拜访记录", "Notes"),
    "none": Words("无", "None"),
    "product": Words("产品", "Product"),
    "account": Words("账号", "Account"),
    "balance": Words("余额", "Balance"),
    "opened": Words("开立日期", "Opened"),
    "matures": Words("到期日", "Matures"),
    "severity": Words("级别", "Severity"),
    "evidence": Words("预警依据", "Evidence"),
    "raised": Words("触发日期", "Raised"),
    "value": Words("预期价值", "Expected value"),
    "reason": Words("推荐理由", "Why"),
    "when": Words("时间", "When"),
    "channel": Words("渠道", "Channel"),
    "outcome": Words("结果", "Outcome"),
    "confidential": Words("内部资料 注意保密", "Confidential: for internal use only"),
    "generated": Words("生成于", "Generated"),
    "page": Words("第 {x} 页，共 {y} 页", "Page {x} of {y}"),
    "contribution": Words("月贡献度", "Monthly contribution"),
    "deposits": Words("存款及理财", "Deposits and investments"),
    "loans": Words("贷款", "Loans"),
    "agenda_open": Words("问候，了解客户近况与需求变化", "Greeting; ask how things have changed"),
    "agenda_flag": Words("沟通预警事项：{x}", "Discuss the flag: {x}"),
    "agenda_offer": Words("介绍：{x}", "Present: {x}"),
    "agenda_task": Words("跟进待办：{x}（{d} 到期）", "Follow up: {x} (due {d})"),
    "agenda_close": Words("约定下一步与下次联系时间", "Agree next steps and the next contact"),
}
SEVERITY = {"high": Words("高", "High"), "medium": Words("中", "Medium"), "low": Words("低", "Low")}
CHANNEL = {
    "visit": Words("拜访", "Visit"),
    "phone": Words("电话", "Phone"),
    "counter": Words("柜面", "Counter"),
    "online": Words("网银", "Online"),
    "mobile": Words("手机银行", "Mobile"),
    "email": Words("邮件", "Email"),
    "wechat": Words("微信", "WeChat"),
    "wecom": Words("企业微信", "WeCom"),
    "sms": Words("短信", "Text message"),
}


class BriefError(Exception):
    """The brief cannot be made; the message says why."""


@dataclass(frozen=True)
class BriefData:
    """What one brief prints: the client as the client view shows it, and the chart's months."""

    profile: ClientProfile
    #: the 24 months (first days), oldest first, and each month's contribution in minor units;
    #: None for a month with no figures on file (a gap in the chart, not a zero)
    months: list[dt.date]
    contribution: list[float | None]
    #: phone numbers masked on paper (the parameter ``phones_on_paper``)
    mask_phones: bool = True


@guarded("client", "client_ids")
def brief_data(
    engine: Engine,
    client_ids: Sequence[int],
    *,
    today: dt.date,
    rm_id: int | None = None,
    branch_id: int | None = None,
    language: str = "zh_CN",
    always_mask_phones: bool = False,
    who: Account,
) -> dict[int, BriefData]:
    """The briefs of ``client_ids``, read together; a client missing or out of scope refuses
    the whole batch with ``BriefError`` (its message in ``language``). Phone numbers are masked
    as the bank's parameter says, or always (``always_mask_phones``: this computer's settings)."""
    try:
        profiles = client_profile.load_many(
            engine,
            client_ids,
            today=today,
            rm_id=rm_id,
            branch_id=branch_id,
            who=who,
        )
    except client_profile.ProfileError as exc:
        raise BriefError(exc.zh if language.startswith("zh") else exc.en) from exc
    by_window: dict[dt.date, list[int]] = {}
    for cid, p in profiles.items():
        by_window.setdefault(p.as_of, []).append(cid)
    out: dict[int, BriefData] = {}
    with engine.connect() as conn:
        masked = contact_details.masks_phones(
            parameters.load(conn).phones_on_paper, always=always_mask_phones
        )
        for as_of, members in by_window.items():
            window = Window(as_of)
            months = [window.back(n) for n in range(23, -1, -1)]
            found: dict[int, dict[dt.date, float]] = {cid: {} for cid in members}
            for chunk in (members[i : i + 500] for i in range(0, len(members), 500)):
                frame = monthly_contribution(
                    conn, window.previous_start, window.last, by="client", client_ids=chunk
                )
                for key, month, value in zip(
                    frame["key"].tolist(),
                    frame["month"].tolist(),
                    frame["contribution"].tolist(),
                    strict=True,
                ):
                    found[int(key)][_month(month)] = float(value)
            for cid in members:
                values = [found[cid].get(m) for m in months]
                out[cid] = BriefData(profiles[cid], months, values, masked)
    return {int(cid): out[int(cid)] for cid in client_ids}


def _month(value: Any) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value  # type: ignore[no-any-return]


def _chart(data: BriefData, language: str) -> Flowable:
    """The 24 months: contribution bars, deposit and loan balance lines (gaps where no figures)."""
    p = data.profile
    missing = [v is None for v in data.contribution]
    lines = []
    for column, name, colour in (
        ("deposits_minor", "deposits", "#1b5e20"),
        ("loans_minor", "loans", "#b71c1c"),
    ):
        values = p.balances[column].tolist() if len(p.balances) else []
        if any(values):
            lines.append(
                pdf_charts.Series(
                    W[name](language),
                    [None if gap else v / 100 for v, gap in zip(values, missing, strict=True)],
                    colour,
                )
            )
    bars = pdf_charts.Series(
        W["contribution"](language),
        [None if v is None else v / 100 for v in data.contribution],
        "#7fa7d1",
    )
    return pdf_charts.bars_and_lines(
        [m.strftime("%Y-%m") for m in data.months],
        bars,
        lines,
        width=WIDTH,
        height=CHART_HEIGHT,
        title=f"{W['chart'](language)} ({p.currency})",
    )


def story(
    data: BriefData,
    language: str,
    *,
    visit_on: dt.date | None = None,
    purpose: str | None = None,
) -> list[Flowable]:
    """The brief's content, top to bottom (reportlab flowables)."""
    s, t, lang = printing.styles(), W, language
    p = data.profile

    amount = formatter(lang).amount  # as the screen writes it; the column names the currency

    out: list[Flowable] = [Paragraph(_escape(p.name), s["title"])]
    head = [
        f"{t['title'](lang)} · {p.external_id} · {p.id_number_masked}",
        f"{t['rm'](lang)}: {p.rm or ''} · {p.branch or ''}",
        contact_details.on_paper(p.reach, lang, data.mask_phones),
        contact_details.persons_on_paper(p.persons.to_dict("records"), lang, data.mask_phones),
        f"{t['visit'](lang)}: {_date(visit_on) or '—'} · {t['purpose'](lang)}: {purpose or '—'}",
        f"{t['data'](lang)}: {_date(p.as_of)}",
    ]
    out += [Paragraph(_escape(line), s["small"]) for line in head if line]
    out.append(Paragraph(t["seven_p"](lang), s["h2"]))
    lines = [[f"{line.title}", line.text] for line in seven_p.summary(p, lang)]
    out.append(printing.table([["7P", ""], *lines], [22 * mm, WIDTH - 22 * mm]))

    live = p.holdings[p.holdings["live"]] if len(p.holdings) else p.holdings
    out.append(Paragraph(t["holdings"](lang), s["h2"]))
    if len(live):
        name = "name_zh" if lang.startswith("zh") else "name_en"
        rows = [
            [
                t["product"](lang),
                t["account"](lang),
                f"{t['balance'](lang)} ({p.currency})",
                t["opened"](lang),
                t["matures"](lang),
            ]
        ]
        for h in _records(live, [name, "balance_minor", "account_no", "opened_on", "maturity_on"]):
            balance = "" if pd.isna(h["balance_minor"]) else amount(h["balance_minor"])
            rows.append(
                [
                    h[name],
                    mask_number(h["account_no"]),
                    balance,
                    _date(h["opened_on"]),
                    _date(h["maturity_on"]),
                ]
            )
        out.append(
            printing.table(
                rows, [50 * mm, 40 * mm, 36 * mm, 27 * mm, WIDTH - 153 * mm], numeric=[2]
            )
        )
    else:
        out.append(Paragraph(t["none"](lang), s["base"]))

    out.append(Spacer(1, 3 * mm))
    out.append(_chart(data, lang))

    flags = p.flags[p.flags["status"].isin(["raised", "acknowledged"])] if len(p.flags) else p.flags
    out.append(Paragraph(t["flags"](lang), s["h2"]))
    if len(flags):
        evidence = "evidence" if lang.startswith("zh") else "evidence_en"
        rows = [[t["severity"](lang), t["evidence"](lang), t["raised"](lang)]]
        for f in _records(flags, FLAG_COLUMNS):
            level = SEVERITY.get(str(f["severity"]), Words(str(f["severity"]), str(f["severity"])))(
                lang
            )
            rows.append([level, f.get(evidence) or "" or f["evidence"], _date(f["raised_on"])])
        out.append(printing.table(rows, [16 * mm, WIDTH - 42 * mm, 26 * mm]))
    else:
        out.append(Paragraph(t["none"](lang), s["base"]))

    offers = (
        p.suggestions[p.suggestions["status"] == "open"].head(MAX_SUGGESTIONS)
        if len(p.suggestions)
        else p.suggestions
    )
    out.append(Paragraph(t["suggestions"](lang), s["h2"]))
    if len(offers):
        name = "name_zh" if lang.startswith("zh") else "name_en"
        reason = "reason_zh" if lang.startswith("zh") else "reason_en"
        value = f"{t['value'](lang)} ({p.currency})"
        rows = [[t["product"](lang), value, t["reason"](lang)]]
        pitch = "pitch_zh" if lang.startswith("zh") else "pitch_en"
        for o in _records(offers, OFFER_COLUMNS):
            # the talking points: why this client (the reasons), then what to say (the
            # catalogue's pitch lines)
            said = str(o[reason] or "")
            said_lines = [x.strip() for x in str(o.get(pitch) or "").splitlines() if x.strip()]
            if said_lines:
                said += "\n" + "\n".join(f"• {x}" for x in said_lines)
            rows.append([o[name], amount(o["expected_value_minor"] or 0), said])
        out.append(printing.table(rows, [36 * mm, 28 * mm, WIDTH - 64 * mm], numeric=[1]))
    else:
        out.append(Paragraph(t["none"](lang), s["base"]))

    out.append(Paragraph(t["contacts"](lang), s["h2"]))
    if len(p.contacts):
        rows = [[t["when"](lang), t["channel"](lang), t["purpose"](lang), t["outcome"](lang)]]
        for c in _records(
            p.contacts.head(MAX_CONTACTS), ["occurred_at", "channel", "purpose", "outcome"]
        ):
            channel = CHANNEL.get(str(c["channel"]), Words(str(c["channel"]), str(c["channel"])))(
                lang
            )
            rows.append([_date(c["occurred_at"]), channel, c["purpose"] or "", c["outcome"] or ""])
        out.append(printing.table(rows, [26 * mm, 22 * mm, 60 * mm, WIDTH - 108 * mm]))
    else:
        out.append(Paragraph(t["none"](lang), s["base"]))

    agenda = [t["agenda_open"](lang)]
    agenda += (
        [
            t["agenda_flag"](lang).format(
                x=f.get("rule_zh" if lang.startswith("zh") else "rule_en") or f["rule_code"]
            )
            for f in _records(flags.head(3), FLAG_COLUMNS)
        ]
        if len(flags)
        else []
    )
    agenda += (
        [
            t["agenda_offer"](lang).format(x=o["name_zh" if lang.startswith("zh") else "name_en"])
            for o in _records(offers, OFFER_COLUMNS)
        ]
        if len(offers)
        else []
    )
    agenda += [
        t["agenda_task"](lang).format(x=task["title"], d=_date(task["due_on"]))
        for task in p.tasks.head(3).to_dict("records")
    ]
    agenda.append(t["agenda_close"](lang))
    block: list[Flowable] = [Paragraph(t["agenda"](lang), s["h2"])]
    block += [Paragraph(f"{i}. {_escape(item)}", s["base"]) for i, item in enumerate(agenda, 1)]
    out.append(KeepTogether(block))
    out.append(KeepTogether([Paragraph(t["notes"](lang), s["h2"]), note_lines(NOTE_LINES)]))
    return out


def note_lines(count: int) -> Table:
    """Ruled lines for handwritten notes, the width of the page."""
    lines = Table([[""]] * count, colWidths=[WIDTH], rowHeights=[8 * mm] * count)
    lines.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#9e9e9e")),
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # empty cells still name a font
            ]
        )
    )
    return lines


def render(
    data: BriefData,
    language: str,
    target: Path | io.BytesIO,
    *,
    generated: dt.datetime,
    visit_on: dt.date | None = None,
    purpose: str | None = None,
) -> int:
    """Write one brief to ``target``; returns the number of pages."""
    p = data.profile
    return printing.build(
        target,
        story(data, language, visit_on=visit_on, purpose=purpose),
        language=language,
        generated=generated,
        title=f"{W['title'](language)}: {p.name}",
        author=p.rm or "rmdesk",
    )


@guarded("client", "client_id")
def write_brief(
    engine: Engine,
    client_id: int,
    path: Path,
    *,
    language: str = "zh_CN",
    today: dt.date | None = None,
    visit_on: dt.date | None = None,
    purpose: str | None = None,
    rm_id: int | None = None,
    always_mask_phones: bool = False,
    who: Account,
) -> int:
    """Make one client's brief at ``path`` (written whole or not at all) and audit it; returns
    the number of pages. ``always_mask_phones``: this computer's settings mask phone numbers on
    paper whatever the bank's parameter says."""
    today = today or dt.date.today()
    batch = brief_data(
        engine,
        [client_id],
        today=today,
        rm_id=rm_id,
        language=language,
        always_mask_phones=always_mask_phones,
        who=who,
    )
    data = batch[client_id]
    generated = dt.datetime.now().astimezone()
    pages = printing.write_whole(
        path,
        lambda part: render(
            data, language, part, generated=generated, visit_on=visit_on, purpose=purpose
        ),
    )
    record_prints(engine, language, [(client_id, path, pages)], who=who)
    return pages


@guarded("client", "printed")
def record_prints(
    engine: Engine,
    language: str,
    printed: Sequence[tuple[int, Path, int]],
    *,
    who: Account,
) -> None:
    """Audit briefs written: (client id, file, pages) each, in one transaction."""
    if not printed:
        return
    with engine.begin() as conn:
        for client_id, path, pages in printed:
            audit.record(
                conn,
                who,
                "print",
                "client",
                client_id,
                {"what": "brief", "pages": pages, "path": str(path), "language": language},
            )
