"""The `mllens` command line (also `jupyter mllens`): thin applications that parse, call and print."""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn, TextIO

from jupyter_core.application import JupyterApp
from traitlets import Enum, Unicode, default
from traitlets.config import Application
from traitlets.config.loader import ArgumentError, KVArgParseConfigLoader, _KVArgParser

from . import __version__
from .escaping import json_visible, visible
from .errors import (
    AnswerError,
    FileError,
    LensNotFoundError,
    LensValidationError,
    MllensError,
    UnknownPracticeError,
    UnreadableNotebookError,
    UsageError,
)

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_INTERNAL = 70

EXIT_CODES_HELP = """Exit codes:
    0  success
    1  a check failed: `audit --fail-on` found open risks, `lens validate` found problems
    2  usage error: unknown option, command, practice, status, reason or lens
    3  unreadable input: a notebook or lens file that is missing, invalid, unreadable or not writable
   70  internal error: a bug in mllens (rerun with --debug for the traceback)"""

_EXIT_FOR: list[tuple[type, int]] = [
    (FileError, EXIT_UNREADABLE),
    (LensValidationError, EXIT_UNREADABLE),
    (UnknownPracticeError, EXIT_USAGE),
    (AnswerError, EXIT_USAGE),
    (LensNotFoundError, EXIT_USAGE),
    (UsageError, EXIT_USAGE),
    (MllensError, EXIT_UNREADABLE),
]


def say(text: str, file: TextIO | None = None) -> None:
    """Print text for a person: whatever came from a file is shown with its control characters escaped."""
    print(visible(text), file=file or sys.stdout)


def fail(message: str, code: int) -> None:
    """One clear line (or block) on stderr, then exit with `code`."""
    say(f"mllens: error: {message}", file=sys.stderr)
    sys.exit(code)


def exit_code_for(error: MllensError) -> int:
    return next(code for kind, code in _EXIT_FOR if isinstance(error, kind))


def command(start: Callable[..., int | None]) -> Callable[..., None]:
    """Run a subcommand's start(): known errors become a message and an exit code, never a traceback."""

    @functools.wraps(start)
    def run(self: Any) -> None:
        try:
            code = start(self)
        except MllensError as err:
            fail(str(err), exit_code_for(err))
        except BrokenPipeError:
            sys.stderr.close()
            code = EXIT_OK
        except Exception as err:
            if self.log_level > logging.DEBUG:
                fail(f"internal error, please report it: {type(err).__name__}: {err}", EXIT_INTERNAL)
            raise
        sys.exit(code or EXIT_OK)

    return run


