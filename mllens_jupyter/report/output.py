"""Where a rendered report goes: stdout, or a file written atomically with its parent folders created."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError
from ..writer import write_new_file
from .base import valid_unicode


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
