"""Static Markdown of the `%mllens` checklist and of `%mllens status`, for frontends without widgets
(nbconvert, GitHub, a terminal). Everything that came from a notebook or a person is escaped.
"""

from __future__ import annotations

import html
import re

from ..lens import Practice
from .answer_store import CONNECTED, FAILED, FILE, KERNEL, KERNEL_ONLY, PENDING, SAVED, UNCONFIRMED
from .panel import Checklist

STATUS_LABELS = {"done": "done", "partial": "partial", "todo": "to do", "not_applicable": "not applicable"}
REASON_LABELS = {"out_of_scope": "out of scope", "business_priorities": "business priorities",
                 "architecture_constraints": "architecture constraints", "other": "other"}
DELIVERY_LABELS = {PENDING: "sending to the notebook…", SAVED: "recorded in the notebook",
                   FAILED: "not saved", KERNEL: "kept in this kernel only",
                   UNCONFIRMED: "no reply from the notebook; kept in this kernel", FILE: "saved to"}
MAX_REASONS, MAX_REASON_CHARS = 6, 200
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~!])")


def md_escape(text: str) -> str:
    """Text shown literally in Markdown, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def reason_text(reason) -> str:
    """An inference reason as words, whether the inference gave a string or a small dict."""
    if isinstance(reason, dict):
        where = f"cell {reason['cell']}: " if "cell" in reason else ""
        words = reason.get("text") or reason.get("reason") or reason.get("signal") or reason
        return f"{where}{words}"
    return str(reason)


def inference_line(checklist: Checklist) -> str:
    """Why this phase is shown, in one sentence."""
    inferred = checklist.inferred or {}
    name = checklist.phase_obj().name
    if inferred.get("phase") is None:
        return f"No phase found in the cells run so far; showing {name}."
    found = checklist.lens.phase(inferred["phase"]).name
    confidence = inferred.get("confidence")
    sure = f" (confidence {confidence:.0%})" if isinstance(confidence, (int, float)) else ""
    head = f"Inferred from the cells run so far: {found}{sure}"
    return head + ("." if found == name else f"; showing {name} as asked.")


def answer_text(answer: dict | None) -> str:
    if not answer:
        return "unanswered"
    text = STATUS_LABELS.get(answer.get("status"), str(answer.get("status")))
    if answer.get("reason"):
        text += f" ({REASON_LABELS.get(answer['reason'], answer['reason'])})"
    if answer.get("note"):
        text += f" — {md_escape(answer['note'])}"
    return text


def practice_line(checklist: Checklist, practice: Practice) -> str:
    answer = checklist.answer_of(practice)
    risk = checklist.risk_of(practice)
    mark = "x" if risk is None else " "
    risk_text = f"**{risk} risk**" if risk else "no open risk"
    link = f"[{practice.id}]({practice.docs_url})" if practice.docs_url else practice.id
    return f"- [{mark}] **{link}** {md_escape(practice.title)} — {risk_text} · {answer_text(answer)}"


def guidance_html(checklist: Checklist, practice: Practice, heading=lambda text: f"<p>{text}:</p>") -> list[str]:
    """Summary, questions, improvement plan and the evidence found, as HTML paragraphs."""
    parts = [f"<p>{html.escape(practice.summary)}</p>"] if practice.summary else []
    if practice.questions:
        items = "".join(f"<li>{html.escape(q)}</li>" for q in practice.questions)
        parts.append(f"{heading('Ask yourself')}<ul>{items}</ul>")
    if practice.improvement:
        parts.append(f"{heading('To improve')}<p>{html.escape(practice.improvement)}</p>")
    found = checklist.evidence.get(practice.id) or []
    if found:
        items = "".join(f"<li>{html.escape(reason_text(r))}</li>" for r in found)
        parts.append(f"{heading('Found in this notebook')}<ul>{items}</ul>")
    return parts


def practice_details_html(checklist: Checklist, practice: Practice) -> str:
    """The guidance as one HTML <details> line, for Markdown renderers that allow it."""
    return f"<details><summary>Details</summary>{''.join(guidance_html(checklist, practice))}</details>"


def pillar_heading(checklist: Checklist, pillar_id: str, name: str) -> str:
    counts = checklist.counts(pillar_id)
    if not counts["total"]:
        return f"#### {name} — no practice in this phase"
    return (f"#### {name} — {counts['done']}/{counts['total']} done · "
            f"{counts['high']} high, {counts['medium']} medium open")


def where_answers_go(checklist: Checklist) -> str:
    store = checklist.store
    if store.connection == CONNECTED:
        return f"Answers are recorded in the notebook's metadata{f' ({md_escape(store.path)})' if store.path else ''}."
    if store.connection == KERNEL_ONLY:
        return (f"Answers are kept in this kernel only ({md_escape(store.connection_note)}): save them with "
                "`%mllens save PATH` (a notebook that is not open) or `mllens answer`.")
    return ("Answers live in the notebook's metadata: record them in the `%mllens` panel or the ML Lens sidebar "
            "in JupyterLab, or with `mllens answer NOTEBOOK PRACTICE STATUS`.")


def checklist_markdown(checklist: Checklist, details: bool = True) -> str:
    """The checklist as Markdown: phase, why, then per pillar each practice with its risk and answer."""
    lines = [f"### ML Lens · {checklist.phase_obj().name}", "",
             f"*{md_escape(checklist.lens.name)}* · {md_escape(inference_line(checklist))}"]
    for reason in ((checklist.inferred or {}).get("reasons") or [])[:MAX_REASONS]:
        lines.append(f"- {md_escape(reason_text(reason)[:MAX_REASON_CHARS])}")
    for pillar in checklist.pillars():
        lines += ["", pillar_heading(checklist, pillar.id, pillar.name), ""]
        for practice in checklist.practices(pillar.id):
            lines.append(practice_line(checklist, practice))
            if details:
                lines.append(f"  {practice_details_html(checklist, practice)}")
    lines += ["", where_answers_go(checklist)]
    return "\n".join(lines)


PHASE_COLUMNS = ("present", "answered", "done", "partial", "todo", "not_applicable", "high", "medium")
COLUMN_TITLES = {"present": "present", "answered": "answered", "done": "done", "partial": "partial",
                 "todo": "to do", "not_applicable": "n/a", "high": "open high", "medium": "open medium"}


def _table(title: str, rows: list[dict], columns: tuple[str, ...]) -> list[str]:
    head = [f"| {title} | " + " | ".join(COLUMN_TITLES[c] for c in columns) + " |",
            "|---|" + "---:|" * len(columns)]
    body = []
    for row in rows:
        cells = [("yes" if row[c] else "no") if c == "present" else f"{row[c]}/{row['total']}" if c == "answered"
                 else str(row[c]) for c in columns]
        body.append(f"| {md_escape(row['name'])} | " + " | ".join(cells) + " |")
    return head + body


def status_markdown(summary: dict, where: str) -> str:
    """`%mllens status`: answers and open risks per phase and per pillar, and where answers are kept."""
    present = [row["name"] for row in summary["phases"] if row["present"]]
    lines = [f"### ML Lens status · {md_escape(summary['lens'])} · "
             f"{summary['answered']} of {summary['practices']} practices answered", "",
             "Phases present (cells run so far, and phases pinned in the notebook): "
             + (md_escape(", ".join(present)) if present else "none found yet"), ""]
    lines += _table("Phase", summary["phases"], PHASE_COLUMNS) + [""]
    lines += _table("Pillar", summary["pillars"], PHASE_COLUMNS[1:]) + [""]
    lines += ["Open risks count the practices of the phases present that are neither done nor not applicable.",
              "", where]
    return "\n".join(lines)


class MarkdownDisplay:
    """Markdown with plain text beside it: `default_view = "markdown"`, `%mllens status`, terminals."""

    def __init__(self, markdown: str, plain: str | None = None) -> None:
        self.markdown, self.plain = markdown, plain if plain is not None else markdown

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/markdown": self.markdown, "text/plain": self.plain}
