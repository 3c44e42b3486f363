"""`mllens wa`: carry a workload's review to the AWS Well-Architected Tool and back (needs boto3:
`pip install 'mllens-jupyter[aws]'`)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable

from traitlets import Bool, Enum, Integer, Unicode

from .cli import EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, BaseCommand, command, fail, print_json, say
from .errors import UsageError, WaToolError

EXIT_SERVICE = 4
EXIT_HELP = ("Exit codes: 0 done; 1 pull found conflicts; 2 usage (boto3 missing, no credentials or region, a bad "
             "name); 3 an unreadable review file; 4 the Tool refused a call or kept throttling.")


def wa_command(start: Callable[..., int | None]) -> Callable[..., None]:
    """Like `command`, and the Tool's refusals exit with EXIT_SERVICE."""

    @functools.wraps(start)
    def run(self: Any) -> int | None:
        try:
            return start(self)
        except WaToolError as err:
            fail(str(err), EXIT_SERVICE)
            return None

    return command(run)


class WaBaseCommand(BaseCommand):
    """What every `mllens wa` command takes: the review file, the workload, and AWS's own settings."""

    positional = ("review?",)
    profile = Unicode("", help="AWS profile (default: the standard chain: AWS_PROFILE, environment, "
                      "~/.aws/config, SSO, instance role).").tag(config=True)
    region = Unicode("", help="AWS region (default: AWS_REGION or the profile's).").tag(config=True)
    workload_name = Unicode("", help="The workload's name in the Tool (default: the review's).").tag(config=True)
    max_attempts = Integer(5, help="Attempts per call in botocore's standard retry mode.").tag(config=True)
    throttle_retries = Integer(4, help="Further retries, with a longer backoff, of a call the Tool still "
                               "throttles.").tag(config=True)
    aliases = {"profile": "WaBaseCommand.profile", "region": "WaBaseCommand.region",
               "workload-name": "WaBaseCommand.workload_name", "lens": "BaseCommand.lens"}

    def review_file(self) -> Path:
        from .review import review_path

        args = self.args()
        return review_path(args[0] if args else ".")

    def tool(self):
        from .wa_client import ToolClient, make_client

        return ToolClient(make_client(self.profile, self.region, self.max_attempts), self.throttle_retries)


class WaPushCommand(WaBaseCommand):
    name = "mllens wa push"
    description = (
        "Push a workload's review (REVIEW: mllens-review.yaml or its folder; default: here) to the Well-Architected "
        "Tool: import and publish the lens as a custom lens when the account lacks this version, find the workload "
        "by name or create it, then answer each question the review answers (done practices selected, not "
        "applicable ones marked so with their reason, partial and to-do ones unselected with a note). A push "
        "that stopped can be run again and finishes the rest. " + EXIT_HELP
    )
    dry_run = Bool(False, help="Make no call; print the plan.").tag(config=True)
    format = Enum(["text", "json"], "text", help="text, or json: {\"calls\": [{\"operation\", \"params\"}]}.").tag(
        config=True)
    milestone = Unicode("", help="Record a milestone of this name in the Tool after the push.").tag(config=True)
    aliases = {**WaBaseCommand.aliases, "format": "WaPushCommand.format", "milestone": "WaPushCommand.milestone"}
    flags = {**BaseCommand.flags,
             "dry-run": ({"WaPushCommand": {"dry_run": True}}, "Make no call; print the plan of the push.")}

    @wa_command
    def start(self) -> int:
        from . import review as reviews
        from .wa_client import require_boto3
        from .wa_service import assumed_account, push, push_request
        from .wa_sync import push_plan

        require_boto3()
        path = self.review_file()
        lens = self.load_lens()
        request = push_request(reviews.read(path, lens), lens, self.workload_name or None, self.milestone or None)
        if self.dry_run:
            return self.show(push_plan(request, assumed_account(request)), path, dry=True)
        calls = push(self.tool(), path, request, on_call=self.progress)
        return self.show(calls, path, dry=False)

    def progress(self, call) -> None:
        if self.format == "text":
            say(f"{call.operation}: {call.about}")

    def show(self, calls: list, path: Path, dry: bool) -> int:
        if self.format == "json":
            print_json({"calls": [call.as_dict() for call in calls]})
        elif dry:
            say(f"Dry run: no call made. A push of {path} would make {len(calls)} calls:")
            say("\n".join(f"{n:>3}. {c.operation}: {c.about}" for n, c in enumerate(calls, 1)))
        else:
            say(f"Pushed {path}: {len(calls)} calls made.")
        return EXIT_OK


