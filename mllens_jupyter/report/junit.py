"""The audit report as JUnit XML for CI dashboards.

One `testsuite` per notebook, one `testcase` per applicable practice. An open risk at or above the
failing level (`--fail-on`, high when not given) is a `failure`; other open risks pass with a note in
`system-out`; `not_applicable` answers are `skipped`. Each unreadable file is a suite whose one
testcase is an `error`. Suites and the root carry the tests/failures/errors/skipped counts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .base import Report, applicable_rows

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
        root = ET.Element("testsuites", name="mllens audit")
        failing = RANK[report["gate"]["fail_on"] or "high"]
        suites = [self.notebook_suite(report, nb, failing) for nb in report["notebooks"]]
        suites += [self.unreadable_suite(item) for item in report["unreadable"]]
        root.extend(suites)
        totals = {key: sum(int(s.get(key, "0")) for s in suites) for key in ("tests", *OUTCOMES.values())}
        _set_counts(root, totals)
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

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
