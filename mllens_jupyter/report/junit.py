"""The audit report as JUnit XML for CI dashboards.

One `testsuite` per notebook, one `testcase` per applicable practice. An open risk at or above the
failing level (`--fail-on`, high when not given) is a `failure`; other open risks pass with a note in
`system-out`; `not_applicable` answers are `skipped`. Each unreadable file is a suite whose one
testcase is an `error`. Suites and the root carry the tests/failures/errors/skipped counts. Written
one suite at a time.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from itertools import chain
from typing import TextIO

from .base import Report, applicable_count, applicable_rows

RANK = {"medium": 1, "high": 2}
OUTCOMES = {"failure": "failures", "error": "errors", "skipped": "skipped"}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """Text XML 1.0 can hold (ElementTree escapes markup but not control characters)."""
    return _XML_INVALID.sub("?", str(text))


def _set_counts(element: ET.Element, counts: dict[str, int]) -> None:
    for key, value in counts.items():
        element.set(key, str(value))


def _case_counts(cases: list[ET.Element]) -> dict[str, int]:
    counts = {"tests": len(cases), **{plural: 0 for plural in OUTCOMES.values()}}
    for case in cases:
        for tag, plural in OUTCOMES.items():
            counts[plural] += case.find(tag) is not None
    return counts


class JunitReport(Report):
    name = "junit"
    extension = ".xml"
    media_type = "application/xml"
    description = "JUnit XML for CI dashboards"

    def render(self, report: dict) -> str:
        out = io.StringIO()
        self.write(report, out)
        return out.getvalue()

    def write(self, report: dict, stream: TextIO) -> None:
        """The root's counts first (they follow from the notebooks' counts), then one suite at a time."""
        from ..records import NotebookDetails

        failing = RANK[report["gate"]["fail_on"] or "high"]
        root = ET.Element("testsuites", name="mllens audit")
        _set_counts(root, self.totals(report, failing))
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        if not (report["notebooks"] or report["unreadable"]):
            stream.write(ET.tostring(root, encoding="unicode") + "\n")
            return
        stream.write(ET.tostring(root, encoding="unicode").replace(" />", ">"))
        details = NotebookDetails(report)
        suites = chain((self.notebook_suite(report, details.detail(nb), failing) for nb in report["notebooks"]),
                       (self.unreadable_suite(item) for item in report["unreadable"]))
        for suite in suites:
            ET.indent(suite, level=1)
            stream.write("\n  " + ET.tostring(suite, encoding="unicode"))
        stream.write("\n</testsuites>\n")

    @staticmethod
    def totals(report: dict, failing: int) -> dict[str, int]:
        notebooks, unreadable = report["notebooks"], len(report["unreadable"])
        failures = sum(nb["open"]["high"] + (nb["open"]["medium"] if failing == 1 else 0) for nb in notebooks)
        return {
            "tests": sum(applicable_count(nb) for nb in notebooks) + unreadable,
            "failures": failures,
            "errors": unreadable,
            "skipped": sum(nb["by_status"]["not_applicable"] for nb in notebooks),
        }

    def notebook_suite(self, report: dict, nb: dict, failing: int) -> ET.Element:
        path = xml_text(nb["path"])
        suite = ET.Element("testsuite", name=path)
        for pid, info, status, risk in applicable_rows(report, nb):
            case = ET.SubElement(suite, "testcase", classname=path, name=xml_text(f"{pid} {info['title']}"))
            answer = nb["answers"].get(pid) or {}
            output = [f"note: {answer['note']}"] if answer.get("note") else []
            if risk and RANK[risk] >= failing:
                failure = ET.SubElement(case, "failure", message=f"open {risk} risk: {status}", type=risk)
                failure.text = f"{pid} ({info['pillar']}, {info['phase']}) is {status}. {info.get('docs_url', '')}"
            elif status == "not_applicable":
                ET.SubElement(case, "skipped", message=xml_text(f"not applicable: {answer.get('reason', '')}"))
            elif risk:
                output.insert(0, f"open {risk} risk: {status}")
            if output:
                ET.SubElement(case, "system-out").text = xml_text("\n".join(output))
        _set_counts(suite, _case_counts(suite.findall("testcase")))
        return suite

    def unreadable_suite(self, item: dict) -> ET.Element:
        path, reason = xml_text(item["path"]), xml_text(item["reason"])
        suite = ET.Element("testsuite", name=path)
        case = ET.SubElement(suite, "testcase", classname=path, name="read notebook")
        ET.SubElement(case, "error", message=reason, type="unreadable").text = reason
        _set_counts(suite, _case_counts([case]))
        return suite
