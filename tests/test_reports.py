"""Every report format of `mllens audit`, opened and checked the way its consumer reads it."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from urllib.parse import unquote

import pytest
from jsonschema import Draft4Validator, Draft7Validator

from mllens_jupyter import report as report_package
from mllens_jupyter.audit import Auditor
from mllens_jupyter.records import NotebookDetails
from mllens_jupyter.errors import UsageError
from mllens_jupyter.lens import get_lens
from mllens_jupyter.paths import schema_path
from mllens_jupyter.report import BUILTIN, FormatRegistry, Report, formats, render

from .conftest import run_cli


def detailed(report: dict) -> list[dict]:
    """The report's notebook records with what the lens, phases and answers determine."""
    details = NotebookDetails(report)
    return [details.detail(nb) for nb in report["notebooks"]]
from .test_audit import answer, corpus_sample, lens_notebook, write  # noqa: F401  (corpus_sample is a fixture)

DATA = Path(__file__).parent / "data"
XSS_NOTE = '<script>alert(1)</script>" onmouseover="alert(2)'
XSS_KEY = "<img src=x onerror=alert(3)>"
ODD_FOLDER = 'we|ird <b>"quoted"</b> & spaced'


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> tuple[Path, dict]:
    """A small repository: answered, unanswered and unreadable notebooks, hostile strings included."""
    root = tmp_path_factory.mktemp("repo")
    goal = [p.id for p in get_lens().practices if p.phase == "business_goal"]
    answers = {
        goal[0]: answer("done", note=XSS_NOTE),
        goal[1]: answer("partial", note="half way\nsecond line"),
        goal[2]: answer("not_applicable", reason="out_of_scope"),
        goal[3]: {"note": "an answer without a status"},
        XSS_KEY: answer("done"),
    }
    practice = next(p for p in get_lens().practices if p.phase == "monitoring" and p.evidence and p.evidence.imports)
    hint = {"cell_type": "code", "id": "hint", "metadata": {}, "execution_count": None, "outputs": [],
            "source": f"import {practice.evidence.imports[0]}\n"}
    write(root / "answered.ipynb", lens_notebook(["business_goal", "monitoring"], answers, cells=[hint]))
    write(root / ODD_FOLDER / "model <v2>.ipynb", lens_notebook(["model_development"]))
    write(root / "broken <i>.ipynb", '{"nbformat": 4, "cells": [')
    report = Auditor(fail_on="high").run([str(root)], get_lens())
    return root, report


def test_every_bundled_format_is_registered_by_entry_point():
    registered = {ep.name: ep.value for ep in entry_points(group="mllens.reports")}
    assert registered == BUILTIN
    assert formats.names()[:6] == ["table", "json", "markdown", "html", "sarif", "junit"]
    for name in BUILTIN:
        assert issubclass(formats.get(name), Report) and formats.get(name).name == name


def test_a_plugin_adds_a_format_and_a_broken_one_is_a_usage_error(monkeypatch):
    plugins = [
        EntryPoint("csv", "tests.test_reports:CsvReport", "mllens.reports"),
        EntryPoint("broken", "no_such_module:Nothing", "mllens.reports"),
    ]
    monkeypatch.setattr(report_package, "entry_points", lambda group: plugins if group == "mllens.reports" else [])
    registry = FormatRegistry()
    assert registry.names() == [*BUILTIN, "broken", "csv"]
    assert registry.get("csv")().render({"notebooks": [{"path": "a.ipynb"}]}) == "path\na.ipynb\n"
    with pytest.raises(UsageError, match="report format 'broken' cannot be loaded"):
        registry.get("broken")
    with pytest.raises(UsageError, match="unknown report format 'pdf'; use one of table, json"):
        registry.get("pdf")


class CsvReport(Report):
    name = "csv"

    def render(self, report: dict) -> str:
        return "path\n" + "".join(nb["path"] + "\n" for nb in report["notebooks"])


