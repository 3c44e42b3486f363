"""The ML Lens sidebar in a real JupyterLab: the phase it infers, an answer recorded and saved."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from mllens_jupyter.lens import get_lens

from .conftest import publish_screenshot
from .lab_page import answers_on_disk, open_notebook, open_sidebar, read_when, save, select_cell, write_notebook

UPDATED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

CHURN_CELLS = [
    ("markdown", "# Customer churn\n\nThe business goal is to cut churn by 5% this year."),
    ("code", "import pandas as pd\n\ndf = pd.read_csv('customers.csv')\ndf = df.dropna()"),
    ("code", "from sklearn.ensemble import RandomForestClassifier\n\n"
             "model = RandomForestClassifier(n_estimators=200)\nmodel.fit(X_train, y_train)"),
    ("code", "from sklearn.metrics import accuracy_score\n\nprint(accuracy_score(y_test, model.predict(X_test)))"),
]


LINES_OF_WORD = """(element, word) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const start = node.data.indexOf(word);
    if (start >= 0) {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + word.length);
      return range.getClientRects().length;
    }
  }
  return 0;
}"""  # on how many lines a word of an element's text is laid out (2 when it wraps mid-word)


def model_development_practice() -> str:
    """A practice of the model development phase that carries a high risk while undone."""
    return next(p.id for p in get_lens().practices_for(phase="model_development") if p.risk_if_absent == "high")


def test_sidebar_follows_the_cell_and_records_an_answer_that_save_writes(page, lab, artifacts):
    path = write_notebook(lab.root / "churn.ipynb", CHURN_CELLS)
    notebook = open_notebook(page, lab.url, "churn.ipynb")
    sidebar = open_sidebar(page)

    select_cell(notebook, 2)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")
    present = sidebar.get_by_role("list", name="Phases in this notebook")
    expect(present.get_by_role("button", name=re.compile("Data processing"))).to_be_visible()
    expect(present.get_by_role("button", name=re.compile("Model development"))).to_be_visible()
    sidebar.get_by_text("Why this phase").click()
    reason = sidebar.locator(".jp-mllens-Reasons[open] li").first
    expect(reason).to_have_text("cell 3: calls model.fit() (model from sklearn.ensemble.RandomForestClassifier())")
    assert reason.evaluate(LINES_OF_WORD, "RandomForestClassifier") == 1

    select_cell(notebook, 1)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Data processing")
    select_cell(notebook, 2)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")

    practice_id = model_development_practice()
    row = sidebar.locator(f'[data-practice-id="{practice_id}"]')
    expect(row.get_by_text("High risk")).to_be_visible()
    sidebar.get_by_label(f"Status of {practice_id}").select_option("done")
    note = sidebar.get_by_label(f"Note on {practice_id}")
    expect(note).to_be_enabled()
    note.fill("Runs and parameters tracked in MLflow")
    note.press("Tab")
    expect(row.get_by_text("High risk")).to_have_count(0)
    expect(row.locator(".jp-mllens-Badge")).to_have_text("Done")
    expect(page.locator(".jp-mod-current.jp-mod-dirty")).to_have_count(1)
    row.get_by_text("Details").click()
    expect(row.get_by_role("link", name=re.compile(practice_id))).to_be_visible()
    shot = artifacts / "sidebar.png"
    page.screenshot(path=str(shot))
    publish_screenshot(shot, "sidebar.png")

    note.fill("Runs, parameters and data versions tracked in MLflow")
    note.press("Control+s")
    expect(page.locator(".jp-mod-current.jp-mod-dirty")).to_have_count(0)
    on_disk = read_when(path, lambda nb: practice_id in answers_on_disk(nb))
    namespace = on_disk.metadata["mllens"]
    assert list(namespace) == ["answers", "lens", "schema_version"]
    assert (namespace["schema_version"], namespace["lens"]) == (1, "aws-ml-lens")
    answer = namespace["answers"][practice_id]
    assert list(answer) == ["note", "status", "updated"]
    assert (answer["status"], answer["note"]) == ("done", "Runs, parameters and data versions tracked in MLflow")
    assert UPDATED.match(answer["updated"])
    assert [cell.source for cell in on_disk.cells] == [source for _, source in CHURN_CELLS]


def test_not_applicable_needs_a_reason_and_filters_hide_answered_practices(page, lab, artifacts):
    path = write_notebook(lab.root / "framing.ipynb", CHURN_CELLS)
    notebook = open_notebook(page, lab.url, "framing.ipynb")
    sidebar = open_sidebar(page)
    select_cell(notebook, 2)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")

    practice_id = model_development_practice()
    row = sidebar.locator(f'[data-practice-id="{practice_id}"]')
    sidebar.get_by_label(f"Status of {practice_id}").select_option("not_applicable")
    expect(row.get_by_text("High risk")).to_be_visible()
    sidebar.get_by_label(f"Why {practice_id} is not applicable").select_option("out_of_scope")
    expect(row.locator(".jp-mllens-Badge")).to_have_text("Not applicable")

    sidebar.get_by_label("Unanswered only").check()
    expect(sidebar.locator(f'[data-practice-id="{practice_id}"]')).to_have_count(0)
    sidebar.get_by_label("Unanswered only").uncheck()
    sidebar.get_by_label("Practices for").select_option("all")
    expect(sidebar.locator('[data-practice-id="MLCOST01-BP01"]')).to_be_visible()

    save(page, notebook)
    on_disk = read_when(path, lambda nb: practice_id in answers_on_disk(nb))
    answer = answers_on_disk(on_disk)[practice_id]
    assert (answer["status"], answer["reason"]) == ("not_applicable", "out_of_scope")
    page.screenshot(path=str(artifacts / "sidebar-not-applicable.png"))
