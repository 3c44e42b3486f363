"""Export a lens as a Well-Architected Tool custom lens (JSON schemaVersion 2021-11-01).

One pillar per lens pillar (with the Framework's pillar ids), one question per pillar x phase, one
choice per practice plus a "None of these" choice, and risk rules derived from `risk_if_absent`.
`custom_lens_problems` checks every limit the Tool sets, and the export refuses to break one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from .errors import MllensError
from .lens import Lens, Phase, Pillar, Practice

SCHEMA_VERSION = "2021-11-01"
MAX_FILE_BYTES = 500 * 1000
_ID = re.compile(r"^[A-Za-z0-9_]+$")


def _clip(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary to fit `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def choice_id(practice: Practice) -> str:
    """The Tool's choice id of a practice (`MLCOST04-BP14` is `MLCOST04_BP14`)."""
    return practice.id.replace("-", "_")


def _question_id(lens: Lens, pillar: Pillar, phase: Phase, practices: list[Practice]) -> str:
    """The lens's own question id (`MLCOST04` for `MLCOST04-BPxx`) when its practices share one."""
    heads = {p.id.split("-BP")[0] for p in practices}
    if len(heads) == 1 and "-BP" in practices[0].id and _ID.match(next(iter(heads))):
        return heads.pop()
    return f"{pillar.prefix or pillar.id}_{phase.id}"[:128]


def _choice(practice: Practice) -> dict:
    choice = {"id": choice_id(practice), "title": _clip(practice.title, 128)}
    if practice.summary:
        choice["description"] = _clip(practice.summary, 1024)
    if practice.docs_url:
        choice["helpfulResource"] = {"displayText": "The ML Lens page for this practice.", "url": practice.docs_url}
    plan = practice.improvement or f"Put '{practice.title}' in place."
    choice["improvementPlan"] = {"displayText": _clip(plan, 2048)}
    if practice.docs_url:
        choice["improvementPlan"]["url"] = practice.docs_url
    return choice


def _risk_rules(practices: list[Practice]) -> list[dict]:
    """No risk when every practice is chosen; medium when only medium ones are missing; else high."""
    every = " && ".join(choice_id(p) for p in practices)
    high = [choice_id(p) for p in practices if p.risk_if_absent == "high"]
    rules = [{"condition": every, "risk": "NO_RISK"}]
    if high and len(high) < len(practices):
        rules.append({"condition": " && ".join(high), "risk": "MEDIUM_RISK"})
    rules.append({"condition": "default", "risk": "HIGH_RISK" if high else "MEDIUM_RISK"})
    return rules


def _question(lens: Lens, pillar: Pillar, phase: Phase, practices: list[Practice]) -> dict:
    qid = _question_id(lens, pillar, phase, practices)
    description = f"{pillar.name} practices for the {phase.name.lower()} phase. {phase.summary}"
    question = {
        "id": qid,
        "title": _clip(f"{phase.name}: how do you address {pillar.name.lower()}?", 128),
        "description": _clip(description, 2048),
        "choices": [_choice(p) for p in practices] + [{"id": f"{qid}_no", "title": "None of these"}],
        "riskRules": _risk_rules(practices),
    }
    if lens.docs_url:
        question["helpfulResource"] = {"displayText": f"{lens.name}", "url": lens.docs_url}
    return question


def to_custom_lens(lens: Lens) -> dict:
    """The lens as a Well-Architected Tool custom-lens document."""
    pillars = []
    for pillar in lens.pillars:
        questions = [
            _question(lens, pillar, phase, practices)
            for phase in lens.phases
            if (practices := lens.practices_for(phase=phase.id, pillar=pillar.id))
        ]
        pillars.append({"id": pillar.wa_tool_id or pillar.id, "name": _clip(pillar.name, 128), "questions": questions})
    description = f"{lens.description} Exported by mllens-jupyter from lens '{lens.id}' version {lens.version}."
    return {
        "schemaVersion": SCHEMA_VERSION,
        "name": _clip(lens.name, 128),
        "description": _clip(description, 2048),
        "pillars": pillars,
    }


def export_json(lens: Lens) -> str:
    """The custom lens as JSON text; MllensError if the lens cannot fit the Tool's limits."""
    document = to_custom_lens(lens)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    problems = list(custom_lens_problems(document, len(text.encode("utf-8"))))
    if problems:
        raise MllensError("the lens does not fit the Well-Architected Tool's limits:\n  " + "\n  ".join(problems))
    return text


def _check_id(where: str, value: object, low: int, high: int) -> Iterator[str]:
    if not isinstance(value, str) or not low <= len(value) <= high or not _ID.match(value):
        yield f"{where}: id {value!r} must be {low}-{high} characters of [A-Za-z0-9_]"


