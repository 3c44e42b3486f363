"""The exception tree of mllens: one base, one class per kind of failure a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


class MllensError(Exception):
    """Base of every error mllens raises on purpose; its message is meant for a person."""


class UsageError(MllensError):
    """The command or call was given arguments it cannot use."""


class FileError(MllensError):
    """A file that mllens cannot use as asked; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnreadableNotebookError(FileError):
    """A notebook file could not be read as a notebook (missing, invalid JSON, wrong format...)."""


class UnwritableFileError(FileError):
    """A file that may not be written (permissions, a read-only folder, another user's file); left unchanged."""


class FileBusyError(FileError):
    """Another process held the file's lock for longer than mllens waits."""


class UnknownPracticeError(MllensError):
    """A practice id or alias that the lens does not have."""


class AnswerError(MllensError):
    """An answer that the metadata schema does not accept."""


class LensNotFoundError(MllensError):
    """No installed lens has that id, and no file or folder has that path."""


UNREADABLE_FIELDS = ("(file)", "(yaml)")


@dataclass(frozen=True)
class SourceProblem:
    """One problem found in a data file, located as precisely as the file allows."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class LensValidationError(MllensError):
    """A lens failed validation; `problems` holds every problem found, not just the first."""

    def __init__(self, problems: list[SourceProblem]) -> None:
        self.problems = problems
        if self.unreadable:
            super().__init__(str(problems[0]))
            return
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"invalid lens ({count}):\n" + "\n".join(f"  {p}" for p in problems))

    @property
    def unreadable(self) -> bool:
        """Whether a file could not be read or parsed at all (so nothing could be checked)."""
        return any(p.field in UNREADABLE_FIELDS for p in self.problems)


class StaleReviewError(FileError):
    """A write that was made against a version of the review file that has changed since."""


class ReviewError(MllensError):
    """A review file that cannot be used; `problems` holds every problem found, each with its line."""

    def __init__(self, problems: list[SourceProblem]) -> None:
        self.problems = problems
        if len(problems) == 1:
            super().__init__(str(problems[0]))
            return
        super().__init__(f"invalid review file ({len(problems)} problems):\n" + "\n".join(f"  {p}" for p in problems))


class WaToolError(MllensError):
    """The AWS Well-Architected Tool refused a call or could not be reached; the message says what to do."""
