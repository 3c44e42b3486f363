"""A progress line on stderr while a long audit runs: only on a terminal, never in CI (the `CI`
environment variable set, as every CI service does), and only once the audit has taken a second."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

BAR_WIDTH = 30


def is_interactive(stream: TextIO) -> bool:
    """Whether a progress line belongs on `stream`: a terminal, outside CI."""
    in_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return not in_ci and bool(getattr(stream, "isatty", lambda: False)())


class Progress:
    """Call `step()` per notebook audited and `close()` at the end; silent unless `stream` is a TTY."""

    def __init__(self, total: int | None = None, stream: TextIO | None = None, delay: float = 1.0) -> None:
        self.stream = stream or sys.stderr
        self.enabled = is_interactive(self.stream)
        self.total, self.done, self.delay = total, 0, delay
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.drawn = False

    def step(self, *_: object) -> None:
        self.done += 1
        now = time.monotonic()
        if self.enabled and now - self.started >= self.delay and now - self.last_draw >= 0.1:
            self.last_draw = now
            self.draw()

    def line(self) -> str:
        if not self.total:
            return f"mllens audit: {self.done} notebooks"
        filled = int(BAR_WIDTH * min(self.done, self.total) / self.total)
        return f"mllens audit: [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total} notebooks"

    def draw(self) -> None:
        self.stream.write("\r" + self.line())
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * len(self.line()) + "\r")
            self.stream.flush()
