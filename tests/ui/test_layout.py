"""The sidebar laid out for a narrow panel, and legible, in the light and the dark theme, in JupyterLab
and in Notebook 7.

Measured on the rendered page: boxes (no element of a card past the card's edge from 250 px), lines
of a title, and the contrast of every badge's text against the colour it is drawn on (WCAG AA).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from mllens_jupyter.lens import get_lens

from .lab_page import (
    SIDEBAR,
    open_notebook,
    open_sidebar,
    select_cell,
    set_sidebar_width,
    use_theme,
    wait_for_kernel,
    write_notebook,
)
from .test_sidebar import CHURN_CELLS

MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text

OVERFLOWING = """(root) => {
  const found = [];
  if (root.scrollWidth > root.clientWidth + 1) {
    found.push(`the sidebar scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
  }
  const cards = root.querySelectorAll('.jp-mllens-Practice, .jp-mllens-Controls, .jp-mllens-PhaseSummary');
  for (const card of cards) {
    const edge = card.getBoundingClientRect();
    for (const element of card.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (element.getClientRects().length && (box.right > edge.right + 0.5 || box.left < edge.left - 0.5)) {
        const name = card.dataset.practiceId || card.className;
        found.push(`${element.tagName.toLowerCase()}.${element.className} runs past ${name}: ` +
                   `${Math.round(box.left)}..${Math.round(box.right)} outside ${Math.round(edge.left)}..${Math.round(edge.right)}`);
      }
    }
  }
  return found;
}"""

TITLE_LINES = """(title) => Math.round(title.getBoundingClientRect().height / parseFloat(getComputedStyle(title).lineHeight))"""

# The contrast of an element's text against what it is drawn on: the colours as the browser renders
# them (a canvas turns any CSS colour into sRGB bytes), translucent layers composited up the tree.
CONTRAST = """(element) => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const rgba = colour => {
    context.clearRect(0, 0, 1, 1);
    context.fillStyle = colour;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = (top, bottom) => top.slice(0, 3).map((c, i) => c * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  let background = [255, 255, 255, 1];
  for (const layer of layers.reverse()) background = over(layer, background);
  const text = over(rgba(getComputedStyle(element).color), background);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const [light, dark] = [luminance(text), luminance(background)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}"""


def model_development_practices(count: int) -> list[str]:
    practices = [p.id for p in get_lens().practices_for(phase="model_development") if p.risk_if_absent == "high"]
    return practices[:count]


def answer_three_ways(sidebar: Locator) -> tuple[str, str, str]:
    """One practice not applicable (reason and note shown), one partial, one left open at high risk."""
    not_applicable, partial, open_high = model_development_practices(3)
    sidebar.get_by_label(f"Status of {not_applicable}").select_option("not_applicable")
    sidebar.get_by_label(f"Why {not_applicable} is not applicable").select_option("architecture_constraints")
    note = sidebar.get_by_label(f"Note on {not_applicable}")
    note.fill("The platform team owns this for every workload, see the platform runbook")
    note.press("Tab")
    sidebar.get_by_label(f"Status of {partial}").select_option("partial")
    return not_applicable, partial, open_high


def open_in_notebook7(page: Page, server, name: str) -> tuple[Locator, Locator]:
    """Notebook 7: the notebook's own page, and the sidebar from the lens icon of its toolbar."""
    page.goto(f"{server.url}notebooks/{name}")
    notebook = page.locator(".jp-Notebook")
    expect(notebook.locator(".jp-Cell").first).to_be_visible()
    wait_for_kernel(server.url, name)
    page.locator('[data-jp-item-name="mllens-toggle-sidebar"]').get_by_role("button").click()
    return notebook, page.locator(SIDEBAR)


@pytest.fixture(params=["lab", "notebook7"])
def answered_sidebar(request, page: Page) -> tuple[Locator, tuple[str, str, str]]:
    """The sidebar, in JupyterLab or in Notebook 7, with a practice of each kind of badge."""
    server = request.getfixturevalue(request.param)
    write_notebook(server.root / "layout.ipynb", CHURN_CELLS)
    if request.param == "lab":
        notebook = open_notebook(page, server.url, "layout.ipynb")
        sidebar = open_sidebar(page)
    else:
        notebook, sidebar = open_in_notebook7(page, server, "layout.ipynb")
    select_cell(notebook, 2)
    expect(sidebar.locator(".jp-mllens-PhaseName")).to_have_text("Model development")
    return sidebar, answer_three_ways(sidebar)


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_no_card_runs_past_its_edge_from_250_px_and_titles_stay_short(page, answered_sidebar, theme, artifacts):
    sidebar, (not_applicable, partial, open_high) = answered_sidebar
    use_theme(page, theme)
    for width in (250, 300, 420):
        set_sidebar_width(page, width)
        expect(sidebar.get_by_label(f"Why {not_applicable} is not applicable")).to_be_visible()
        assert sidebar.evaluate(OVERFLOWING) == [], f"at {width} px in {theme}"
    set_sidebar_width(page, 300)
    titles = sidebar.locator(".jp-mllens-PracticeTitle")
    lines = [titles.nth(i).evaluate(TITLE_LINES) for i in range(titles.count())]
    assert max(lines) <= 3, f"a practice title takes {max(lines)} lines at 300 px"
    page.screenshot(path=str(artifacts / f"sidebar-300px-{theme.split()[-1].lower()}-{page.url.split('/')[3]}.png"))


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_every_badge_reads_at_aa_contrast(page, answered_sidebar, theme):
    sidebar, (not_applicable, partial, open_high) = answered_sidebar
    use_theme(page, theme)
    expected = {not_applicable: "Not applicable", partial: "Medium risk", open_high: "High risk"}
    for practice_id, text in expected.items():
        expect(sidebar.locator(f'[data-practice-id="{practice_id}"] .jp-mllens-Badge')).to_have_text(text)
    badges = sidebar.locator(".jp-mllens-Badge:not(:empty)")
    kinds = {}
    for index in range(badges.count()):
        badge = badges.nth(index)
        kinds.setdefault(badge.inner_text(), []).append(badge.evaluate(CONTRAST))
    assert {"High risk", "Medium risk", "Not applicable"} <= set(kinds)
    low = {kind: round(min(ratios), 2) for kind, ratios in kinds.items() if min(ratios) < MIN_CONTRAST}
    assert low == {}, f"badges under {MIN_CONTRAST}:1 in {theme}"