class WaPullCommand(WaBaseCommand):
    name = "mllens wa pull"
    description = (
        "Pull the answers given in the Well-Architected Tool into a review file, at workload scope, and show what "
        "changed. An answer changed both here and in the Tool since the last push or pull is a conflict: it is "
        "shown and left as it is here (exit 1). " + EXIT_HELP
    )
    format = Enum(["text", "json"], "text", help="Output format.").tag(config=True)
    aliases = {**WaBaseCommand.aliases, "format": "WaPullCommand.format"}

    @wa_command
    def start(self) -> int:
        from .wa_client import require_boto3
        from .wa_service import pull

        require_boto3()
        path = self.review_file()
        pulled = pull(self.tool(), path, self.load_lens(), self.workload_name or None)
        conflicts = [d for d in pulled.differences if d.taken is None]
        if self.format == "json":
            print_json({"workload": pulled.workload_name, "review": str(path),
                        "changes": [vars(d) for d in pulled.differences if d.taken is not None],
                        "conflicts": [vars(d) for d in conflicts]})
        else:
            say(pull_text(pulled, path))
        return EXIT_CHECK_FAILED if conflicts else EXIT_OK


def pull_text(pulled, path: Path) -> str:
    lines = [f"{d.practice}: {d.here or 'unanswered'} -> {d.taken} (from the Tool)"
             for d in pulled.differences if d.taken is not None]
    lines += [f"{d.practice}: conflict: {d.here or 'unanswered'} here, {d.tool} in the Tool; both changed since "
              f"the last sync, left as it is here" for d in pulled.differences if d.taken is None]
    taken = len(pulled.differences) - sum(1 for d in pulled.differences if d.taken is None)
    lines.append(f"Pulled workload {pulled.workload_name!r} into {path}: {taken} answer(s) changed, "
                 f"{len(pulled.differences) - taken} conflict(s).")
    return "\n".join(lines)


class WaReportCommand(WaBaseCommand):
    name = "mllens wa report"
    description = ("Write the Well-Architected Tool's PDF report of the workload's lens review (of a milestone, "
                   "by number or name, with --milestone) to -o FILE.pdf. " + EXIT_HELP)
    milestone = Unicode("", help="The milestone's number or name (default: the current review).").tag(config=True)
    output = Unicode("", help="The PDF file to write (required).").tag(config=True)
    aliases = {**WaBaseCommand.aliases, "milestone": "WaReportCommand.milestone", "o": "WaReportCommand.output",
               "output": "WaReportCommand.output"}

    @wa_command
    def start(self) -> int:
        from .wa_client import require_boto3
        from .wa_service import report
        from .writer import replace_atomically

        require_boto3()
        if not self.output:
            raise UsageError("give the file to write: mllens wa report [REVIEW] -o FILE.pdf")
        path = self.review_file()
        data = report(self.tool(), path, self.load_lens(), self.workload_name or None, self.milestone or None)
        target = Path(self.output)
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(target, data)
        say(f"Well-Architected Tool report written to {target} ({len(data)} bytes)")
        return EXIT_OK


class WaCommand(BaseCommand):
    name = "mllens wa"
    description = ("Carry a workload's review to the AWS Well-Architected Tool and back (needs "
                   "`pip install 'mllens-jupyter[aws]'`).")
    subcommands = {
        "push": (WaPushCommand, "Push the review's answers to a workload in the Tool (--dry-run: print the plan)."),
        "pull": (WaPullCommand, "Pull the Tool's answers into the review file; conflicts are reported."),
        "report": (WaReportCommand, "Write the Tool's PDF report of the workload's lens review."),
    }

    def start(self) -> None:
        if self.subapp is None:
            from .wa_client import require_boto3

            try:
                require_boto3()
            except UsageError as err:
                fail(str(err), EXIT_USAGE)
        super().start()
