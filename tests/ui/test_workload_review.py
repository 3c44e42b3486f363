"""The workload review in the sidebar, in a real JupyterLab: a repository whose mllens-review.yaml answers
a practice for every notebook below it; the sidebar shows that answer as the workload's, writes a workload
answer into the review file, another tab sees it, a stale write gets the conflict message, and a cell is
cited as evidence."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import nbformat
import yaml
from playwright.sync_api import Locator, Page, expect

from mllens_jupyter.lens import get_lens

from .lab_page import open_notebook, open_sidebar, select_cell, set_sidebar_width, write_notebook
from .test_layout import OVERFLOWING
from .test_sidebar import CHURN_CELLS

NOTEBOOK = "churn-repo/analysis/train.ipynb"


def mllens(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "mllens_jupyter", *args], check=True, capture_output=True)


def model_development_practices() -> list[str]:
    return [p.id for p in get_lens().practices_for(phase="model_development")]


def make_repository(root: Path, inherited: str) -> Path:
    """A git repository with a review file at its root answering `inherited`, and a notebook two levels below."""
    repo = root / "churn-repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "analysis").mkdir()
    write_notebook(repo / "analysis" / "train.ipynb", CHURN_CELLS)
    mllens("review", "init", str(repo), "--name", "Churn prediction")
    mllens("answer", str(repo), inherited, "done", "--note", "IAM role per pipeline step",
           "--owner", "security@example.com")
    return repo / "mllens-review.yaml"


def review_answers_when(path: Path, ready: Callable[[dict], bool], timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        answers = yaml.safe_load(path.read_text(encoding="utf-8")).get("answers") or {}
        if ready(answers) or time.monotonic() > deadline:
            return answers
        time.sleep(0.2)


def card(sidebar: Locator, practice_id: str) -> Locator:
    return sidebar.locator(f'[data-practice-id="{practice_id}"]')


def answer_for_workload(sidebar: Locator, practice_id: str, status: str, owner: str, due: str, note: str) -> None:
    row = card(sidebar, practice_id)
    row.get_by_label(f"Answer {practice_id} for").select_option("workload")
    row.get_by_label(f"Workload status of {practice_id}").select_option(status)
    row.get_by_label(f"Owner of {practice_id}").fill(owner)
    row.get_by_label(f"Due date of {practice_id}").fill(due)
    row.get_by_label(f"Workload note on {practice_id}").fill(note)
    row.get_by_role("button", name="Save for the workload").click()


def open_on_model_cell(page: Page, url: str) -> tuple[Locator, Locator]:
    notebook = open_notebook(page, url, NOTEBOOK)
    sidebar = open_sidebar(page)
    select_cell(notebook, 2)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")
    return notebook, sidebar


def hide_and_show(page: Page, sidebar: Locator) -> None:
    tab = page.locator('.lm-TabBar-tab[data-id="mllens-sidebar"]')
    tab.click()
    expect(sidebar).to_be_hidden()
    tab.click()
    expect(sidebar).to_be_visible()


def test_workload_answers_in_the_sidebar_inherited_written_seen_by_another_tab_and_refused_when_stale(page, lab):
    inherited, second, third = model_development_practices()[:3]
    review_file = make_repository(lab.root, inherited)
    notebook, sidebar = open_on_model_cell(page, lab.url)

    row = card(sidebar, inherited)
    badge = row.locator(".jp-mllens-Scope")
    expect(badge).to_have_text("Workload")
    expect(badge).to_have_attribute("title", "Answered for the whole workload in churn-repo/mllens-review.yaml")
    expect(row.get_by_label(f"Workload status of {inherited}")).to_have_value("done")
    expect(row.get_by_text("High risk")).to_have_count(0)
    expect(sidebar.locator(".jp-mllens-Workload")).to_contain_text("Churn prediction")

    other = page.context.new_page()
    _, other_sidebar = open_on_model_cell(other, lab.url)
    expect(card(other_sidebar, inherited).locator(".jp-mllens-Scope")).to_have_text("Workload")

    page.bring_to_front()
    answer_for_workload(sidebar, second, "partial", "dana@example.com", "2027-01-31", "Tuning jobs on managed training")
    answers = review_answers_when(review_file, lambda a: second in a)
    assert answers[second]["status"] == "partial"
    assert answers[second]["owner"] == "dana@example.com"
    assert str(answers[second]["due"]) == "2027-01-31"
    assert answers[second]["note"] == "Tuning jobs on managed training"
    assert answers[inherited]["status"] == "done"
    expect(card(sidebar, second).locator(".jp-mllens-Scope")).to_have_text("Workload")
    assert "mllens" not in nbformat.read(lab.root / NOTEBOOK, as_version=4).metadata

    other.bring_to_front()
    answer_for_workload(other_sidebar, third, "todo", "lee@example.com", "2027-02-28", "Not yet")
    stale = card(other_sidebar, third)
    expect(stale.get_by_role("alert")).to_contain_text("The review file changed since it was read")
    expect(stale.get_by_label(f"Owner of {third}")).to_have_value("lee@example.com")
    expect(stale.get_by_label(f"Workload status of {third}")).to_have_value("todo")
    assert third not in review_answers_when(review_file, lambda a: False, timeout=0)
    expect(card(other_sidebar, second).locator(".jp-mllens-Scope")).to_have_text("Workload")
    expect(card(other_sidebar, second).get_by_label(f"Workload status of {second}")).to_have_value("partial")

    stale.get_by_role("button", name="Save for the workload").click()
    expect(stale.get_by_role("alert")).to_have_count(0)
    answers = review_answers_when(review_file, lambda a: third in a)
    assert (answers[third]["status"], answers[third]["owner"]) == ("todo", "lee@example.com")
    assert answers[second]["status"] == "partial"

    page.bring_to_front()
    hide_and_show(page, sidebar)
    expect(card(sidebar, third).locator(".jp-mllens-Scope")).to_have_text("Workload")
    expect(card(sidebar, third).get_by_label(f"Workload status of {third}")).to_have_value("todo")


def test_citing_the_active_cell_writes_its_id_as_evidence_of_the_workload_answer(page, lab):
    inherited = model_development_practices()[0]
    review_file = make_repository(lab.root / "cite", inherited)
    notebook = open_notebook(page, lab.url, f"cite/{NOTEBOOK}")
    sidebar = open_sidebar(page)
    select_cell(notebook, 2)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")
    cell_id = nbformat.read(lab.root / "cite" / NOTEBOOK, as_version=4).cells[2].id

    row = card(sidebar, inherited)
    row.get_by_role("button", name="Cite this cell").click()
    answers = review_answers_when(review_file, lambda a: a[inherited].get("evidence"))
    assert answers[inherited]["evidence"] == [{"notebook": "analysis/train.ipynb", "cell": cell_id}]
    assert answers[inherited]["status"] == "done"
    expect(row.locator(".jp-mllens-Cited li")).to_have_text(f"analysis/train.ipynb, cell {cell_id}")

    row.get_by_label(f"Workload status of {inherited}").select_option("not_applicable")
    expect(row.get_by_label(f"Why {inherited} is not applicable to the workload")).to_be_visible()
    set_sidebar_width(page, 250)
    assert sidebar.evaluate(OVERFLOWING) == []