@pytest.mark.parametrize("name", list(BUILTIN))
def test_every_format_from_the_command_line_lists_the_unreadable_file(audited, name):
    root, _ = audited
    result = run_cli("audit", root, "--format", name)
    assert result.returncode == 3, result.stderr
    assert result.stderr == ""
    text = result.stdout
    assert "broken" in text and ("invalid JSON" in text or "invalid JSON" in unquote(text))


# ---------------------------------------------------------------- json


def test_json_follows_the_published_schema(audited):
    _, report = audited
    schema = json.loads(schema_path("audit-report.v3.schema.json").read_text())
    Draft7Validator.check_schema(schema)
    document = json.loads(render(report, "json"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(document)]
    assert errors == []
    assert document == report


def test_json_of_real_notebooks_follows_the_schema(corpus_sample):  # noqa: F811
    result = run_cli("audit", corpus_sample, "--format", "json")
    schema = json.loads(schema_path("audit-report.v3.schema.json").read_text())
    document = json.loads(result.stdout)
    assert [e.message for e in Draft7Validator(schema).iter_errors(document)] == []
    assert document["summary"]["notebooks"] == 12


# ---------------------------------------------------------------- sarif


def test_sarif_is_valid_2_1_0_with_one_result_per_open_risk(audited):
    root, report = audited
    sarif = json.loads(render(report, "sarif"))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    assert [e.message for e in Draft4Validator(schema).iter_errors(sarif)] == []

    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    lens = get_lens()
    assert [r["id"] for r in rules] == [p.id for p in lens.practices] + ["mllens/unreadable"]
    assert all(r["helpUri"] == p.docs_url for r, p in zip(rules, lens.practices))
    risks = [(nb["path"], r["practice"], r["risk"]) for nb in detailed(report) for r in nb["open_risks"]]
    results = [r for r in run["results"] if r["ruleId"] != "mllens/unreadable"]
    assert len(results) == len(risks)
    for result, (path, practice, risk) in zip(results, risks):
        assert result["ruleId"] == practice and rules[result["ruleIndex"]]["id"] == practice
        assert result["level"] == {"high": "error", "medium": "warning"}[risk]
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert Path(unquote(location["uri"].removeprefix("file://"))) == Path(path)
    unreadable = [r for r in run["results"] if r["ruleId"] == "mllens/unreadable"]
    assert len(unreadable) == 1 and unreadable[0]["level"] == "error"
    notification = run["invocations"][0]["toolExecutionNotifications"][0]
    assert "invalid JSON" in notification["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_keeps_within_the_code_scanning_limit_high_risks_first(audited, monkeypatch):
    from mllens_jupyter.report.sarif import SarifReport

    _, report = audited
    risks = [r["risk"] for nb in detailed(report) for r in nb["open_risks"]]
    assert risks.count("high") >= 2 and "medium" in risks
    monkeypatch.setattr(SarifReport, "max_results", risks.count("high"))
    sarif = json.loads(render(report, "sarif"))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    assert [e.message for e in Draft4Validator(schema).iter_errors(sarif)] == []
    (run,) = sarif["runs"]
    levels = [r["level"] for r in run["results"]]
    assert len(levels) == risks.count("high")
    assert [r["ruleId"] for r in run["results"]][-1] == "mllens/unreadable"
    assert set(levels) == {"error"}
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    left_out = len(risks) - (risks.count("high") - 1)
    assert any(text.startswith(f"{left_out} open risks left out") for text in notes)


def test_sarif_paths_relative_to_the_current_folder_are_percent_encoded(audited):
    root, _ = audited
    result = run_cli("audit", ".", "--format", "sarif", cwd=root)
    run = json.loads(result.stdout)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "we%7Cird%20%3Cb%3E%22quoted%22%3C/b%3E%20%26%20spaced/model%20%3Cv2%3E.ipynb" in uris
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in run["results"]} == {"%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.resolve().as_uri() + "/"


# ---------------------------------------------------------------- junit


def test_junit_has_a_suite_per_notebook_and_a_case_per_applicable_practice(audited):
    _, report = audited
    root = ET.fromstring(render(report, "junit"))
    suites = root.findall("testsuite")
    assert len(suites) == len(report["notebooks"]) + len(report["unreadable"])
    for suite, nb in zip(suites, detailed(report)):
        cases = suite.findall("testcase")
        assert suite.get("name") == nb["path"]
        assert [c.get("name").split()[0] for c in cases] == nb["applicable"]
        high = sum(1 for r in nb["open_risks"] if r["risk"] == "high")
        assert len(suite.findall("testcase/failure")) == int(suite.get("failures")) == high
        assert len(suite.findall("testcase/skipped")) == nb["by_status"]["not_applicable"]
    error_suite = suites[-1]
    assert error_suite.find("testcase/error").get("message").startswith("invalid JSON")
    assert root.get("errors") == "1"
    assert root.get("tests") == str(sum(len(nb["applicable"]) for nb in detailed(report)) + 1)
    answered = suites[0]
    assert XSS_NOTE in "".join(answered.itertext())  # kept verbatim as text, escaped by the XML writer


def test_junit_fails_medium_risks_with_fail_on_medium(audited):
    _, report = audited
    strict = {**report, "gate": {**report["gate"], "fail_on": "medium"}}
    failures = ET.fromstring(render(strict, "junit")).get("failures")
    assert int(failures) == report["summary"]["open_high"] + report["summary"]["open_medium"]


# ---------------------------------------------------------------- html


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse_page(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def test_html_is_self_contained_and_notebook_strings_stay_text(audited):
    _, report = audited
    page = render(report, "html")
    parsed = parse_page(page)
    names = [tag for tag, _ in parsed.tags]
    assert "iframe" not in names and "link" not in names and "img" not in names
    scripts = [a for t, a in parsed.tags if t == "script"]
    assert scripts == [{}]  # one inline script of the report's own, nothing loaded
    assert not [(t, a) for t, a in parsed.tags for key in a if key.startswith("on")]
    assert not [a for _, a in parsed.tags if (a.get("src") or "").startswith("http")]
    hrefs = [a["href"] for t, a in parsed.tags if t == "a"]
    assert all(h.startswith(("https://docs.aws.amazon.com/", "#")) or h.endswith(".ipynb") for h in hrefs), hrefs
    assert not [h for h in hrefs if ":" in h and not h.startswith("https://docs.aws.amazon.com/")]
    assert "we%7Cird%20%3Cb%3E%22quoted%22%3C/b%3E%20%26%20spaced/model%20%3Cv2%3E.ipynb" in "".join(hrefs)
    text = "".join(parsed.text)
    assert XSS_NOTE in text and XSS_KEY in text
    assert re.search(r"hints in 1 notebooks\s*answered\.ipynb: cell 1: imports", text)
    assert ODD_FOLDER in text and "broken <i>.ipynb" in text and "invalid JSON" in text
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]
    script = re.search(r"<script>(.*?)</script>", page, flags=re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert csp[0]["content"].endswith(f"script-src 'sha256-{digest}'")  # that script only, by its hash


def test_html_links_each_notebook_relative_to_the_report_and_under_link_base(audited):
    root, _ = audited
    target = root / "build" / "reports" / "audit.html"
    result = run_cli("audit", ".", "--format", "html", "-o", target, "--link-base", "https://example.org/r/blob/abc/",
                     cwd=root)
    assert result.returncode == 3, result.stderr
    hrefs = [a["href"] for t, a in parse_page(target.read_text()).tags if t == "a"]
    assert "../../answered.ipynb" in hrefs and (target.parent / "../../answered.ipynb").is_file()
    assert "https://example.org/r/blob/abc/answered.ipynb" in hrefs
    assert not [h for h in hrefs if h.startswith("https://example.org") and "broken" in h]  # unreadable: no row


def test_html_heatmap_tells_hints_without_answers_from_nothing_at_all(audited):
    _, report = audited
    page = render(report, "html")
    fills = {a["fill"] for t, a in parse_page(page).tags if t == "rect"}
    assert "#9ecae1" in fills  # monitoring: no answer yet, but the code hints at a practice
    assert "no answers · hints for 1" in page and "no answers, no hints" in page


def test_html_heatmap_is_inline_svg_with_a_cell_per_phase_and_pillar(audited):
    _, report = audited
    parsed = parse_page(render(report, "html"))
    rects = [a for t, a in parsed.tags if t == "rect"]
    assert sum(1 for t, _ in parsed.tags if t == "svg") == 1
    assert len(rects) == 6 * 6
    colors = {a["fill"] for a in rects}
    assert "#e8e8e8" in colors and len(colors) > 1  # phases absent are grey, present ones coloured
    rows = [a for t, a in parsed.tags if t == "tr" and a.get("class") == "notebook"]
    assert len(rows) == len(report["notebooks"])


# ---------------------------------------------------------------- markdown and table


def test_markdown_escapes_notebook_strings_and_keeps_tables_whole(audited):
    _, report = audited
    text = render(report, "markdown")
    assert "<b>" not in text and "<i>" not in text
    assert r'we\|ird &lt;b&gt;"quoted"&lt;/b&gt; &amp; spaced/model &lt;v2&gt;.ipynb' in text
    for table in re.findall(r"(?:^\|.*\|$\n?)+", text, flags=re.M):
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table.strip().splitlines()}
        assert len(widths) == 1, table
    assert "❌ UNREADABLE: 1 file(s)" in text


def large(report: dict, copies: int) -> dict:
    """`report` as if its notebooks (and unreadable files) were there `copies` times over."""
    notebooks = [{**nb, "path": f"copy{i}/{nb['path']}"} for i in range(copies) for nb in report["notebooks"]]
    unreadable = [{**u, "path": f"copy{i}/{u['path']}"} for i in range(copies) for u in report["unreadable"]]
    return {**report, "notebooks": notebooks, "unreadable": unreadable,
            "no_answers": [nb["path"] for nb in notebooks if not nb["answers"]]}


@pytest.mark.parametrize("copies", [1, 40, 3000])
def test_markdown_fits_a_pull_request_comment_whatever_the_size_worst_notebooks_first(audited, copies):
    _, report = audited
    big = large(report, copies)
    text = render(big, "markdown")
    assert len(text) <= 60_000
    rows = re.findall(r"^\| (\S.*?) \| .* \| \d+% \| (\d+) \| (\d+) \| \d+/\d+ \|$", text, flags=re.M)
    opened = [(-int(high), -int(medium)) for _, high, medium in rows]
    assert rows and opened == sorted(opened)
    worst = max(big["notebooks"], key=lambda nb: (nb["open"]["high"], nb["open"]["medium"]))
    assert rows[0][1:] == (str(worst["open"]["high"]), str(worst["open"]["medium"]))
    left = len(big["notebooks"]) - len(rows)
    assert (f"and {left} more notebooks: the full report lists them all" in text) == (left > 0)
    assert (left > 0) == (copies == 3000)
    assert "❌ UNREADABLE" in text.split("###")[0]  # the verdict stays in the summary


def test_markdown_with_a_baseline_is_a_change_report_new_risks_first(audited):
    _, report = audited
    practice = next(iter(report["lens"]["practices"]))
    changes = [{"workload": "w", "id": practice, "risk": "medium", "change": "resolved", "notebooks": []},
               *({"workload": f"w{i}", "id": practice, "risk": "high", "change": "new", "notebooks": ["a.ipynb"]}
                 for i in range(2000))]
    text = render({**report, "baseline": {"name": "v1", "new": [practice], "resolved": [practice],
                                          "changes": changes}}, "markdown")
    assert len(text) <= 60_000
    assert text.startswith("## ML Lens audit: changes since v1")
    assert text.split("###")[1].startswith(" Since v1: 1 new, 1 resolved")
    assert "| new | " in text.split("###")[1]
    assert re.search(r"^and \d+ more changes: the full report", text, flags=re.M)


def test_table_names_notebooks_risks_and_problems_on_plain_lines(audited, tmp_path):
    _, report = audited
    text = render(report, "table")
    assert "broken <i>.ipynb: invalid JSON" in text
    assert "UNREADABLE: 1 file(s) could not be audited (exit 3)" in text.splitlines()[-1]
    for nb in report["notebooks"]:
        assert nb["path"] in text
    hostile = {**report, "notebooks": [{**report["notebooks"][0], "path": "evil\x1b[2J\x07.ipynb"}]}
    assert "\x1b" not in render(hostile, "table") and "evil\\x1b[2J\\x07.ipynb" in render(hostile, "table")


@pytest.fixture(scope="module")
def sortable(tmp_path_factory) -> Path:
    """Four notebooks whose order by path, by open risks and by coverage all differ."""
    root = tmp_path_factory.mktemp("sortable")
    goal = [p.id for p in get_lens().practices if p.phase == "business_goal"]
    write(root / "a.ipynb", lens_notebook(["business_goal"], {pid: answer("done") for pid in goal[:3]}))
    write(root / "b.ipynb", lens_notebook(["business_goal", "model_development", "deployment"]))
    write(root / "c.ipynb", lens_notebook(["monitoring"]))
    write(root / "d.ipynb", lens_notebook(["business_goal", "model_development"], {goal[0]: answer("done")}))
    return root


def table_rows(text: str) -> list[tuple[float, int, int, str]]:
    """(coverage, high, medium, path) of each notebook line of the table."""
    found = re.findall(r"^ +(\d+%|-) +(\d+) +(\d+) +\d+/\d+ +(.*?)  \[", text, flags=re.M)
    return [(float(c.rstrip("%")) if c != "-" else 200.0, int(h), int(m), p) for c, h, m, p in found]


@pytest.mark.parametrize("order, key", [
    ("risk", lambda row: (-row[1], -row[2], row[0])),
    ("path", lambda row: row[3]),
    ("coverage", lambda row: row[0]),
])
def test_table_lists_notebooks_worst_first_or_as_sorted(sortable, order, key):
    root = sortable
    args = ("audit", root, "--format", "table") + (("--sort", order) if order != "risk" else ())
    rows = table_rows(run_cli(*args).stdout)
    assert len(rows) == 4 and rows == sorted(rows, key=key)
    assert len({r[1:3] for r in rows}) > 1 or order != "risk"


def test_table_ends_with_one_summary_line_for_a_ci_log(audited):
    root, _ = audited
    result = run_cli("audit", root, "--sort", "coverage")
    last = result.stdout.splitlines()[-1]
    assert re.fullmatch(r"mllens audit: 2 notebooks, coverage \d+%, open risks \d+ high \d+ medium: "
                        r"UNREADABLE: 1 file\(s\) could not be audited \(exit 3\)", last)
    assert len(last) <= 150
    assert run_cli("audit", root, "--sort", "size").returncode == 2


@pytest.mark.parametrize("name", list(BUILTIN))
def test_undecodable_names_and_lone_surrogates_still_give_a_valid_utf8_report(tmp_path, name):
    notebook = lens_notebook(["business_goal"], {"MLOPS01-BP01": answer("done", note="half a pair: \ud800")})
    text = json.dumps(notebook)  # ensure_ascii keeps the lone surrogate as the escape \ud800
    (tmp_path / "repo").mkdir()
    with open(bytes(tmp_path / "repo") + b"/caf\xe9.ipynb", "w", encoding="utf-8") as handle:
        handle.write(text)
    target = tmp_path / "out" / f"report.{name}"
    result = run_cli("audit", tmp_path / "repo", "--format", name, "-o", target)
    assert result.returncode == 0, result.stderr
    report = target.read_bytes().decode("utf-8")
    assert "caf\ufffd.ipynb" in report or "caf%EF%BF%BD.ipynb" in report
