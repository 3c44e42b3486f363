"""The exception tree of mllens: one base, one class per kind of failure a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


class MllensError(Exception):
    """Base of every error mllens raises on purpose; its message is meant for a person."""


class UsageError(MllensError):
    """The command or call was given arguments it cannot use."""


class UnreadableNotebookError(MllensError):
    """A notebook file could not be read as a notebook (missing, invalid JSON, wrong format...)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnknownPracticeError(MllensError):
    """A practice id or alias that the lens does not have."""


class AnswerError(MllensError):
    """An answer that the metadata schema does not accept."""


class LensNotFoundError(MllensError):
    """No installed lens has that id, and no file or folder has that path."""


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
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"invalid lens ({count}):\n" + "\n".join(f"  {p}" for p in problems))
