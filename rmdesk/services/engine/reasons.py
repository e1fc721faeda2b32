"""Each suggestion's evidence and its reasons, in Chinese and English.

The evidence (``suggestions.evidence_data``) keeps the numbers: the product, the likelihood and
how it was found (``method``), the product's take-up rate and the lift over it, the typical
yearly contribution, the association rule that applies, the share of the client's segment
holding the product, the response model's chance of a yes over the product's acceptance rate
where one re-ranks it, and the model's top factors for this client (``with_factors``: added only
to the suggestions being written, as their reasons are). The reason an RM reads and
the printed brief quotes is written from it in words a banker would say: the factors, what
similar clients hold, and for a fallback how the suggestion was found. The figures themselves
(likelihood, expected value) are shown beside it, not in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rmdesk.services.common import client_fields, formatting
from rmdesk.services.engine.take_up import explain

#: how each method is said, after the factors, where it is not a model of take-up
METHOD_NOTE = {
    "co-occurrence": ("按持有组合推荐", "suggested from the products held together"),
    "popularity": ("按产品普及度推荐", "suggested from how widely it is held"),
    "look-alike": ("与持有该产品的客户相似", "resembles the product's holders"),
    "pooled model": ("按同类产品的办理规律估计", "judged from take-ups of products like it"),
}
#: a response model's ratio (chance of a yes over the acceptance rate) worth saying
RESPONSE_WORTH_SAYING = 1.2


def evidence(model: Any, cand: pd.DataFrame) -> pd.Series:
    """The evidence of every suggestion in ``cand`` (client_id, code, segment, likelihood,
    typical, rate, lift)."""
    best = model.best_index()
    keys = pd.MultiIndex.from_arrays([cand["client_id"], cand["code"]])
    quoted = best.reindex(keys)
    # plain lists: reading a MultiIndexed frame row by row copies its index every time
    rule_cols = {c: quoted[c].tolist() for c in ("antecedents", "support", "confidence", "lift")}
    peer = model.peer_share
    shares = (
        {}
        if peer is None
        else {(str(g), str(c)): float(peer.at[g, c]) for g in peer.index for c in peer.columns}
    )
    methods = {c: o.method for c, o in model.outcomes.items()}
    # the response model's chance of a yes over the acceptance rate, where one re-ranks
    ratios = {c: o.ratio for c, o in model.outcomes.items() if o.ratio is not None}
    accept = {c: model.outcomes[c].info["response"].get("acceptance_rate") for c in ratios}
    at = (
        model.features.positions(cand["client_id"])
        if ratios and model.features is not None
        else None
    )
    out = []
    columns = [cand[c].tolist() for c in ("code", "likelihood", "typical", "rate", "lift")]
    segments = cand["segment"].tolist() if "segment" in cand else [None] * len(cand)
    none = [None] * len(cand)
    renew_zh = cand["renew_zh"].tolist() if "renew_zh" in cand else none
    renew_en = cand["renew_en"].tolist() if "renew_en" in cand else none
    rows = zip(*columns, segments, renew_zh, renew_en, strict=True)
    for i, (code, likelihood, typical, rate, lift, segment, r_zh, r_en) in enumerate(rows):
        data: dict[str, Any] = {
            "product": str(code),
            "likelihood": float(likelihood),
            "typical_minor": round(float(typical)),
            "method": methods.get(str(code), "popularity"),
            "rate": round(float(rate), 5),
            "lift": round(float(lift), 3),
        }
        ants = rule_cols["antecedents"][i]
        if data["method"] == "co-occurrence" and not isinstance(ants, tuple):
            data["method"] = "popularity"  # no rule applies to this client: the rate alone
        if isinstance(ants, tuple) and data["method"] == "co-occurrence":
            data["rule"] = {
                "antecedents": list(ants),
                "support": round(float(rule_cols["support"][i]), 4),
                "confidence": round(float(rule_cols["confidence"][i]), 4),
                "lift": round(float(rule_cols["lift"][i]), 3),
            }
        if isinstance(r_zh, str):
            # suitable once the client's risk assessment is renewed (docs/suitability.md)
            data["renew_assessment"] = {"zh": str(r_zh), "en": str(r_en)}
        ratio = ratios.get(str(code))
        if ratio is not None and at is not None and at[i] >= 0:
            data["response"] = {
                "acceptance_rate": accept[str(code)],
                "ratio": round(float(ratio[at[i]]), 3),
            }
        share = shares.get((str(segment), str(code)))
        if share is not None:
            data["peers"] = {"segment": str(segment), "share": round(share, 4)}
        out.append(data)
    return pd.Series(out, index=cand.index, dtype=object)


def with_factors(model: Any, rows: pd.DataFrame, shown: int | None = None) -> pd.DataFrame:
    """``rows`` (suggestions with their evidence) with the model's top factors added to the
    evidence of each made by a model: computed only for the suggestions being written, and with
    ``shown``, only for those ranked within it (the ones the client view and the brief show;
    the rest of the list, in the export, is said from its evidence)."""
    feats = model.features
    if feats is None or not len(rows):
        return rows
    todo = rows if shown is None else rows[rows["rank"] <= shown]
    for code, part in todo.groupby(todo["evidence_data"].map(lambda d: d["product"]), sort=False):
        outcome = model.outcomes.get(str(code))
        if outcome is None or outcome.fitted is None:
            continue
        at = feats.positions(part["client_id"])
        x = feats.matrix(0, exclude=outcome.exclude, rows=at)
        for data, found in zip(
            part["evidence_data"].tolist(), explain.factors(outcome.fitted, x), strict=True
        ):
            data["factors"] = found
    return rows


def describe(
    fresh: pd.DataFrame, products: pd.DataFrame, currency: Mapping[int, str]
) -> tuple[list[str], list[str]]:
    """The reasons (Chinese, English) of the suggestions in ``fresh``, from their evidence.

    ``currency`` is each client's currency by client id (CNY when missing).
    """
    names = {
        str(code): (str(zh), str(en))
        for code, zh, en in zip(
            products["code"], products["name_zh"], products["name_en"], strict=True
        )
    }
    zh, en = [], []
    # what is said after the factors is written once per distinct product, rule, peers and
    # response (they recur across thousands of clients), each factor's words once per value
    phrases: dict[Any, str | None] = {}
    tails: dict[Any, _Tail] = {}
    for client, data in zip(
        fresh["client_id"].tolist(), fresh["evidence_data"].tolist(), strict=True
    ):
        pair = reason(data, names, currency.get(int(client), "CNY"), phrases, tails)
        zh.append(pair[0])
        en.append(pair[1])
    return zh, en


def _name(code: str, names: dict[str, tuple[str, str]], lang: str) -> str:
    return names.get(code, (code, code))[0 if lang == "zh" else 1]


@dataclass(frozen=True)
class _Tail:
    """What a reason says besides its factors, per language (in ``formatting.LANGUAGES``'
    order): what goes first, what follows the factors, and what is said when nothing else is."""

    first: tuple[str | None, ...]
    after: tuple[tuple[str, ...], ...]
    otherwise: tuple[str, ...]


def _tail_key(data: dict[str, Any]) -> Any:
    """What a reason's words besides its factors are written from: equal keys, equal words."""
    rule, peers, response, renew = (
        data.get("rule"),
        data.get("peers"),
        data.get("response"),
        data.get("renew_assessment"),
    )
    return (
        data["product"],
        data.get("method"),
        None if not rule else (tuple(rule["antecedents"]), rule["confidence"]),
        None if not peers else (peers.get("segment"), peers.get("share", 0)),
        # the response said as it is written (a ratio of its own per client)
        None
        if not response or response.get("ratio", 0) < RESPONSE_WORTH_SAYING
        else formatting.number(response["ratio"], "en", 1),
        None if not renew else (renew["zh"], renew["en"]),
    )