def print_json(data: Any) -> None:
    sys.stdout.write(json_visible(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


class BaseCommand(JupyterApp):
    """What every mllens application shares: config file lookup, a lens choice, usage errors."""

    version = __version__
    lens = Unicode("", help="Lens id or path (default: LensRegistry.default_lens).").tag(config=True)
    positional: tuple[str, ...] = ()

    @default("config_file_name")
    def _config_file_name_default(self) -> str:
        return "mllens_config"

    def usage(self) -> str:
        """`usage: mllens answer NOTEBOOK PRACTICE STATUS [options]` (also called on the class)."""
        names = " ".join(f"[{p[:-1].upper()}]" if p.endswith("?") else p.upper() for p in self.positional)
        return f"usage: {self.name} {names} [options]".replace("  ", " ")

    def emit_description(self) -> Iterator[str]:
        if not self.subcommands:
            yield self.usage()
            yield ""
        yield from super().emit_description()

    def load_lens(self):
        from .lens import LensRegistry

        return LensRegistry(parent=self).get(self.lens or None)

    def args(self, minimum: int | None = None) -> list[str]:
        """The positional arguments, checked against `positional` (names; a trailing '?' is optional)."""
        required = [p for p in self.positional if not p.endswith("?")]
        minimum = len(required) if minimum is None else minimum
        if not minimum <= len(self.extra_args) <= len(self.positional) and "..." not in self.positional[-1:]:
            raise UsageError(self.usage())
        return list(self.extra_args)

    @default("log_format")
    def _log_format_default(self) -> str:
        return "mllens: %(message)s"

    # traitlets wraps these to log "Bad config encountered during initialization: ..." and exit; mllens
    # lets the error reach main(), which says it in one plain line.
    def initialize(self, argv: list[str] | None = None) -> None:
        JupyterApp.initialize.__wrapped__(self, argv)

    def parse_command_line(self, argv: list[str] | None = None) -> None:
        Application.parse_command_line.__wrapped__(self, argv)

    def initialize_subcommand(self, subc: str, argv: list[str] | None = None) -> None:
        Application.initialize_subcommand.__wrapped__(self, subc, argv)

    def _create_loader(self, argv, aliases, flags, classes):
        loader = _StrictLoader(argv, aliases, flags, classes=classes, log=self.log, subcommands=self.subcommands)
        loader.parser_class = _OneLineParser
        return loader

    def emit_subcommands_help(self) -> Iterator[str]:
        if not self.subcommands:
            return
        yield "Commands"
        yield "========"
        for name, (app, help_text) in self.subcommands.items():
            usage = app.usage(app) if isinstance(app, type) and issubclass(app, BaseCommand) else ""
            yield f"{usage.removeprefix('usage: ') or f'{self.name} {name}'}"
            yield f"    {help_text}"
        yield f"`{self.name} COMMAND --help` tells more of each."
        yield ""

    def emit_options_help(self) -> Iterator[str]:
        """This command's own options first, then the ones every Jupyter application has."""
        own = {key: value for key, value in self.aliases.items() if key not in JupyterApp.aliases}
        if own:
            yield "Options"
            yield "======="
            yield from self._alias_help(own)
            yield ""
        yield "General options (as in every Jupyter application)"
        yield "=================================================="
        yield from self.emit_flag_help()
        yield from self._alias_help({key: value for key, value in self.aliases.items() if key not in own})
        yield ""

    def _alias_help(self, aliases: dict) -> Iterator[str]:
        every = self.aliases
        self.aliases = aliases
        try:
            yield from self.emit_alias_help()
        finally:
            self.aliases = every

    def exit(self, exit_status: int | str | None = 0) -> None:
        """traitlets exits with 1 on a bad option value; for mllens that is a usage error."""
        sys.exit(EXIT_USAGE if exit_status == 1 else exit_status)

    def start(self) -> None:
        if self.subapp is not None:
            return self.subapp.start()
        if self.subcommands:
            given = f"unknown command {self.extra_args[0]!r}; " if self.extra_args else ""
            fail(f"{self.name}: {given}give a command: {', '.join(sorted(self.subcommands))}", EXIT_USAGE)
        return None


class _OneLineParser(_KVArgParser):
    """argparse without its usage block and exit: the error reaches main(), which says it in one line."""

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"--\w+\.(\w+)", lambda found: "--" + found[1].replace("_", "-"), message)
        raise ArgumentError(message.replace("argument ", "", 1))


class _StrictLoader(KVArgParseConfigLoader):
    """An option mllens does not know is a usage error, not a warning followed by a run that ignores it."""

    def _handle_unrecognized_alias(self, arg: str) -> None:
        self.parser.error(f"unknown option --{arg}")


FORMAT_ALIASES = {"format": "FormatMixin.format"}


class LensListCommand(BaseCommand):
    name = "mllens lens list"
    description = "List the installed lenses: the bundled one, configured paths and `mllens.lenses` entry points."

    @command
    def start(self) -> int:
        from .lens import Lens, LensRegistry

        broken = 0
        for key, found in LensRegistry(parent=self).available().items():
            if isinstance(found, Lens):
                say(f"{found.id:<20} {len(found.practices):>4} practices  {found.name}  ({found.source})")
            else:
                broken += 1
                say(f"{key}: cannot load: {found}", file=sys.stderr)
        return EXIT_UNREADABLE if broken else EXIT_OK


class LensShowCommand(BaseCommand):
    name = "mllens lens show"
    description = "Show the lens, or one practice (id or 2023 alias), pillar or phase of it."
    positional = ("id?",)
    format = Enum(["text", "json"], "text", help="Output format.").tag(config=True)
    aliases = {"format": "LensShowCommand.format", "lens": "BaseCommand.lens"}

    @command
    def start(self) -> int:
        from .textview import lens_item

        args = self.args()
        lens = self.load_lens()
        text, data = lens_item(lens, args[0] if args else None)
        if self.format == "json":
            print_json(data)
        else:
            say(text)
        return EXIT_OK


class LensValidateCommand(BaseCommand):
    name = "mllens lens validate"
    description = "Validate a lens folder or YAML file against the lens schema; every problem is listed."
    positional = ("path",)

    @command
    def start(self) -> int:
        from .lens import load_lens

        (path,) = self.args()
        try:
            lens = load_lens(path)
        except LensValidationError as err:
            if err.unreadable:
                raise
            say("\n".join(str(p) for p in err.problems))
            say(f"{len(err.problems)} problem(s) in {path}", file=sys.stderr)
            return EXIT_CHECK_FAILED
        say(f"{path}: valid lens {lens.id!r}: {len(lens.pillars)} pillars, {len(lens.phases)} phases, "
              f"{len(lens.practices)} practices")
        return EXIT_OK


class LensExportCommand(BaseCommand):
    name = "mllens lens export"
    description = "Export the lens for another tool: `wa-tool` is a Well-Architected Tool custom-lens JSON."
    format = Enum(["wa-tool"], "wa-tool", help="Export format.").tag(config=True)
    output = Unicode("", help="Write to this file instead of stdout.").tag(config=True)
    aliases = {"format": "LensExportCommand.format", "o": "LensExportCommand.output",
               "output": "LensExportCommand.output", "lens": "BaseCommand.lens"}

    @command
    def start(self) -> int:
        from .report.output import write_report
        from .wa_tool import export_json
        from .writer import write_new_file

        self.args()
        text = export_json(self.load_lens())
        write_report(text, self.output or None)  # a new file gets the umask's mode, as any file a tool writes
        if self.output:
            say(f"Well-Architected Tool custom lens written to {self.output} ({len(text.encode())} bytes)")
        return EXIT_OK


class LensCommand(BaseCommand):
    name = "mllens lens"
    description = "Inspect, validate and export lenses."
    subcommands = {
        "list": (LensListCommand, LensListCommand.description),
        "show": (LensShowCommand, LensShowCommand.description),
        "validate": (LensValidateCommand, LensValidateCommand.description),
        "export": (LensExportCommand, LensExportCommand.description),
    }


class AnswerCommand(BaseCommand):
    name = "mllens answer"
    description = (
        "Record an answer for a practice. TARGET is a notebook (its metadata; nothing else in the file "
        "changes), or a workload's review file or the folder that holds it (every notebook below inherits "
        "the answer unless it answers itself). STATUS is done, partial, todo or not_applicable (which needs "
        "--reason). A status change keeps the earlier note unless a new one is given."
    )
    positional = ("target", "practice", "status")
    note = Unicode(None, allow_none=True, help="A note to keep with the answer (default: keep the earlier note; "
                   "an empty one clears it).").tag(config=True)
    reason = Unicode(
        "", help="Why the practice does not apply: out_of_scope, business_priorities, architecture_constraints, other."
    ).tag(config=True)
    owner = Unicode("", help="Who owns the practice in the workload (review files only).").tag(config=True)
    due = Unicode("", help="When it is due, YYYY-MM-DD (review files only).").tag(config=True)
    aliases = {"note": "AnswerCommand.note", "reason": "AnswerCommand.reason", "owner": "AnswerCommand.owner",
               "due": "AnswerCommand.due", "lens": "BaseCommand.lens"}

    @command
    def start(self) -> int:
        from .answers import make_answer
        from .notebook import read_notebook

        target, key, status = self.args()
        lens = self.load_lens()
        practice = lens.practice(key)
        make_answer(status, reason=self.reason or None)
        if is_review_target(target):
            where = self.record_workload(target, lens, practice.id, status)
            say(f"{practice.id} ({practice.title}): {status} — recorded in {where}")
            return EXIT_OK
        self.record_notebook(target, lens, practice.id, status)
        say(f"{practice.id} ({practice.title}): {status} — recorded in {target}")
        if practice.phase not in present_phases(read_notebook(target), lens):
            say(f"note: its phase, {lens.phase(practice.phase).name}, is not present in this notebook "
                "(neither inferred nor pinned), so the answer counts in no open risk here until it is")
        return EXIT_OK

    def record_notebook(self, path: str, lens, practice_id: str, status: str) -> str:
        from .answering import answer_notebook

        if self.owner or self.due:
            raise UsageError("--owner and --due belong to the workload: answer in its review file (or its folder)")
        answer_notebook(path, lens, practice_id, status, note=self.note, reason=self.reason or None)
        return path

    def record_workload(self, target: str, lens, practice_id: str, status: str) -> str:
        from .answering import answer_workload
        from .review import review_path

        path = review_path(target)
        answer_workload(path, lens, practice_id, status, note=self.note, reason=self.reason or None,
                        owner=self.owner or None, due=self.due or None)
        return f"{path} (the workload)"


def is_review_target(target: str) -> bool:
    """Whether `mllens answer` was given a review file or a folder rather than a notebook."""
    return Path(target).is_dir() or target.endswith((".yaml", ".yml"))


def present_phases(notebook: dict, lens) -> list[str]:
    """The lens phases present in a notebook: inferred from its cells, or pinned in its metadata."""
    from .inference import infer_notebook

    return infer_notebook(notebook, lens)["phases"]


class NotebookViewCommand(BaseCommand):
    """Read one notebook, build plain data about it, and print that as text or as one JSON document.

    Subclasses define `data(path, notebook, lens) -> dict` and `text(data, lens) -> str`.
    """

    positional = ("notebook",)
    format = Enum(["text", "json"], "text", help="Output format.").tag(config=True)

    @command
    def start(self) -> int:
        from .notebook import read_notebook

        (path,) = self.args()
        lens = self.load_lens()
        data = self.data(path, read_notebook(path), lens)
        if self.format == "json":
            print_json(data)
        else:
            say(self.text(data, lens))
        return EXIT_OK


class StatusCommand(NotebookViewCommand):
    name = "mllens status"
    description = ("Show the answers that apply to a notebook (its own, and those it inherits from its workload's "
                   "review file) and its open risks, grouped by pillar.")
    aliases = {"format": "StatusCommand.format", "review": "StatusCommand.review", "lens": "BaseCommand.lens"}

    review = Unicode("", help="The workload's review file (default: the nearest mllens-review.yaml above the "
                     "notebook, or [tool.mllens] review).").tag(config=True)

    def data(self, path: str, notebook: dict, lens) -> dict:
        from . import review as reviews
        from .status import notebook_status

        found = reviews.review_for(path, self.review or None)
        inherited = reviews.workload_answers(reviews.load(found, lens), lens) if found else {}
        return notebook_status(lens, notebook, path, present_phases(notebook, lens), inherited,
                               str(found) if found else None)

    def text(self, data: dict, lens) -> str:
        from .textview import status_text

        return status_text(data, lens)


class InferCommand(NotebookViewCommand):
    name = "mllens infer"
    description = "Show the lifecycle stages inferred for each cell of a notebook, and the lens phases present."
    aliases = {"format": "InferCommand.format", "lens": "BaseCommand.lens"}

    def data(self, path: str, notebook: dict, lens) -> dict:
        from .inference import infer_notebook

        return {"path": path, **infer_notebook(notebook, lens)}

    def text(self, data: dict, lens) -> str:
        from .textview import inference_text

        return inference_text(data["path"], data, lens)


class AuditCommand(BaseCommand):
    name = "mllens audit"
    description = (
        "Audit notebooks and folders: the lifecycle phases inferred from the cells, the answers recorded in "
        "each notebook, open risks and coverage, as a report. Folders are walked (hidden folders and "
        ".ipynb_checkpoints skipped); [tool.mllens] exclude in the nearest pyproject.toml and --exclude GLOB "
        "leave files out. Exit code: 3 when any notebook is unreadable (this wins, so CI notices), else 1 when "
        "--fail-on finds an open risk at or above the level, else 0; 2 for a usage error."
    )
    positional = ("path", "...")
    format = Unicode(
        "table", help="Report format: table, json, markdown, html, sarif, junit, or one added by an mllens.reports entry point."
    ).tag(config=True)
    output = Unicode("", help="Write the report to this file (atomically, parent folders created) instead of stdout.").tag(
        config=True
    )
    link_base = Unicode("", help="In the HTML report, also link each notebook under this URL (a repository's web "
                        "view at a commit, say), by its path as audited.").tag(config=True)
    sort = Enum(["risk", "path", "coverage"], "risk", help="Order of the notebooks in the table: risk (worst "
                "first: open high risks, then medium), path, or coverage (lowest first).").tag(config=True)
    aliases = {
        "format": "AuditCommand.format",
        "sort": "AuditCommand.sort",
        "link-base": "AuditCommand.link_base",
        "o": "AuditCommand.output",
        "output": "AuditCommand.output",
        "fail-on": "Auditor.fail_on",
        "jobs": "Auditor.jobs",
        "exclude": "Auditor.exclude",
        "review": "Auditor.review",
        "baseline": "Auditor.baseline",
        "lens": "BaseCommand.lens",
    }

    def __init__(self, **kwargs: Any) -> None:
        from .audit import Auditor  # imported here so that other commands start without it

        self.classes = [Auditor]
        super().__init__(**kwargs)

    @command
    def start(self) -> int:
        from .report import formats

        renderer = formats.get(self.format)()
        for option in ("sort", "output", "link_base"):
            if hasattr(renderer, option):
                setattr(renderer, option, getattr(self, option))
        paths = self.args()
        lens = self.load_lens()
        auditor = self.auditor()
        progress = self.progress(auditor, paths)
        report = auditor.run(paths, lens, on_result=progress.step)
        progress.close()
        self.emit(renderer, report)
        return report["gate"]["exit_code"]

    def auditor(self):
        from traitlets import TraitError

        from .audit import Auditor

        try:
            return Auditor(parent=self)
        except TraitError as err:
            raise UsageError(plain_usage_error(err)) from None

    def progress(self, auditor, paths: list[str]):
        from .report.progress import Progress, is_interactive

        total = None
        if is_interactive(sys.stderr):
            total = sum(1 for entry in auditor.entries(paths) if entry.kind == "notebook")
        return Progress(total)

    def emit(self, renderer, report: dict) -> None:
        from .report.output import stream_report

        stream_report(renderer, report, self.output)
        if self.output:
            summary = report["summary"]
            say(
                f"mllens: {self.format} report of {summary['notebooks']} notebook(s), {summary['unreadable']} "
                f"unreadable, written to {self.output}",
                file=sys.stderr,
            )


class MllensApp(BaseCommand):
    name = "mllens"
    description = (
        "The AWS Well-Architected Machine Learning Lens for notebooks: answers recorded in notebook "
        "metadata, lifecycle phases inferred from the cells, audits of whole repositories."
    )
    subcommands = {
        "lens": (LensCommand, LensCommand.description),
        "answer": (AnswerCommand, "Record an answer for a practice in a notebook's metadata."),
        "status": (StatusCommand, StatusCommand.description),
        "infer": (InferCommand, "Show the stages inferred for each cell of a notebook, and the phases present."),
        "audit": (AuditCommand, "Audit notebooks and folders against the lens: a report, and an exit code for CI."),
        "review": ("mllens_jupyter.review_commands.ReviewCommand",
                   "Start a workload's review file, or record a milestone of it."),
        "wa": ("mllens_jupyter.wa_commands.WaCommand",
               "Push a workload's review to the AWS Well-Architected Tool, pull answers back, get its report."),
    }


    def emit_subcommands_help(self) -> Iterator[str]:
        yield from super().emit_subcommands_help()
        yield from EXIT_CODES_HELP.splitlines()
        yield ""


def main(argv: list[str] | None = None) -> None:
    """Entry point of `mllens` and `jupyter-mllens`."""
    from traitlets import TraitError

    app = MllensApp.instance()
    try:
        app.initialize(argv)
    except MllensError as err:
        fail(str(err), exit_code_for(err))
    except (ArgumentError, TraitError, ValueError) as err:
        fail(f"{plain_usage_error(err)}. See `{innermost(app).name} --help`.", EXIT_USAGE)
    app.start()


_TRAIT_ERROR = re.compile(r"The '(?P<name>[\w-]+)' trait of an? \w+ instance expected (?P<expected>.+?), "
                          r"not the \w+ (?P<value>.+?)\.?$", re.S)


_TRAIT_BOUND = re.compile(r"The value of the '(?P<name>[\w-]+)' trait of an? \w+ instance should (?P<rule>.+?), "
                          r"but a value of (?P<value>.+?) was specified$", re.S)


def plain_usage_error(error: Exception) -> str:
    """A traitlets error in the words of the command line: `--format must be one of wa-tool, not 'csv'`."""
    text = " ".join(str(error).split()).rstrip(".")
    bound = _TRAIT_BOUND.match(text)
    if bound:
        return f"--{bound['name'].replace('_', '-')} should {bound['rule']}, not {bound['value']}"
    found = _TRAIT_ERROR.match(text)
    if not found:
        return text
    expected = found["expected"]
    choices = re.match(r"any of \[(.*)\]", expected)
    if choices:
        expected = "one of " + ", ".join(c.strip().strip("'\"") for c in choices[1].split(","))
    return f"--{found['name'].replace('_', '-')} must be {expected}, not {found['value']}"


def innermost(app: Application) -> Application:
    while getattr(app, "subapp", None) is not None:
        app = app.subapp
    return app
