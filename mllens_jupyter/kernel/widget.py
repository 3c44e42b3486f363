"""The `%mllens` panel in ipywidgets: a view of a `Checklist`, which holds all the state.

Colours come from JupyterLab's theme variables (`var(--jp-...)`) so the panel reads well in light and
dark themes; only the risk badges carry fixed colours, white on a dark fill, legible on both.
A pillar's practices are built when its tab is first selected, a practice's details when expanded.
"""

from __future__ import annotations

import html
import re

import ipywidgets as w
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from ..answers import REASONS
from ..errors import MllensError
from ..lens import Practice
from .answer_store import CONNECTED, FAILED, FILE, PENDING, SAVED, WAITING
from .panel import Checklist
from .panel_markdown import (
    DELIVERY_LABELS,
    REASON_LABELS,
    checklist_markdown,
    guidance_html,
    inference_line,
    reason_text,
)

STATUS_OPTIONS = [("Done", "done"), ("Partial", "partial"), ("To do", "todo"), ("N/A", "not_applicable")]
STATUS_TOOLTIPS = ["Done", "Partly done", "Not done yet", "Not applicable here (give a reason)"]
REASON_OPTIONS = [(REASON_LABELS[r].capitalize(), r) for r in REASONS]
RISK_FILL = {"high": "#b3261e", "medium": "#8a4b00"}
MAX_REASONS_SHOWN = 6
MAX_REASON_CHARS = 200
PANEL_CLASS = "mllens-panel"
PANEL_CSS = f"<style>.{PANEL_CLASS} {{ --jp-widgets-horizontal-tab-width: auto; }}</style>"
RISK_SHORT = {"high": "H", "medium": "M"}
DETAILS_TITLE = "Summary, questions, improvement plan, evidence"

TEXT = "color: var(--jp-ui-font-color1); font-size: var(--jp-ui-font-size1);"
MUTED = "color: var(--jp-ui-font-color2); font-size: var(--jp-ui-font-size1);"
DELIVERY_COLOURS = {SAVED: "var(--jp-success-color1)", FILE: "var(--jp-success-color1)",
                    FAILED: "var(--jp-error-color1)", PENDING: "var(--jp-ui-font-color2)"}


_SHARED: dict[str, w.Widget] = {}
_SHARED_MAKERS = {
    "layout": w.Layout,
    "html_style": HTMLStyle,
    "text_style": TextStyle,
    "description_style": DescriptionStyle,
    "toggle_style": lambda: w.ToggleButtonsStyle(button_width="auto"),
    "note_layout": lambda: w.Layout(width="98%"),
    "row_layout": lambda: w.Layout(padding="4px 0 8px 0", border_bottom="1px solid var(--jp-border-color2)"),
}


def shared(kind: str) -> w.Widget:
    """One layout or style for every view that never changes it: fewer widgets, fewer comm messages."""
    found = _SHARED.get(kind)
    if found is None or getattr(found, "comm", None) is None:
        found = _SHARED[kind] = _SHARED_MAKERS[kind]()
    return found


def html_widget(value: str = "") -> w.HTML:
    return w.HTML(value, layout=shared("layout"), style=shared("html_style"))


def box(kind: type, children: list, layout: str = "layout") -> w.Box:
    return kind(children, layout=shared(layout))


def risk_badge(risk: str | None, risk_if_absent: str) -> str:
    if risk is None:
        return (f'<span title="{risk_if_absent} risk if absent" style="border: 1px solid var(--jp-border-color1); '
                f'border-radius: 3px; padding: 0 6px; {MUTED}">no open risk</span>')
    return (f'<span title="{risk_if_absent} risk if absent" style="background: {RISK_FILL[risk]}; color: #ffffff; '
            f'border-radius: 3px; padding: 0 6px; font-size: var(--jp-ui-font-size0); font-weight: 600;">'
            f'{risk.upper()} RISK</span>')


def practice_head_html(checklist: Checklist, practice: Practice) -> str:
    badge = risk_badge(checklist.risk_of(practice), practice.risk_if_absent)
    return (f'<div style="{TEXT} line-height: 1.6;">{badge} <b>{html.escape(practice.id)}</b> '
            f'{html.escape(practice.title)}</div>')


def delivery_html(checklist: Checklist, practice: Practice) -> str:
    delivery = checklist.delivery_of(practice)
    if delivery is None:
        return ""
    kind, detail = delivery
    text = DELIVERY_LABELS.get(kind, kind) + (f": {detail}" if detail else "")
    colour = DELIVERY_COLOURS.get(kind, "var(--jp-warn-color1)")
    return f'<span style="color: {colour}; font-size: var(--jp-ui-font-size1);">{html.escape(text)}</span>'