def _check_len(where: str, field: str, value: object, limit: int, required: bool = False) -> Iterator[str]:
    if value is None:
        if required:
            yield f"{where}: {field} is required"
    elif not isinstance(value, str) or len(value) > limit:
        yield f"{where}: {field} longer than {limit} characters"


def _check_resource(where: str, resource: object) -> Iterator[str]:
    if resource is None:
        return
    if not isinstance(resource, dict):
        yield f"{where}: must be an object"
        return
    yield from _check_len(where, "displayText", resource.get("displayText"), 2048, required=True)
    url = resource.get("url")
    if url is not None and not re.match(r"^https?://\S+$", str(url)):
        yield f"{where}: url {url!r} is not http(s)"


_CONDITION = re.compile(r"^[A-Za-z0-9_()!&| ]+$")


def _check_rules(where: str, rules: list, choice_ids: set[str]) -> Iterator[str]:
    if not 1 <= len(rules) <= 3:
        yield f"{where}: {len(rules)} risk rules (1 to 3)"
    risks = [r.get("risk") for r in rules]
    if len(set(risks)) != len(risks) or not set(risks) <= {"HIGH_RISK", "MEDIUM_RISK", "NO_RISK"}:
        yield f"{where}: risks {risks} must be distinct HIGH_RISK, MEDIUM_RISK, NO_RISK"
    if "default" not in [r.get("condition") for r in rules]:
        yield f"{where}: no rule with condition 'default'"
    for rule in rules:
        condition = rule.get("condition", "")
        if condition == "default":
            continue
        names = set(re.findall(r"[A-Za-z0-9_]+", condition))
        if not _CONDITION.match(condition) or not names <= choice_ids:
            yield f"{where}: condition {condition!r} names unknown choices or has bad syntax"


def _check_choice(where: str, choice: dict) -> Iterator[str]:
    yield from _check_id(where, choice.get("id"), 3, 64)
    yield from _check_len(where, "title", choice.get("title"), 128, required=True)
    yield from _check_len(where, "description", choice.get("description"), 1024)
    yield from _check_resource(f"{where}.helpfulResource", choice.get("helpfulResource"))
    if str(choice.get("id", "")).endswith("_no"):
        return
    if "improvementPlan" not in choice:
        yield f"{where}: improvementPlan is required"
    yield from _check_resource(f"{where}.improvementPlan", choice.get("improvementPlan"))


def _check_question(where: str, question: dict) -> Iterator[str]:
    yield from _check_id(where, question.get("id"), 3, 128)
    yield from _check_len(where, "title", question.get("title"), 128, required=True)
    yield from _check_len(where, "description", question.get("description"), 2048)
    yield from _check_resource(f"{where}.helpfulResource", question.get("helpfulResource"))
    choices = question.get("choices") or []
    if not 1 <= len(choices) <= 15:
        yield f"{where}: {len(choices)} choices (1 to 15)"
    ids = [c.get("id") for c in choices]
    if len(set(ids)) != len(ids):
        yield f"{where}: duplicate choice ids"
    for index, choice in enumerate(choices):
        yield from _check_choice(f"{where}.choices[{index}]", choice)
    yield from _check_rules(f"{where}.riskRules", question.get("riskRules") or [], set(ids))


def _check_pillar(where: str, pillar: dict) -> Iterator[str]:
    yield from _check_id(where, pillar.get("id"), 3, 64)
    yield from _check_len(where, "name", pillar.get("name"), 128, required=True)
    questions = pillar.get("questions") or []
    if len(questions) > 20:
        yield f"{where}: {len(questions)} questions (at most 20)"
    for index, question in enumerate(questions):
        yield from _check_question(f"{where}.questions[{index}]", question)


def custom_lens_problems(document: dict, size: int | None = None) -> Iterator[str]:
    """Every way `document` breaks a limit of the Well-Architected Tool's custom-lens format."""
    if document.get("schemaVersion") != SCHEMA_VERSION:
        yield f"schemaVersion must be {SCHEMA_VERSION!r}"
    yield from _check_len("lens", "name", document.get("name"), 128, required=True)
    yield from _check_len("lens", "description", document.get("description"), 2048)
    size = size if size is not None else len(json.dumps(document).encode("utf-8"))
    if size > MAX_FILE_BYTES:
        yield f"lens: {size} bytes, more than 500 KB"
    pillars = document.get("pillars") or []
    if not 1 <= len(pillars) <= 10:
        yield f"lens: {len(pillars)} pillars (1 to 10)"
    for index, pillar in enumerate(pillars):
        yield from _check_pillar(f"pillars[{index}]", pillar)
    if len({p.get("id") for p in pillars}) != len(pillars):
        yield "lens: duplicate pillar ids"
    question_ids = [q.get("id") for p in pillars for q in p.get("questions") or []]
    if len(set(question_ids)) != len(question_ids):
        yield "lens: duplicate question ids"
