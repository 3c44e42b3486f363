"""The `%mllens` panel (ipywidgets) and its static Markdown: what a person sees and can do."""

from __future__ import annotations

import html
import re

import pytest

from mllens_jupyter.answers import make_answer
from mllens_jupyter.kernel.answer_store import AnswerStore
from mllens_jupyter.kernel.panel import Checklist
from mllens_jupyter.status import status_summary
from mllens_jupyter.kernel.panel_markdown import checklist_markdown, status_markdown
from mllens_jupyter.kernel.widget import ChecklistPanel, PanelDisplay, details_html

INFERRED = {"phase": "model_development", "confidence": 0.82,
            "reasons": ["cell 4: calls model.fit() (model from sklearn.ensemble.RandomForestClassifier())",
                        "cell 5: calls sklearn.model_selection.cross_val_score <b>"],
            "stages": ["training", "evaluation"]}
EVIDENCE = {"MLPERF04-BP03": ["cell 5: sklearn.model_selection.cross_val_score <script>alert(1)</script>"]}


@pytest.fixture
def submitted() -> list:
    return []


@pytest.fixture
def checklist(lens, submitted) -> Checklist:
    store = AnswerStore(lens)

    def submit(practice_id, answer):
        submitted.append((practice_id, answer))
        store.record(practice_id, answer, "kernel")

    return Checklist(lens, store, "model_development", INFERRED, EVIDENCE, submit=submit)


def built_practice_ids(panel: ChecklistPanel, index: int) -> list[str]:
    rows = panel.tabs.children[index].children[1:]
    return [row.children[0].value.split("<b>")[1].split("</b>")[0] for row in rows]


def test_the_panel_shows_the_inferred_phase_and_why(checklist):
    panel = ChecklistPanel(checklist)
    assert panel.phase.value == "model_development"
    assert ("Model development (inferred)", "model_development") in panel.phase.options
    assert "confidence 82%" in panel.why.value
    shown = re.findall(r"<li>(.*?)</li>", panel.why.value)
    assert [html.unescape(item.replace("<wbr>", "")) for item in shown] == INFERRED["reasons"]
    assert "sklearn.<wbr>ensemble.<wbr>RandomForestClassifier()" in shown[0]
    assert "&lt;b&gt;" in shown[1]


def test_one_tab_per_pillar_with_done_total_and_risks(checklist, lens):
    panel = ChecklistPanel(checklist)
    assert len(panel.tabs.children) == len(lens.pillars)
    assert panel.tabs.titles[0] == "OPS 0/2 · 1H 1M"
    assert panel.tabs.titles[4] == "COST 0/14 · 3H 11M"


def test_practices_of_a_pillar_are_built_when_its_tab_is_opened(checklist, lens):
    panel = ChecklistPanel(checklist)
    assert built_practice_ids(panel, 0) == ["MLOPS04-BP01", "MLOPS04-BP02"]
    assert panel.tabs.children[1].children == ()
    panel.tabs.selected_index = 1
    expected = [p.id for p in lens.practices_for(phase="model_development", pillar="security")]
    assert built_practice_ids(panel, 1) == expected


def test_choosing_another_phase_shows_its_practices(checklist):
    panel = ChecklistPanel(checklist)
    panel.phase.value = "deployment"
    assert checklist.phase == "deployment"
    assert panel.tabs.titles[0].startswith("OPS 0/1")
    assert built_practice_ids(panel, 0) == ["MLOPS05-BP01"]
    assert "showing Deployment as asked" in panel.why.value


def test_a_status_click_records_the_answer_and_updates_risk_and_title(checklist, submitted):
    panel = ChecklistPanel(checklist)
    row = panel.rows["MLOPS04-BP01"]
    assert "HIGH RISK" in row.head.value
    row.note.value = "pipeline in GitHub Actions"
    assert submitted[-1][1]["status"] == "todo"  # a note alone records the practice as to do
    row.status.value = "done"
    practice_id, answer = submitted[-1]
    assert (practice_id, answer["status"], answer["note"]) == ("MLOPS04-BP01", "done", "pipeline in GitHub Actions")
    assert "no open risk" in row.head.value
    assert "kept in this kernel only" in row.state.value
    assert panel.tabs.titles[0] == "OPS 1/2 · 1M"


def test_not_applicable_asks_for_a_reason_before_recording(checklist, submitted):
    panel = ChecklistPanel(checklist)
    row = panel.rows["MLOPS04-BP02"]
    assert row.reason.layout.display == "none"
    row.status.value = "not_applicable"
    assert row.reason.layout.display != "none"
    assert submitted == [] and "choose why" in row.state.value
    row.reason.value = "out_of_scope"
    assert submitted[-1][1]["status"] == "not_applicable" and submitted[-1][1]["reason"] == "out_of_scope"
    row.status.value = "partial"
    assert row.reason.layout.display == "none" and "reason" not in submitted[-1][1]


