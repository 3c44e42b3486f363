"""The HTML audit report of the 742 notebooks of the shared corpora, opened from file:// in headless
Chromium as a team lead would open it: its size, the search box, a sortable column, a notebook link;
and the Markdown of the same audit, which must fit a pull-request comment."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from mllens_jupyter.audit import Auditor
from mllens_jupyter.lens import get_lens
from mllens_jupyter.report import render
from mllens_jupyter.report.html import HtmlReport
from mllens_jupyter.report.output import stream_report

MAX_HTML_BYTES = 2_000_000
MAX_MARKDOWN_CHARS = 60_000
VISIBLE_NOTEBOOKS = "Array.from(document.querySelectorAll('tr.notebook')).filter(r => !r.closest('[hidden]')).length"


@pytest.fixture(scope="module")
def audited(shared_dir, tmp_path_factory) -> tuple[Path, dict]:
    """The corpora's report, written where a user would keep it: in a folder beside the notebooks' tree."""
    corpora = shared_dir / "corpora"
    report = Auditor(jobs=2).run([str(corpora)], get_lens())
    target = tmp_path_factory.mktemp("report") / "build" / "audit.html"
    stream_report(HtmlReport(output=str(target)), report, target)
    return target, report


@pytest.fixture
def opened(audited, page):
    """The report open in the browser, with any console error or blocked script collected."""
    target, _ = audited
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(target.as_uri())
    page.get_by_role("search").wait_for()  # shown by the report's own script, so the script ran
    yield page
    assert errors == []


def test_the_report_of_the_corpora_is_one_file_under_2_mb_and_the_markdown_fits_a_comment(audited):
    target, report = audited
    assert report["summary"]["notebooks"] >= 700
    assert target.stat().st_size < MAX_HTML_BYTES
    assert len(render(report, "markdown")) <= MAX_MARKDOWN_CHARS


def test_typing_in_the_search_box_filters_the_notebooks(opened, audited):
    _, report = audited
    assert opened.evaluate(VISIBLE_NOTEBOOKS) == report["summary"]["notebooks"]
    name = Path(report["notebooks"][-1]["path"]).name
    opened.get_by_role("searchbox", name="Search").fill(name.removesuffix(".ipynb"))
    shown = opened.evaluate(VISIBLE_NOTEBOOKS)
    assert 1 <= shown < 10
    row = opened.locator("tr.notebook", has_text=name).first
    assert row.is_visible()  # its folder opened to show it
    assert opened.locator("#shown").inner_text() == f"{shown} notebooks match"
    opened.get_by_role("searchbox", name="Search").fill("")
    assert opened.evaluate(VISIBLE_NOTEBOOKS) == report["summary"]["notebooks"]


def test_a_filter_keeps_only_the_notebooks_of_a_folder(opened):
    folder = opened.locator("details.folder").nth(3).get_attribute("data-folder")
    opened.get_by_label("Folder").select_option(folder)
    expected = opened.locator(f"details.folder[data-folder='{folder}'] tr.notebook").count()
    assert opened.evaluate(VISIBLE_NOTEBOOKS) == expected


def test_sorting_a_column_reorders_the_rows(opened):
    table = opened.locator("details.folder", has=opened.locator("tbody tr:nth-child(4)")).first.locator("table")
    table.locator("xpath=..").evaluate("group => { group.open = true; }")

    def column(index: int) -> list[str]:
        return table.locator("tbody tr").evaluate_all(f"rows => rows.map(r => r.cells[{index}].textContent.trim())")

    table.get_by_role("button", name="Notebook").click()
    names = column(0)
    assert names == sorted(names, key=str.lower)
    table.get_by_role("button", name="Notebook").click()
    assert column(0) == sorted(names, key=str.lower, reverse=True)
    assert table.locator("th[aria-sort=descending]").count() == 1
    table.get_by_role("button", name="High").click()
    highs = [int(x) for x in column(3)]
    assert highs == sorted(highs)


def test_a_notebook_link_resolves_to_the_notebook(opened, audited):
    _, report = audited
    link = opened.locator("tr.notebook a.path").first
    href = link.evaluate("a => a.href")
    path = Path(unquote(urlparse(href).path))
    assert path.is_file() and path.suffix == ".ipynb"
    assert any(Path(nb["path"]).resolve() == path.resolve() for nb in report["notebooks"])
    assert not link.get_attribute("href").startswith(("/", "file:"))  # relative to the report's folder
