"""The sidebar's commands with their default shortcuts and menu entries, and its settings taking effect."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .lab_page import (
    answers_on_disk,
    open_notebook,
    open_page,
    open_sidebar,
    read_when,
    save,
    select_cell,
    show_sidebar,
    write_notebook,
)
from .test_sidebar import CHURN_CELLS

FOCUSED_IS = "(label) => document.activeElement?.getAttribute('aria-label') === label"


def settings_file(lab) -> Path:
    """Where this test server keeps the ML Lens settings a person saves in the Settings Editor."""
    return lab.root.parent / "settings" / "mllens-jupyter" / "plugin.jupyterlab-settings"


@pytest.fixture(params=["lab", "notebook7"])
def app(request) -> tuple[str, object]:
    return request.param, request.getfixturevalue(request.param)


@pytest.fixture
def lens_settings(app) -> Iterator[callable]:
    path = settings_file(app[1])

    def write(values: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")

    yield write
    path.unlink(missing_ok=True)


@pytest.mark.parametrize("kind", ["lab", "notebook7"])
def test_shortcuts_toggle_the_sidebar_move_to_unanswered_practices_and_set_their_status(request, page: Page, kind):
    server = request.getfixturevalue(kind)
    path = write_notebook(server.root / "keys.ipynb", CHURN_CELLS)
    notebook = open_page(page, server, kind, "keys.ipynb")
    sidebar = show_sidebar(page, kind)
    select_cell(notebook, 2)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")

    page.keyboard.press("Control+Alt+l")
    expect(sidebar).to_be_hidden()
    page.keyboard.press("Control+Alt+l")
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")

    cards = sidebar.locator(".jp-mllens-Practice")
    first, second = cards.nth(0).get_attribute("data-practice-id"), cards.nth(1).get_attribute("data-practice-id")
    page.keyboard.press("Control+Alt+n")
    page.wait_for_function(FOCUSED_IS, arg=f"Status of {first}")
    page.keyboard.press("Control+Alt+1")
    expect(sidebar.get_by_label(f"Status of {first}")).to_have_value("done")
    page.keyboard.press("Control+Alt+n")
    page.wait_for_function(FOCUSED_IS, arg=f"Status of {second}")
    page.keyboard.press("Control+Alt+4")
    expect(sidebar.get_by_label(f"Status of {second}")).to_have_value("not_applicable")
    expect(sidebar.get_by_label(f"Why {second} is not applicable")).to_have_value("other")
    page.keyboard.press("Control+Alt+2")
    expect(sidebar.get_by_label(f"Status of {second}")).to_have_value("partial")

    save(page, notebook)
    on_disk = answers_on_disk(read_when(path, lambda nb: second in answers_on_disk(nb)))
    assert (on_disk[first]["status"], on_disk[second]["status"]) == ("done", "partial")


def test_the_view_menu_and_the_palette_hold_the_commands_once(page: Page, lab):
    write_notebook(lab.root / "menus.ipynb", CHURN_CELLS)
    notebook = open_notebook(page, lab.url, "menus.ipynb")
    sidebar = open_sidebar(page)
    select_cell(notebook, 2)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")
    page.keyboard.press("Control+Alt+n")  # a practice is focused: the status commands apply to it
    expect(sidebar.locator('.jp-mllens-Practice[data-focused="true"]')).to_have_count(1)
    page.locator(".lm-MenuBar-item").filter(has_text=re.compile("^View$")).click()
    menu = page.locator(".lm-Menu:visible")
    expect(menu.locator('[data-command="mllens:toggle-sidebar"]')).to_contain_text("Hide ML Lens")
    expect(menu.locator('[data-command="mllens:toggle-sidebar"]')).to_contain_text("Ctrl+Alt+L")
    expect(menu.locator('[data-command="mllens:next-unanswered"]')).to_contain_text("Ctrl+Alt+N")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Shift+c")
    page.locator(".lm-CommandPalette-input").fill("ML Lens")
    labels = page.locator(".lm-CommandPalette-item:visible .lm-CommandPalette-itemLabel")
    expect(labels.filter(has_text=re.compile(r"^(Show|Hide) ML Lens$"))).to_have_count(1)
    expect(labels.filter(has_text=re.compile(r"^ML Lens: Next Unanswered Practice$"))).to_have_count(1)
    expect(labels.filter(has_text=re.compile(r"^ML Lens: Mark the Focused Practice "))).to_have_count(4)


def test_settings_choose_the_phase_the_filters_and_the_lens_the_sidebar_starts_with(page: Page, app, lens_settings):
    kind, server = app
    path = server.root / "settings.ipynb"
    write_notebook(path, CHURN_CELLS)
    lens_settings({"phase": "monitoring", "unansweredOnly": True})
    notebook = open_page(page, server, kind, "settings.ipynb")
    sidebar = show_sidebar(page, kind)
    select_cell(notebook, 2)
    expect(sidebar.get_by_label("Practices for")).to_have_value("monitoring")
    expect(sidebar.get_by_label("Unanswered only")).to_be_checked()
    practice = sidebar.locator(".jp-mllens-Practice").first.get_attribute("data-practice-id")
    assert practice.startswith(("MLOPS", "MLSEC", "MLREL", "MLPERF", "MLCOST", "MLSUS"))
    sidebar.get_by_label(f"Status of {practice}").select_option("done")
    expect(sidebar.locator(f'[data-practice-id="{practice}"]')).to_have_count(0)  # answered: filtered out

    lens_settings({"defaultLens": "no-such-lens"})
    write_notebook(server.root / "other-lens.ipynb", CHURN_CELLS)
    open_page(page, server, kind, "other-lens.ipynb")
    sidebar = show_sidebar(page, kind)
    expect(sidebar.get_by_role("alert")).to_contain_text("no-such-lens")
