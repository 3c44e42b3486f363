"""Screenshot of the HTML audit report of the shared corpora for the README: `make report-screenshot`.

Audits the 742 notebooks of ../shared/corpora, writes build/corpora-audit.html, opens it from file://
in headless Chromium (Debian's /usr/bin/chromium, or MLLENS_CHROMIUM) and saves the top of the page,
the workload view and the filters, to docs/images/audit-report.png. Never run by the tests.

    python docs/report_screenshot.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("MLLENS_CHROMIUM", "/usr/bin/chromium")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder (has corpora/)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from mllens_jupyter.audit import Auditor
    from mllens_jupyter.lens import get_lens
    from mllens_jupyter.report.html import HtmlReport
    from mllens_jupyter.report.output import stream_report

    target = REPO / "build" / "corpora-audit.html"
    report = Auditor(jobs=0).run([str(args.shared / "corpora")], get_lens())
    stream_report(HtmlReport(output=str(target)), report, target)
    shot = REPO / "docs" / "images" / "audit-report.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        page.goto(target.as_uri())
        page.get_by_role("search").wait_for()
        page.get_by_label("Risk").select_option("high")
        page.screenshot(path=str(shot))
        browser.close()
    print(f"{shot.relative_to(REPO)}: the report of {report['summary']['notebooks']} notebooks ({target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