def test_details_are_built_when_expanded_and_hold_the_guidance(checklist, lens):
    panel = ChecklistPanel(checklist)
    panel.tabs.selected_index = 3
    row = panel.rows["MLPERF04-BP03"]
    assert row.details.children[0].value == ""
    row.details.selected_index = 0
    text = row.details.children[0].value
    practice = lens.practice("MLPERF04-BP03")
    assert practice.questions[0].split()[0] in text and practice.docs_url in text
    assert "Found in this notebook" in text and "cross_val_score" in text
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_one_practice_opens_with_its_details(lens):
    store = AnswerStore(lens)
    checklist = Checklist(lens, store, "data_processing", practice="MLSEC03-BP05", submit=lambda *a: None)
    panel = ChecklistPanel(checklist)
    assert [p.name for p in checklist.pillars()] == ["Security"]
    assert list(panel.rows) == ["MLSEC03-BP05"]
    assert panel.rows["MLSEC03-BP05"].details.selected_index == 0


def test_colours_follow_the_jupyterlab_theme_except_risk_badges(checklist, lens):
    checklist.store.set_kernel_only("testing")
    checklist.store.report_problem("something odd")
    panel = ChecklistPanel(checklist)
    html = [panel.title.value, panel.why.value, panel.banner.value, panel.problem.value]
    for row in panel.rows.values():
        row.details.selected_index = 0
        html += [row.head.value, row.state.value, row.details.children[0].value]
    text = re.sub(r"&#?\w+;", "", "".join(html))
    colours = re.findall(r"(?<![-\w])(?:color|background|border(?:-left|-bottom)?)\s*:\s*([^;\"]+)", text)
    assert colours, "the panel sets colours"
    fixed = [value for value in colours if "var(--jp-" not in value]
    assert set(fixed) == {"#b3261e", "#8a4b00", "#ffffff"}, fixed  # the risk badges, white on dark fills
    assert set(re.findall(r"#[0-9a-fA-F]{3,8}\b", text)) == set(fixed)


def test_the_display_carries_markdown_and_text_beside_the_widget(checklist):
    bundle = PanelDisplay(ChecklistPanel(checklist))._repr_mimebundle_()
    assert set(bundle) == {"application/vnd.jupyter.widget-view+json", "text/markdown", "text/plain"}
    assert "<details>" in bundle["text/markdown"] and "<details>" not in bundle["text/plain"]


def test_markdown_lists_every_practice_of_the_phase_with_risk_and_answer(checklist, lens):
    checklist.store.record("MLSEC04-BP01", make_answer("done", note="VPC only | no <b>internet</b>"), "saved")
    text = checklist_markdown(checklist)
    for practice in lens.practices_for(phase="model_development"):
        assert practice.id in text
    line = next(line for line in text.splitlines() if "MLSEC04-BP01" in line and line.startswith("- "))
    assert line.startswith("- [x]") and "no open risk" in line
    assert r"VPC only \| no \<b\>internet\</b\>" in line
    open_line = next(line for line in text.splitlines() if "MLSEC04-BP02" in line and line.startswith("- "))
    assert open_line.startswith("- [ ]") and "**high risk** · unanswered" in open_line
    assert "#### Security — 1/3 done · 2 high, 0 medium open" in text
    assert "Model development (confidence 82%)" in text


def test_markdown_escapes_what_came_from_the_notebook(checklist):
    text = checklist_markdown(checklist)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_status_counts_answers_and_open_risks_per_phase_and_pillar(lens):
    answers = {"MLSEC04-BP01": make_answer("done"), "MLSEC04-BP02": make_answer("partial"),
               "MLOPS01-BP01": make_answer("todo")}
    present = ["data_processing", "model_development", "deployment"]
    summary = status_summary(lens, answers, present)
    phases = {row["id"]: row for row in summary["phases"]}
    development = phases["model_development"]
    total = len(lens.practices_for(phase="model_development"))
    high = sum(1 for p in lens.practices_for(phase="model_development") if p.risk_if_absent == "high")
    assert (development["answered"], development["done"], development["partial"]) == (2, 1, 1)
    assert development["high"] == high - 2 and development["total"] == total
    assert phases["business_goal"]["high"] == 0 and not phases["business_goal"]["present"]
    text = status_markdown(summary, "Answers are kept in this kernel only.")
    assert "3 of 105 practices answered" in text
    assert "| Model development | yes | 2/33 | 1 | 1 | 0 | 0 |" in text
    assert "| Security |" in text and text.endswith("Answers are kept in this kernel only.")
