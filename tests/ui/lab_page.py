"""What a person does in JupyterLab, as playwright steps: open a notebook, open the sidebar, save."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from pathlib import Path
from typing import Callable

import nbformat
from playwright.sync_api import Locator, Page, expect

SIDEBAR = "#mllens-sidebar"


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    """A notebook of (cell_type, source) pairs, written with nbformat."""
    notebook = nbformat.v4.new_notebook()
    makers = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    notebook.cells = [makers[kind](source) for kind, source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def open_notebook(page: Page, lab_url: str, name: str) -> Locator:
    """Open a notebook from its URL and wait until its kernel is connected and idle."""
    page.goto(f"{lab_url}lab/tree/{name}?reset")
    notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")
    expect(notebook.locator(".jp-Cell").first).to_be_visible()
    wait_for_kernel(lab_url, name)
    expect(page.locator(".jp-StatusBar-Widget").get_by_text("| Idle")).to_be_visible()
    return notebook


def wait_for_kernel(lab_url: str, name: str, timeout: float = 60) -> None:
    """Until the notebook's kernel has a browser connection and is idle (the server's own view)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{lab_url}api/sessions", timeout=5) as response:
            sessions = json.load(response)
        kernel = next((s["kernel"] for s in sessions if s.get("path") == name and s.get("kernel")), None)
        if kernel and kernel.get("connections", 0) > 0 and kernel.get("execution_state") == "idle":
            return
        time.sleep(0.3)
    raise AssertionError(f"the kernel of {name} was not ready within {timeout} s")


def open_sidebar(page: Page) -> Locator:
    tab = page.locator('.lm-TabBar-tab[data-id="mllens-sidebar"]')
    expect(tab).to_have_attribute("title", "ML Lens")
    if tab.get_attribute("aria-selected") != "true":
        tab.click()
    sidebar = page.locator(SIDEBAR)
    expect(sidebar.get_by_role("heading", name="ML Lens")).to_be_visible()
    return sidebar


def select_cell(notebook: Locator, index: int) -> None:
    notebook.locator(".jp-Cell").nth(index).locator(".jp-InputPrompt").click()


def save(page: Page, notebook: Locator) -> None:
    """Ctrl+S as a person saves, then wait until the tab is no longer dirty."""
    notebook.locator(".jp-Cell").first.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+s")
    expect(page.locator(".jp-mod-current.jp-mod-dirty")).to_have_count(0)


def read_when(path: Path, ready: Callable[[dict], bool], timeout: float = 15) -> nbformat.NotebookNode:
    """The notebook on disk, read with nbformat, once `ready` holds (the save is asynchronous, and the
    server may be in the middle of writing the file: a read that finds it empty or cut is tried again)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            notebook = nbformat.read(path, as_version=4)
        except nbformat.reader.NotJSONError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
            continue
        if ready(notebook) or time.monotonic() > deadline:
            return notebook
        time.sleep(0.2)


def answers_on_disk(notebook: dict) -> dict:
    return notebook.get("metadata", {}).get("mllens", {}).get("answers", {})


RIGHT_PANEL_EDGE = """() => {
  const stack = document.querySelector('#jp-right-stack');
  const box = stack.getBoundingClientRect();
  const handles = [...document.querySelectorAll('.lm-SplitPanel-handle')].filter(h => h.getClientRects().length);
  const near = handles.map(h => ({ h, box: h.getBoundingClientRect() }))
    .filter(({ box: b }) => Math.abs(b.right - box.left) < 6 && b.height > 100);
  const handle = near[0].box;
  return { x: handle.left + handle.width / 2, y: handle.top + handle.height / 2, width: box.width };
}"""


def set_sidebar_width(page: Page, width: int) -> None:
    """Drag the handle of JupyterLab's right panel until the panel is `width` px wide, as a person does."""
    for _ in range(3):
        edge = page.evaluate(RIGHT_PANEL_EDGE)
        if abs(edge["width"] - width) <= 1:
            return
        page.mouse.move(edge["x"], edge["y"])
        page.mouse.down()
        page.mouse.move(edge["x"] + edge["width"] - width, edge["y"], steps=4)
        page.mouse.up()
    raise AssertionError(f"the right panel is {page.evaluate(RIGHT_PANEL_EDGE)['width']} px wide, not {width}")


def use_theme(page: Page, name: str) -> None:
    """Settings > Theme > NAME, and wait until the page has it."""
    if page.locator(f'body[data-jp-theme-name="{name}"]').count():
        return
    page.locator(".lm-MenuBar-item").filter(has_text="Settings").click()
    page.locator(".lm-Menu-item").filter(has_text=re.compile(r"^Theme$")).hover()
    page.locator(".lm-Menu-item").filter(has_text=re.compile(f"^{re.escape(name)}$")).click()
    expect(page.locator(f'body[data-jp-theme-name="{name}"]')).to_have_count(1)


def open_page(page: Page, server, kind: str, name: str) -> Locator:
    """The notebook, in JupyterLab or in Notebook 7, with its kernel connected and idle."""
    if kind == "lab":
        return open_notebook(page, server.url, name)
    page.goto(f"{server.url}notebooks/{name}")
    return wait_for_notebook(page, server, name)


def wait_for_notebook(page: Page, server, name: str) -> Locator:
    notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")
    expect(notebook.locator(".jp-Cell").first).to_be_visible()
    wait_for_kernel(server.url, name)
    idle = page.locator('.jp-StatusBar-Widget:has-text("| Idle"), .jp-Notebook-ExecutionIndicator[data-status="idle"]')
    expect(idle.first).to_be_visible()
    return notebook


def show_sidebar(page: Page, kind: str) -> Locator:
    if kind == "lab":
        return open_sidebar(page)
    page.locator('[data-jp-item-name="mllens-toggle-sidebar"]').get_by_role("button").click()
    return page.locator(SIDEBAR)
