"""`mllens review`: start a workload's review file, record a milestone of it."""

from __future__ import annotations

import os
from pathlib import Path

from traitlets import Enum, Unicode

from .cli import EXIT_OK, BaseCommand, command, say
from .errors import UsageError


class ReviewInitCommand(BaseCommand):
    name = "mllens review init"
    description = ("Start a workload's review file, mllens-review.yaml, in FOLDER (default: here); every notebook "
                   "below it inherits the answers given there (`mllens answer FOLDER PRACTICE STATUS`).")
    positional = ("folder?",)
    workload_name = Unicode("", help="The workload's name (required).").tag(config=True)
    owner = Unicode("", help="Who owns the workload.").tag(config=True)
    description_text = Unicode("", help="What the workload is.").tag(config=True)
    environment = Enum(["production", "preproduction"], None, allow_none=True,
                       help="production or preproduction, as in the Well-Architected Tool.").tag(config=True)
    aliases = {"name": "ReviewInitCommand.workload_name", "owner": "ReviewInitCommand.owner",
               "environment": "ReviewInitCommand.environment", "description": "ReviewInitCommand.description_text",
               "lens": "BaseCommand.lens"}

    @command
    def start(self) -> int:
        from . import review as reviews

        args = self.args()
        if not self.workload_name:
            raise UsageError("give the workload a name: mllens review init [FOLDER] --name NAME")
        lens = self.load_lens()
        path = reviews.review_path(args[0] if args else ".")
        if not path.parent.is_dir():
            raise UsageError(f"no such folder: {path.parent}")
        reviews.create(path, reviews.new_review(lens, self.workload_name, self.owner or None, self.environment,
                                                self.description_text or None))
        say(f"Review of workload {self.workload_name!r} started in {path}; notebooks below {path.parent} inherit it.")
        return EXIT_OK


class ReviewMilestoneCommand(BaseCommand):
    name = "mllens review milestone"
    description = ("Record a milestone in a review file: today's date, the effective answers of the practices that "
                   "apply to the workload, and its open risks; `mllens audit --baseline NAME` compares with it.")
    positional = ("name", "review?")
    aliases = {"lens": "BaseCommand.lens"}

    @command
    def start(self) -> int:
        from . import review as reviews
        from .audit import Auditor
        from .workload import milestone_of

        args = self.args()
        path = reviews.review_path(args[1] if len(args) > 1 else ".")
        lens = self.load_lens()
        reviews.read(path, lens)
        report = Auditor(parent=self).run([str(path.parent)], lens)
        workload = _workload_of(report, path)
        recorded = milestone_of(workload, args[0])
        reviews.update(path, lambda review: reviews.with_milestone(review, recorded), lens)
        summary = recorded["summary"]
        say(f"Milestone {args[0]!r} recorded in {path}: {summary['applicable']} practices apply, open risks "
            f"{summary['open_high']} high and {summary['open_medium']} medium.")
        return EXIT_OK


def _workload_of(report: dict, path: Path) -> dict:
    from .workload import shown_path

    shown = shown_path(Path(os.path.abspath(path)))
    found = next((w for w in report["workloads"] if w["review"] == shown), None)
    return found or {"review": shown, "name": "", "notebooks": 0, "practices": [], "open": {}, "overdue": []}


class ReviewCommand(BaseCommand):
    name = "mllens review"
    description = "A workload's review file: every notebook below it inherits its answers."
    subcommands = {
        "init": (ReviewInitCommand, ReviewInitCommand.description),
        "milestone": (ReviewMilestoneCommand, ReviewMilestoneCommand.description),
    }