def _tail(data: dict[str, Any], names: dict[str, tuple[str, str]]) -> _Tail:
    code = str(data["product"])
    first: list[str | None] = []
    after: list[tuple[str, ...]] = []
    otherwise: list[str] = []
    for lang in formatting.LANGUAGES:
        zh = lang == "zh"
        target = _name(code, names, lang)
        parts: list[str] = []
        rule = data.get("rule")
        if rule:
            ants = [_name(a, names, lang) for a in rule["antecedents"]]
            conf = formatting.percent(rule["confidence"], lang, 0)
            parts.append(
                f"持有{'和'.join(ants)}的客户中{conf}也持有{target}"
                if zh
                else f"{conf} of clients with {' and '.join(ants)} also hold {target}"
            )
        peers = data.get("peers")
        if peers and peers.get("share", 0) > 0:
            seg = client_fields.SEGMENTS.get(peers["segment"], (peers["segment"],) * 2)
            share = formatting.percent(peers["share"], lang, 0)
            parts.append(
                f"{seg[0]}中{share}持有{target}"
                if zh
                else f"{share} of {seg[1]} clients hold {target}"
            )
        said = data.get("response")
        if said and said.get("ratio", 0) >= RESPONSE_WORTH_SAYING:
            times = formatting.number(said["ratio"], lang, 1)
            parts.append(
                f"以往推介中，同类客户接受率约为平均的{times}倍"
                if zh
                else f"in past offers, clients like this said yes {times}× as often as average"
            )
        note = METHOD_NOTE.get(str(data.get("method")))
        if note:
            parts.append(note[0 if zh else 1])
        after.append(tuple(parts))
        otherwise.append(f"可考虑{target}" if zh else f"{target} may suit this client")
        renew = data.get("renew_assessment")
        first.append(str(renew["zh" if zh else "en"]) if renew else None)
    return _Tail(tuple(first), tuple(after), tuple(otherwise))


