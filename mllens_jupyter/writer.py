"""The one way mllens writes a file that people keep: locked, re-read under the lock, replaced atomically.

`update_file` takes an advisory lock on the file, reads it under that lock, applies a change and
renames a temporary file over it, keeping its mode and owner; so any number of processes (the CLI,
the kernel, the server) can write one notebook or review file at once and no answer is lost. A file
the user may not write is refused before anything happens, and temporary files that an earlier,
killed write left behind are removed.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import FileBusyError, UnwritableFileError

TMP_SUFFIX = ".mllens-tmp"
LOCK_TIMEOUT = 30.0
_POLL = 0.02

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def _temp_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}{re.escape(TMP_SUFFIX)}")


def is_temporary(path: str | Path) -> bool:
    """Whether `path` is one of the temporary files this module writes beside a file."""
    return Path(path).name.endswith(TMP_SUFFIX)


def remove_stale_temporaries(target: Path) -> None:
    """Remove temporary files of `target` that a killed write left; only call with the lock held."""
    pattern = _temp_pattern(target.name)
    try:
        names = [n for n in os.listdir(target.parent) if pattern.fullmatch(n)]
    except OSError:
        return
    for name in names:
        (target.parent / name).unlink(missing_ok=True)


def check_writable(target: Path) -> None:
    """Refuse a file the user may not (or chose not to) write, and a folder where it cannot be replaced."""
    name = str(target)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        raise UnwritableFileError(name, "no such file") from None
    except OSError as err:
        raise UnwritableFileError(name, err.strerror or str(err)) from None
    if stat.S_ISDIR(mode):
        raise UnwritableFileError(name, "is a folder, not a file")
    if not _may(target, os.W_OK):
        raise UnwritableFileError(name, "permission denied: you may not write this file")
    if mode & 0o222 == 0:
        raise UnwritableFileError(name, "the file is read-only (no write permission for anyone); make it writable first")
    if not _may(target.parent, os.W_OK | os.X_OK):
        raise UnwritableFileError(name, "its folder is not writable, and a safe write needs a temporary file beside it")


def _may(path: Path, mode: int) -> bool:
    """Whether this process, with its effective user and groups, may access `path` in `mode`."""
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


@contextmanager
def locked(target: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive advisory lock on `target` (an existing file) for the block."""
    if fcntl is None:  # pragma: no cover - Windows
        with _lock_file(target, timeout):
            yield
        return
    fd = _flock(target, timeout)
    try:
        yield
    finally:
        os.close(fd)


def _flock(target: Path, timeout: float) -> int:
    """A descriptor of `target` holding its lock, re-opened if the file was replaced while waiting."""
    deadline = time.monotonic() + timeout
    while True:
        fd = _open_for_lock(target)
        if _wait_for_lock(fd, deadline) and _same_file(fd, target):
            return fd
        os.close(fd)
        if time.monotonic() > deadline:
            raise FileBusyError(str(target), f"still being written by another process after {timeout:.0f} s")


def _open_for_lock(target: Path) -> int:
    try:
        return os.open(target, os.O_RDONLY)
    except OSError as err:
        raise UnwritableFileError(str(target), err.strerror or str(err)) from None


def _wait_for_lock(fd: int, deadline: float) -> bool:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(_POLL)


def _same_file(fd: int, target: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(target))
    except FileNotFoundError:
        return False


@contextmanager
def _lock_file(target: Path, timeout: float) -> Iterator[None]:  # pragma: no cover - Windows
    lock = target.parent / f".{target.name}.mllens-lock"
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            break
        except FileExistsError:
            if time.monotonic() > deadline:
                raise FileBusyError(str(target), f"locked by {lock.name}; remove it if no mllens is running") from None
            time.sleep(_POLL)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def update_file(path: str | Path, change: Callable[[bytes], bytes | None]) -> bytes | None:
    """Apply `change` to the file's bytes under its lock and replace it atomically.

    `change` gets the bytes read under the lock and returns the new bytes, or None to leave the file
    as it is. A symlink is followed: the link stays and its target is replaced. Returns what was written.
    """
    target = Path(os.path.realpath(path))
    check_writable(target)
    with locked(target):
        remove_stale_temporaries(target)
        new = change(_read(target))
        if new is not None:
            replace_atomically(target, new)
        return new


def _read(target: Path) -> bytes:
    try:
        return target.read_bytes()
    except OSError as err:
        raise UnwritableFileError(str(target), err.strerror or str(err)) from None


def replace_atomically(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target` and rename it over `target`, keeping the mode
    and owner of an existing `target`."""
    existing = target.stat() if target.exists() else None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    except OSError as err:
        raise UnwritableFileError(str(target), f"cannot write beside it: {err.strerror or err}") from None
    try:
        if existing is not None:
            _keep_owner_and_mode(fd, target, existing)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _keep_owner_and_mode(fd: int, target: Path, existing: os.stat_result) -> None:
    os.fchmod(fd, existing.st_mode & 0o7777)
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (existing.st_uid, existing.st_gid):
        return
    try:
        os.fchown(fd, existing.st_uid, existing.st_gid)
    except PermissionError:
        if mine.st_uid != existing.st_uid:
            raise UnwritableFileError(
                str(target), "it belongs to another user, and replacing it would make it yours"
            ) from None
        _keep_group_if_allowed(fd, existing.st_gid)
    os.fchmod(fd, existing.st_mode & 0o7777)


def _keep_group_if_allowed(fd: int, gid: int) -> None:
    try:
        os.fchown(fd, -1, gid)
    except PermissionError:
        pass


def write_new_file(path: str | Path, text: str) -> None:
    """Write a file that is not kept under review (a report, an export) atomically; a new file gets
    the mode the umask gives, an existing one keeps its mode and owner."""
    target = Path(os.path.realpath(path))
    is_new = not target.exists()
    replace_atomically(target, text.encode("utf-8"))
    if is_new:
        mask = os.umask(0)
        os.umask(mask)
        target.chmod(0o666 & ~mask)
