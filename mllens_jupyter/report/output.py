"""Where a rendered report goes: stdout, or a file written atomically with its parent folders created."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import UsageError
from ..notebook import atomic_write_text
from .base import valid_unicode


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
        is_new = not target.exists()
        atomic_write_text(target, text)
        if is_new:
            target.chmod(0o666 & ~_umask())
    except OSError as err:
        raise UsageError(f"cannot write the report to {output}: {err.strerror or err}") from None