def reason(
    data: dict[str, Any],
    names: dict[str, tuple[str, str]],
    currency: str,
    phrases: dict[Any, str | None] | None = None,
    tails: dict[Any, _Tail] | None = None,
) -> tuple[str, str]:
    """The reason of one suggestion in Chinese and English, from its evidence: the factors'
    words, then the rule, the peers, the response and how it was found (``phrases``: a cache
    of factors' words by feature, value, language and currency; ``tails``: of the rest, by
    ``_tail_key``)."""
    phrases = {} if phrases is None else phrases
    tails = {} if tails is None else tails
    key = _tail_key(data)
    tail = tails.get(key)
    if tail is None:
        tail = tails[key] = _tail(data, names)
    factors = data.get("factors") or ()
    out = []
    for n, lang in enumerate(formatting.LANGUAGES):
        parts: list[str] = []
        for f in factors:
            value = f.get("value")
            at = (f["feature"], value, type(value), lang, currency)
            if at in phrases:
                words = phrases[at]
            else:
                words = phrases[at] = explain.phrase(f, lang, currency, names)
            if words is not None:
                parts.append(words)
        parts.extend(tail.after[n])
        if not parts:
            parts.append(tail.otherwise[n])
        first = tail.first[n]
        if first is not None:
            parts.insert(0, first)
        if lang == "zh":
            out.append("；".join(parts) + "。")
        else:
            text = "; ".join(parts) + "."
            out.append(text[0].upper() + text[1:])
    return out[0], out[1]


def peer_share(held: pd.DataFrame, segment: pd.Series) -> pd.DataFrame:
    """Segment × product: the share of the segment's clients holding the product."""
    seg = segment.reindex(held.index)
    frame = held.astype("float64")
    frame["segment"] = seg.to_numpy()
    return frame.groupby("segment", observed=True).mean()
