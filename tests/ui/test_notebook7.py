"""The sidebar in Jupyter Notebook 7 (no JupyterLab shell): an icon in the notebook toolbar, one palette entry,
the View menu, and answers recorded."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .lab_page import SIDEBAR, answers_on_disk, read_when, wait_for_kernel, write_notebook

CELLS = [
    ("markdown", "# Churn\n\nThe business goal is to cut churn by 5% this year."),
    ("code", "from sklearn.ensemble import RandomForestClassifier\n\nmodel = RandomForestClassifier().fit(X, y)"),
]


def test_notebook7_shows_the_sidebar_from_its_toolbar_icon_and_records_answers(page, notebook7, artifacts):
    path = write_notebook(notebook7.root / "churn.ipynb", CELLS)
    page.goto(f"{notebook7.url}notebooks/churn.ipynb")
    cells = page.locator(".jp-Notebook .jp-Cell")
    expect(cells.first).to_be_visible()
    wait_for_kernel(notebook7.url, "churn.ipynb")

    button = page.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="mllens-toggle-sidebar"]')
    expect(button.locator("svg")).to_be_visible()  # the lens icon
    expect(button.get_by_role("button", name=re.compile("ML Lens sidebar"))).to_be_visible()
    button.get_by_role("button").click()
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

    button.get_by_role("button").click()
    expect(sidebar).to_be_hidden()


def test_notebook7_palette_offers_the_sidebar_once_and_the_view_menu_has_it(page, notebook7):
    write_notebook(notebook7.root / "palette.ipynb", CELLS)
    page.goto(f"{notebook7.url}notebooks/palette.ipynb")
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible()
    page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputPrompt").click()
    wait_for_kernel(notebook7.url, "palette.ipynb")
    search = page.locator(".lm-CommandPalette-input")
    for _ in range(3):  # the shortcut is ignored while the page still settles the focus
        page.keyboard.press("Control+Shift+c")
        try:
            expect(search).to_be_visible(timeout=3000)
            break
        except AssertionError:
            page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputPrompt").click()
    search.fill("ML Lens")
    labels = page.locator(".lm-CommandPalette-item:visible .lm-CommandPalette-itemLabel")
    expect(labels.filter(has_text=re.compile(r"^(Show|Hide) ML Lens$"))).to_have_count(1)
    page.keyboard.press("Escape")
    page.get_by_role("menuitem", name="View").click()
    expect(page.locator('.lm-Menu-item[data-command="mllens:toggle-sidebar"]')).to_have_text(
        re.compile("Show ML Lens"))
