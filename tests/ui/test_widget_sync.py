"""`%mllens` and the sidebar share one record: the notebook's metadata, which the frontend owns.

An answer given in the widget reaches the sidebar and the file on save; one given in the sidebar
reaches the widget (over the `mllens` comm).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from mllens_jupyter.lens import get_lens

from .conftest import publish_screenshot
from .lab_page import (
    answers_on_disk,
    open_notebook,
    open_page,
    open_sidebar,
    read_when,
    save,
    select_cell,
    show_sidebar,
    wait_for_notebook,
    write_notebook,
)

PRACTICE = "MLOPS03-BP02"
RECORDED = "Answers are recorded in this notebook's metadata"
DATA_CELLS = [("code", "import pandas as pd\ncustomers = pd.read_csv('customers.csv')\ncustomers = customers.dropna()"),
              ("code", "%load_ext mllens_jupyter\n%mllens")]


def run_cell(page: Page, notebook: Locator, index: int) -> Locator:
    select_cell(notebook, index)
    page.keyboard.press("Control+Enter")
    return notebook.locator(".jp-Cell").nth(index).locator(".jp-OutputArea-output")


def practice_view(output: Locator, practice_id: str) -> Locator:
    """The widget's box for one practice: the innermost box whose heading names it."""
    return output.locator(".widget-vbox").filter(has=output.page.locator(f"b:text-is('{practice_id}')")).last


def test_widget_answer_reaches_the_sidebar_and_disk_and_sidebar_answers_reach_the_widget(page, lab, artifacts):
    phase = get_lens().practice(PRACTICE).phase
    (lab.root / "customers.csv").write_text("customer,tenure,churned\n1,12,0\n2,3,1\n")
    path = write_notebook(lab.root / "panel.ipynb", DATA_CELLS)
    notebook = open_notebook(page, lab.url, "panel.ipynb")
    sidebar = open_sidebar(page)

    run_cell(page, notebook, 0)
    output = run_cell(page, notebook, 1)
    expect(output.get_by_text(RECORDED)).to_be_visible(timeout=60_000)
    inferred = f"{get_lens().phase(phase).name} (inferred)"
    expect(output.get_by_role("combobox", name="Phase")).to_have_value(inferred)
    view = practice_view(output, PRACTICE)
    view.get_by_role("button", name="Done", exact=True).click()
    widget_note = view.locator("textarea")
    widget_note.fill("versioned with DVC")
    widget_note.press("Tab")

    sidebar.get_by_label("Practices for").select_option(phase)
    expect(sidebar.get_by_label(f"Status of {PRACTICE}")).to_have_value("done")
    expect(sidebar.get_by_label(f"Note on {PRACTICE}")).to_have_value("versioned with DVC")
    shot = artifacts / "mllens-panel.png"
    output.screenshot(path=str(shot))
    publish_screenshot(shot, "mllens-panel.png")

    save(page, notebook)
    on_disk = read_when(path, lambda nb: answers_on_disk(nb).get(PRACTICE, {}).get("note") == "versioned with DVC")
    answer = answers_on_disk(on_disk)[PRACTICE]
    assert (answer["status"], answer["note"]) == ("done", "versioned with DVC")

    sidebar.get_by_label(f"Status of {PRACTICE}").select_option("partial")
    expect(view.locator("button.mod-active")).to_have_text("Partial")
    expect(widget_note).to_have_value("versioned with DVC")
    page.screenshot(path=str(artifacts / "widget-follows-sidebar.png"))


@pytest.mark.parametrize("kind", ["lab", "notebook7"])
def test_after_a_page_reload_the_panel_answers_reach_the_saved_file_and_the_sidebar_reaches_the_panel(
        request, page, kind):
    server = request.getfixturevalue(kind)
    phase = get_lens().practice(PRACTICE).phase
    (server.root / "customers.csv").write_text("customer,tenure,churned\n1,12,0\n2,3,1\n")
    path = write_notebook(server.root / "reload.ipynb", DATA_CELLS)
    notebook = open_page(page, server, kind, "reload.ipynb")
    run_cell(page, notebook, 0)
    expect(run_cell(page, notebook, 1).get_by_text(RECORDED)).to_be_visible(timeout=60_000)

    page.reload()  # the kernel keeps running; the page that answered its comm is gone
    notebook = wait_for_notebook(page, server, "reload.ipynb")
    output = run_cell(page, notebook, 1)
    expect(output.get_by_text(RECORDED)).to_be_visible(timeout=60_000)
    view = practice_view(output, PRACTICE)
    view.get_by_role("button", name="Done", exact=True).click()
    expect(view.get_by_text("recorded in the notebook")).to_be_visible()

    sidebar = show_sidebar(page, kind)
    sidebar.get_by_label("Practices for").select_option(phase)
    expect(sidebar.get_by_label(f"Status of {PRACTICE}")).to_have_value("done")
    sidebar.get_by_label(f"Status of {PRACTICE}").select_option("partial")
    expect(view.locator("button.mod-active")).to_have_text("Partial")

    save(page, notebook)
    on_disk = read_when(path, lambda nb: answers_on_disk(nb).get(PRACTICE, {}).get("status") == "partial")
    assert answers_on_disk(on_disk)[PRACTICE]["status"] == "partial"
