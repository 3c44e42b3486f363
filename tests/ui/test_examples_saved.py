"""The example notebooks are stored as JupyterLab saves them: opening one and saving it changes no byte,
and an answer given in the sidebar is the only change a save then makes."""

from __future__ import annotations

import difflib
import json
import platform
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .lab_page import open_notebook, open_sidebar, read_when, save, select_cell

EXAMPLES = Path(__file__).resolve().parents[2] / "example_notebooks"
NAMES = sorted(path.name for path in EXAMPLES.glob("*.ipynb"))


def as_saved_here(name: str) -> str:
    """The stored example, with the Python version JupyterLab records from this machine's kernel
    (the one part of `language_info` that depends on the machine)."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    stored = json.loads(text)["metadata"]["language_info"]["version"]
    return text.replace(f'"version": "{stored}"', f'"version": "{platform.python_version()}"')


def settled_text(path: Path, mtime_before: int, timeout: float = 15) -> str:
    """The file's text once the save has rewritten it and two reads a moment apart agree."""
    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8")
        if path.stat().st_mtime_ns != mtime_before and text and text == previous:
            return text
        previous = text
        time.sleep(0.3)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_opening_and_saving_an_example_changes_nothing(page, lab, name):
    copy = lab.root / f"saved-{name}"
    shutil.copyfile(EXAMPLES / name, copy)
    before = copy.stat().st_mtime_ns
    notebook = open_notebook(page, lab.url, copy.name)
    if as_saved_here(name) == (EXAMPLES / name).read_text(encoding="utf-8"):
        expect(page.locator(".jp-mod-current.jp-mod-dirty")).to_have_count(0)  # nothing filled in on opening
    save(page, notebook)
    assert settled_text(copy, before) == as_saved_here(name)


def test_an_answer_is_the_only_change_a_save_makes_to_an_example(page, lab):
    name = "03-model-development.ipynb"
    copy = lab.root / f"answered-{name}"
    shutil.copyfile(EXAMPLES / name, copy)
    notebook = open_notebook(page, lab.url, copy.name)
    sidebar = open_sidebar(page)
    select_cell(notebook, 3)
    row = sidebar.locator(".jp-mllens-Practice").filter(has=page.get_by_label("Status of", exact=False)).first
    practice_id = row.get_attribute("data-practice-id")
    answered = json.loads(copy.read_text())["metadata"]["mllens"]["answers"]
    status = "todo" if answered.get(practice_id, {}).get("status") != "todo" else "partial"
    sidebar.get_by_label(f"Status of {practice_id}").select_option(status)
    save(page, notebook)
    saved = read_when(copy, lambda nb: nb.metadata["mllens"]["answers"].get(practice_id, {}).get("status") == status)
    assert saved.metadata["mllens"]["answers"][practice_id]["status"] == status
    before, after = as_saved_here(name).splitlines(), copy.read_text().splitlines()
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed and all(any(key in line for key in (practice_id, '"status"', '"updated"', '"note"', '"reason"', "}"))
                           for line in changed), changed
    assert len(changed) <= 8, changed