def details_html(checklist: Checklist, practice: Practice) -> str:
    """The expandable part: summary, questions, improvement plan, docs link, evidence in this notebook."""
    parts = guidance_html(checklist, practice, heading=lambda text: f"<p><b>{text}</b></p>")
    if not checklist.evidence.get(practice.id):
        parts.append(f'<p style="{MUTED}">No sign of this practice in the cells run so far.</p>')
    if practice.docs_url:
        url = html.escape(practice.docs_url, quote=True)
        parts.append(f'<p><a href="{url}" target="_blank" rel="noopener" '
                     f'style="color: var(--jp-content-link-color);">{url}</a></p>')
    return f'<div style="{TEXT} line-height: 1.5;">{"".join(parts)}</div>'


def shorten(text: str, limit: int = MAX_REASON_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_NAME_BREAK = re.compile(r"(?<=[./])(?=\w)")


def breakable_html(text: str) -> str:
    """Escaped text whose qualified names may wrap after each dot (`sklearn.<wbr>ensemble`), not mid-word."""
    return _NAME_BREAK.sub("<wbr>", html.escape(text))


def why_html(checklist: Checklist) -> str:
    reasons = (checklist.inferred or {}).get("reasons") or []
    shown = "".join(f"<li>{breakable_html(shorten(reason_text(r)))}</li>" for r in reasons[:MAX_REASONS_SHOWN])
    more = len(reasons) - MAX_REASONS_SHOWN
    extra = f"<li>and {more} more</li>" if more > 0 else ""
    items = f'<ul style="margin: 2px 0;">{shown}{extra}</ul>' if shown else ""
    return f'<div style="{MUTED}">{html.escape(inference_line(checklist))}{items}</div>'


def banner_html(checklist: Checklist) -> str:
    store = checklist.store
    if store.connection == CONNECTED:
        where = f" ({html.escape(store.path)})" if store.path else ""
        return (f'<div style="{MUTED}">Answers are recorded in this notebook\'s metadata{where}; '
                "saving the notebook writes them to its file.</div>")
    if store.connection == WAITING:
        return f'<div style="{MUTED}">Waiting for the notebook to answer; until it does, answers stay in this kernel.</div>'
    return (f'<div style="{TEXT} border-left: 3px solid var(--jp-warn-color1); padding: 2px 8px;">'
            f"Answers are kept in this kernel only: {html.escape(store.connection_note)}. "
            f"Save them with <code>%mllens save PATH</code> (a notebook that is not open) "
            f"or the <code>mllens answer</code> command.</div>")


def problem_html(checklist: Checklist) -> str:
    problem = checklist.store.problem
    if not problem:
        return ""
    return f'<div style="color: var(--jp-warn-color1); font-size: var(--jp-ui-font-size1);">{html.escape(problem)}</div>'


def tab_title(checklist: Checklist, pillar) -> str:
    """Short enough for six tabs side by side: the pillar's code, done of shown, open risks ("COST 2/14 · 3H 9M")."""
    counts = checklist.counts(pillar.id)
    short = pillar.prefix.removeprefix("ML") or pillar.name.split()[0]
    if not counts["total"]:
        return f"{short} · none"
    risks = [f"{counts[k]}{RISK_SHORT[k]}" for k in ("high", "medium") if counts[k]]
    return f"{short} {counts['done']}/{counts['total']}" + (f" · {' '.join(risks)}" if risks else "")


def pillar_intro_html(pillar) -> str:
    code = pillar.prefix.removeprefix("ML")
    name = f"{pillar.name} ({code})" if code else pillar.name
    return (f'<div style="{MUTED}"><b>{html.escape(name)}</b> — {html.escape(pillar.summary)} '
            "The tab counts practices done and open risks, H high and M medium.</div>")


class PracticeView:
    """One practice: title and risk, status, reason (for not applicable), note, details."""

    def __init__(self, checklist: Checklist, practice: Practice, expanded: bool = False) -> None:
        self.checklist, self.practice = checklist, practice
        self._quiet = False
        self.head, self.state = html_widget(), html_widget()
        self.status = w.ToggleButtons(options=STATUS_OPTIONS, value=None, tooltips=STATUS_TOOLTIPS,
                                      layout=shared("layout"), style=shared("toggle_style"))
        self.reason = w.Dropdown(options=REASON_OPTIONS, value=None, description="Why N/A",
                                 layout=w.Layout(width="18em", display="none"), style=shared("description_style"))
        self.note = w.Textarea(placeholder="Note: what you did, where, or why not", continuous_update=False,
                               rows=1, layout=shared("note_layout"), style=shared("text_style"))
        self.details = w.Accordion(children=[html_widget()], titles=(DETAILS_TITLE,), selected_index=None,
                                   layout=shared("layout"))
        row = box(w.HBox, [self.status, self.reason, self.state])
        self.widget = box(w.VBox, [self.head, row, self.note, self.details], "row_layout")
        self.refresh()
        for control in (self.status, self.reason, self.note):
            control.observe(self._changed, "value")
        self.details.observe(self._expanded, "selected_index")
        if expanded:
            self.details.selected_index = 0

    def refresh(self) -> None:
        """Show the checklist's current answer, risk and delivery for this practice."""
        answer = self.checklist.answer_of(self.practice) or {}
        self._quiet = True
        try:
            self.status.value = answer.get("status")
            if answer.get("status") == "not_applicable":
                self.reason.value = answer.get("reason")
            self.note.value = answer.get("note", "")
            self._show_reason()
        finally:
            self._quiet = False
        self.head.value = practice_head_html(self.checklist, self.practice)
        self.state.value = delivery_html(self.checklist, self.practice)

    def _show_reason(self) -> None:
        self.reason.layout.display = "" if self.status.value == "not_applicable" else "none"

    def _changed(self, change: dict) -> None:
        if self._quiet:
            return
        self._show_reason()
        status = self.status.value or "todo"
        reason = self.reason.value if status == "not_applicable" else None
        if status == "not_applicable" and reason is None:
            self.state.value = f'<span style="{MUTED}">choose why it does not apply</span>'
            return
        try:
            self.checklist.answer(self.practice.id, status, self.note.value, reason)
        except MllensError as err:
            self.state.value = f'<span style="color: var(--jp-error-color1);">{html.escape(str(err))}</span>'

    def _expanded(self, change: dict) -> None:
        if change["new"] == 0 and not self.details.children[0].value:
            self.details.children[0].value = details_html(self.checklist, self.practice)


class ChecklistPanel:
    """The whole panel: title, phase selector, why, where answers go, one tab per pillar."""

    def __init__(self, checklist: Checklist) -> None:
        self.checklist = checklist
        self.rows: dict[str, PracticeView] = {}
        self._built: set[int] = set()
        lens = checklist.lens
        inferred = (checklist.inferred or {}).get("phase")
        options = [(ph.name + (" (inferred)" if ph.id == inferred else ""), ph.id) for ph in lens.phases]
        self.title = html_widget(f'{PANEL_CSS}<div style="{TEXT}"><b>ML Lens</b> · {html.escape(lens.name)}</div>')
        self.phase = w.Dropdown(options=options, value=checklist.phase, description="Phase",
                                layout=shared("layout"), style=shared("description_style"))
        self.why, self.banner, self.problem = html_widget(), html_widget(), html_widget()
        self.tabs = w.Tab(layout=shared("layout"))
        self.widget = w.VBox([self.title, self.phase, self.why, self.banner, self.problem, self.tabs])
        self.widget.add_class(PANEL_CLASS)
        self.phase.observe(self._phase_changed, "value")
        self.tabs.observe(self._tab_selected, "selected_index")
        checklist.store.subscribe(self._on_store)
        self._fill()

    def _fill(self) -> None:
        self.rows.clear()
        self._built.clear()
        pillars = self.checklist.pillars()
        self.tabs.children = [box(w.VBox, []) for _ in pillars]
        self.tabs.titles = tuple(tab_title(self.checklist, p) for p in pillars)
        self.why.value = why_html(self.checklist)
        self.banner.value = banner_html(self.checklist)
        self.problem.value = problem_html(self.checklist)
        first = next((i for i, p in enumerate(pillars) if self.checklist.practices(p.id)), 0)
        if self.tabs.selected_index == first:
            self._build(first)
        self.tabs.selected_index = first

    def _build(self, index: int | None) -> None:
        if index is None or index in self._built:
            return
        self._built.add(index)
        pillar = self.checklist.pillars()[index]
        practices = self.checklist.practices(pillar.id)
        expanded = self.checklist.practice is not None
        views = [PracticeView(self.checklist, p, expanded) for p in practices]
        self.rows.update((v.practice.id, v) for v in views)
        intro = html_widget(pillar_intro_html(pillar) if views else
                            f'<div style="{MUTED}">No practice of {html.escape(pillar.name)} in this phase.</div>')
        self.tabs.children[index].children = [intro, *(v.widget for v in views)]

    def _tab_selected(self, change: dict) -> None:
        self._build(change["new"])

    def _phase_changed(self, change: dict) -> None:
        self.checklist.set_phase(change["new"])
        self._fill()

    def _refresh_titles(self) -> None:
        self.tabs.titles = tuple(tab_title(self.checklist, p) for p in self.checklist.pillars())

    def _on_store(self, kind: str, practice_id: str | None) -> None:
        if kind == "answer" and practice_id in self.rows:
            self.rows[practice_id].refresh()
        elif kind == "state":
            for row in self.rows.values():
                row.refresh()
        self._refresh_titles()
        self.banner.value = banner_html(self.checklist)
        self.problem.value = problem_html(self.checklist)


class PanelDisplay:
    """What `%mllens` displays: the widget, with Markdown and plain text for frontends without widgets."""

    def __init__(self, panel: ChecklistPanel) -> None:
        self.panel = panel

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = self.panel.widget._repr_mimebundle_()
        bundle["text/markdown"] = checklist_markdown(self.panel.checklist)
        bundle["text/plain"] = checklist_markdown(self.panel.checklist, details=False)
        return bundle

