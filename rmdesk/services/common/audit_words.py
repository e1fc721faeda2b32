"""The audit trail in sentences: who did what to which client, in Chinese and English.

Each entry's action has its words here; the client it is about is named (client number and
name) from the entry's id or its detail's ``client_id``; anything else is named by kind and id.
An action without words of its own is written as it is stored, so a new action still reads.
The stored entry is unchanged: the screen keeps its raw detail one click away.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: action → (Chinese, English) for what was done; {x} is the thing it was done to
ACTIONS: dict[str, tuple[str, str]] = {
    "login": ("登录", "logged in"),
    "login_failed": ("登录失败（密码错误）", "failed to log in (wrong password)"),
    "login_locked": ("登录被拒（账户已锁定）", "was refused at log-in (account locked)"),
    "view": ("查看了{x}", "viewed {x}"),
    "print": ("打印了{x}的资料", "printed {x}"),
    "export": ("导出了{x}", "exported {x}"),
    "access_denied": ("被拒绝访问{x}", "was refused {x}"),
    "contact.log": ("记录了与{x}的联系", "logged a contact with {x}"),
    "visit.accept": ("确认了对{x}的走访", "accepted a visit to {x}"),
    "visit.move": ("改期了对{x}的走访", "moved a visit to {x}"),
    "visit.cancel": ("取消了对{x}的走访", "cancelled a visit to {x}"),
    "visit.complete": ("完成了对{x}的走访", "recorded a visit to {x} as done"),
    "visit.mark_missed": ("将逾期走访标为未完成", "marked overdue visits missed"),
    "visit.propose": ("生成了走访建议", "proposed visits"),
    "demo.history": ("生成了演示数据的上月工作记录", "wrote the demo's last month of work"),
    "pg_security.apply": ("设置了数据库行级安全", "set up the database's row security"),
    "flag.acknowledge": ("确认了{x}的预警", "acknowledged a flag of {x}"),
    "flag.resolve": ("解决了{x}的预警", "resolved a flag of {x}"),
    "flag.dismiss": ("忽略了{x}的预警", "dismissed a flag of {x}"),
    "flag.snooze": ("暂缓了{x}的预警", "snoozed a flag of {x}"),
    "suggestion.pitched": ("向{x}推荐了产品", "pitched a product to {x}"),
    "suggestion.accepted": ("记录{x}接受了推荐", "recorded that {x} accepted an offer"),
    "suggestion.declined": ("记录{x}拒绝了推荐", "recorded that {x} declined an offer"),
    "suggestion.not_now": ("记录{x}暂不需要", "recorded that {x} wants it later"),
    "suggestion.reopened": ("撤销了{x}的营销结果", "undid an offer's outcome for {x}"),
    "task.add": ("为{x}新建了待办", "added a task for {x}"),
    "task.done": ("完成了{x}的待办", "closed a task of {x} as done"),
    "task.cancel": ("取消了{x}的待办", "cancelled a task of {x}"),
    "task.snooze": ("暂缓了{x}的待办", "snoozed a task of {x}"),
    "task.reschedule": ("改期了{x}的待办", "moved a task of {x}"),
    "task.reassign": ("转交了{x}的待办", "handed over a task of {x}"),
    "client.handover": ("移交了{x}", "handed {x} over"),
    "score": ("运行了评分", "ran the scoring"),
    "import": ("导入了数据", "imported data"),
    "parameters.change": ("修改了引擎参数", "changed the engine's parameters"),
    "kpi_weight.set": ("设置了考核权重", "set a KPI weight"),
    "pricing.change": ("修改了产品定价", "changed a product's pricing"),
    "product.change": ("修改了产品", "changed a product"),
    "create_user": ("新建了{x}", "created {x}"),
    "update_user": ("修改了{x}", "changed {x}"),
    "set_password": ("设置了{x}的密码", "set the password of {x}"),
    "unlock": ("解锁了{x}", "unlocked {x}"),
    "create_branch": ("新建了{x}", "created {x}"),
    "update_branch": ("修改了{x}", "changed {x}"),
}
#: the kinds of thing an entry is about, in words
KINDS: dict[str, tuple[str, str]] = {
    "users": ("用户", "user"),
    "branches": ("支行", "branch"),
    "function": ("功能", "the function"),
    "scoring_run": ("评分", "scoring run"),
}
#: entities whose id is a client's
CLIENT_ENTITIES = ("client", "clients")


def client_of(entity: str | None, entity_id: object, detail: Mapping[str, Any]) -> int | None:
    """The client an entry is about, when it names one."""
    if entity in CLIENT_ENTITIES and str(entity_id or "").isdigit():
        return int(str(entity_id))
    found = detail.get("client_id") if isinstance(detail, Mapping) else None
    return int(found) if isinstance(found, int) else None


def parsed(raw: object) -> dict[str, Any]:
    """An entry's detail as a dict (an empty one for none or for a non-object)."""
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(str(raw)) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def sentence(
    actor: str,
    action: str,
    entity: str | None,
    entity_id: object,
    detail: Mapping[str, Any],
    clients: Mapping[int, tuple[str, str]],
    lang: str,
) -> str:
    """``actor`` did ``action`` to what the entry names, in ``lang`` ("zh" or "en")."""
    zh = lang.startswith("zh")
    if entity_id is not None and entity_id != entity_id:  # NaN from a frame: no id
        entity_id = None
    client = client_of(entity, entity_id, detail)
    if client is not None and client in clients:
        number, name = clients[client]
        thing = f"客户 {number} {name}" if zh else f"client {number} {name}"
    elif client is not None:
        thing = f"客户 #{client}" if zh else f"client #{client}"
    elif entity:
        kind = KINDS.get(entity, (entity, entity))[0 if zh else 1]
        thing = f"{kind} {entity_id}" if entity_id not in (None, "") else kind
    else:
        thing = ""
    words = ACTIONS.get(action)
    said = words[0 if zh else 1].format(x=thing) if words else f"{action} {thing}".strip()
    return f"{actor} {said}"
