"""The `mllens` command line (also `jupyter mllens`): thin applications that parse, call and print."""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

from jupyter_core.application import JupyterApp
from traitlets import Enum, Unicode, default
from traitlets.config import Application

from . import __version__
from .errors import (
    AnswerError,
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
    3  unreadable input: a notebook or lens file that is missing, invalid or unreadable
   70  internal error: a bug in mllens (rerun with --debug for the traceback)"""

_EXIT_FOR: list[tuple[type, int]] = [
    (UnreadableNotebookError, EXIT_UNREADABLE),
    (LensValidationError, EXIT_UNREADABLE),
    (UnknownPracticeError, EXIT_USAGE),
    (AnswerError, EXIT_USAGE),
    (LensNotFoundError, EXIT_USAGE),
    (UsageError, EXIT_USAGE),
    (MllensError, EXIT_UNREADABLE),
]


def fail(message: str, code: int) -> None:
    """One clear line (or block) on stderr, then exit with `code`."""
    print(f"mllens: error: {message}", file=sys.stderr)
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
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


class BaseCommand(JupyterApp):
    """What every mllens application shares: config file lookup, a lens choice, usage errors."""

    version = __version__
    lens = Unicode("", help="Lens id or path (default: LensRegistry.default_lens).").tag(config=True)
    positional: tuple[str, ...] = ()

    @default("config_file_name")
    def _config_file_name_default(self) -> str:
        return "mllens_config"

    def usage(self) -> str:
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
                print(f"{found.id:<20} {len(found.practices):>4} practices  {found.name}  ({found.source})")
            else:
                broken += 1
                print(f"{key}: cannot load: {found}", file=sys.stderr)
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
            print(text)
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
            print("\n".join(str(p) for p in err.problems))
            print(f"{len(err.problems)} problem(s) in {path}", file=sys.stderr)
            return EXIT_CHECK_FAILED
        print(f"{path}: valid lens {lens.id!r}: {len(lens.pillars)} pillars, {len(lens.phases)} phases, "
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
        from .notebook import atomic_write_text
        from .wa_tool import export_json

        self.args()
        text = export_json(self.load_lens())
        if not self.output:
            sys.stdout.write(text)
            return EXIT_OK
        Path(self.output).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.output, text)
        print(f"Well-Architected Tool custom lens written to {self.output} ({len(text.encode())} bytes)")
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
        "Record an answer in a notebook's metadata (nothing else in the file changes). "
        "STATUS is done, partial, todo or not_applicable (which needs --reason)."
    )
    positional = ("notebook", "practice", "status")
    note = Unicode("", help="A note to keep with the answer.").tag(config=True)
    reason = Unicode(
        "", help="Why the practice does not apply: out_of_scope, business_priorities, architecture_constraints, other."
    ).tag(config=True)
    aliases = {"note": "AnswerCommand.note", "reason": "AnswerCommand.reason", "lens": "BaseCommand.lens"}

    @command
    def start(self) -> int:
        from .answers import make_answer, with_answer
        from .notebook import update_namespace

        path, key, status = self.args()
        lens = self.load_lens()
        practice = lens.practice(key)
        answer = make_answer(status, note=self.note or None, reason=self.reason or None)
        update_namespace(path, lambda ns: with_answer(ns, practice.id, answer, lens.id))
        print(f"{practice.id} ({practice.title}): {status} — recorded in {path}")
        return EXIT_OK


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
            print(self.text(data, lens))
        return EXIT_OK


class StatusCommand(NotebookViewCommand):
    name = "mllens status"
    description = "Show the answers recorded in a notebook, grouped by pillar."
    aliases = {"format": "StatusCommand.format", "lens": "BaseCommand.lens"}

    def data(self, path: str, notebook: dict, lens) -> dict:
        from .status import notebook_status

        return notebook_status(lens, notebook, path)

    def text(self, data: dict, lens) -> str:
        from .textview import status_text

        return status_text(data)


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
    aliases = {
        "format": "AuditCommand.format",
        "o": "AuditCommand.output",
        "output": "AuditCommand.output",
        "fail-on": "Auditor.fail_on",
        "jobs": "Auditor.jobs",
        "exclude": "Auditor.exclude",
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
        paths = self.args()
        lens = self.load_lens()
        auditor = self.auditor()
        progress = self.progress(auditor, paths)
        report = auditor.run(paths, lens, on_result=progress.step)
        progress.close()
        self.emit(renderer.render(report), report)
        return report["gate"]["exit_code"]

    def auditor(self):
        from traitlets import TraitError

        from .audit import Auditor

        try:
            return Auditor(parent=self)
        except TraitError as err:
            raise UsageError(str(err).replace("an Auditor instance", "mllens audit")) from None

    def progress(self, auditor, paths: list[str]):
        from .report.progress import Progress

        total = None
        if sys.stderr.isatty():
            total = sum(1 for entry in auditor.entries(paths) if entry.kind == "notebook")
        return Progress(total)

    def emit(self, text: str, report: dict) -> None:
        from .report.output import write_report

        write_report(text, self.output)
        if self.output:
            summary = report["summary"]
            print(
                f"mllens: {self.format} report of {summary['notebooks']} notebook(s), {summary['unreadable']} "
                f"unreadable, written to {self.output}",
                file=sys.stderr,
            )


class MllensApp(BaseCommand):
    name = "mllens"
    description = (
        "The AWS Well-Architected Machine Learning Lens for notebooks: answers recorded in notebook "
        "metadata, lifecycle phases inferred from the cells, audits of whole repositories.\n\n"
        + EXIT_CODES_HELP
    )
    subcommands = {
        "lens": (LensCommand, LensCommand.description),
        "answer": (AnswerCommand, "Record an answer for a practice in a notebook's metadata."),
        "status": (StatusCommand, StatusCommand.description),
        "infer": (InferCommand, "Show the stages inferred for each cell of a notebook, and the phases present."),
        "audit": (AuditCommand, "Audit notebooks and folders against the lens: a report, and an exit code for CI."),
    }


def main(argv: list[str] | None = None) -> None:
    """Entry point of `mllens` and `jupyter-mllens`."""
    from traitlets import TraitError
    from traitlets.config.loader import ArgumentError

    app = MllensApp.instance()
    try:
        app.initialize(argv)
    except MllensError as err:
        fail(str(err), exit_code_for(err))
    except (ArgumentError, TraitError, ValueError) as err:
        fail(f"{err}. See `mllens --help`.", EXIT_USAGE)
    app.start()
