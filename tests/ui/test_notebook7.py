"""The sidebar in Jupyter Notebook 7 (no JupyterLab shell): reachable from the View menu, and working."""

from __future__ import annotations

from playwright.sync_api import expect

from .lab_page import SIDEBAR, answers_on_disk, read_when, wait_for_kernel, write_notebook

CELLS = [
    ("markdown", "# Churn\n\nThe business goal is to cut churn by 5% this year."),
    ("code", "from sklearn.ensemble import RandomForestClassifier\n\nmodel = RandomForestClassifier().fit(X, y)"),
]


def test_notebook7_shows_the_sidebar_from_the_view_menu_and_records_answers(page, notebook7, artifacts):
    path = write_notebook(notebook7.root / "churn.ipynb", CELLS)
    page.goto(f"{notebook7.url}notebooks/churn.ipynb")
    cells = page.locator(".jp-Notebook .jp-Cell")
    expect(cells.first).to_be_visible()
    wait_for_kernel(notebook7.url, "churn.ipynb")

    page.get_by_role("menuitem", name="View").click()
    page.locator(".lm-Menu-item").filter(has_text="Right Sidebar").click()
    page.get_by_role("menuitem", name="Show ML Lens").click()
    cells.nth(1).locator(".jp-InputPrompt").click()
    sidebar = page.locator(SIDEBAR)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")

    practice_id = sidebar.locator(".jp-mllens-Practice").first.get_attribute("data-practice-id")
    sidebar.get_by_label(f"Status of {practice_id}").select_option("partial")
    expect(sidebar.locator(f'[data-practice-id="{practice_id}"] .jp-mllens-Badge')).to_have_text("Medium risk")
    page.screenshot(path=str(artifacts / "notebook7-sidebar.png"))

    cells.first.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+s")
    on_disk = read_when(path, lambda nb: practice_id in answers_on_disk(nb))
    assert answers_on_disk(on_disk)[practice_id]["status"] == "partial"
