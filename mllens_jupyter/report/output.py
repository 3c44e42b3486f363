"""Where a rendered report goes: stdout, or a file written atomically with its parent folders created.

A format writes to a stream (`Report.write`), so a long report goes out piece by piece: to stdout, or
to a temporary file beside the target that is renamed over it once complete.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..errors import UsageError
from ..writer import TMP_SUFFIX, write_new_file
from .base import Report, valid_unicode


class ValidText:
    """A text stream that makes what is written valid UTF-8 first (see `base.valid_unicode`)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(valid_unicode(text))


def write_report(text: str, output: str | Path | None = None) -> None:
    """Print `text`, or write it to `output` (temporary file + rename; a new file gets the umask's mode).

    Text is made valid UTF-8 first: file names and notebooks can hold undecodable bytes or lone surrogates.
    """
    text = valid_unicode(text)
    if not output:
        sys.stdout.write(text)
        return
    target = Path(output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_new_file(target, text)
    except OSError as err:
        raise UsageError(f"cannot write the report to {output}: {err.strerror or err}") from None


def stream_report(renderer: Report, report: dict, output: str | Path | None = None) -> None:
    """`renderer.write(report)` to stdout, or to `output` as `write_report` does, without ever
    holding the whole text."""
    if not output:
        renderer.write(report, ValidText(sys.stdout))
        return
    try:
        with _atomic_text(Path(output)) as stream:
            renderer.write(report, ValidText(stream))
    except OSError as err:
        raise UsageError(f"cannot write the report to {output}: {err.strerror or err}") from None


@contextmanager
def _atomic_text(path: Path) -> Iterator[TextIO]:
    """A text file beside `path`, renamed over it when the block ends without error; a new file
    gets the umask's mode, an existing one keeps its mode."""
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
