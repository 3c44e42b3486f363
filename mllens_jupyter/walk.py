"""Find the notebooks under the paths given to `mllens audit`, lazily and safely.

- Folders are walked depth first, entries sorted by name, so the order is the same on every run.
- Hidden files and folders (`.git`, `.venv`, `.ipynb_checkpoints`...) are skipped while walking;
  a path given explicitly is always considered.
- A folder link is followed once: a link back to an ancestor (a loop) or to a folder already walked
  is reported as skipped, never followed again.
- A notebook link that is broken or loops is reported as unreadable, with the reason.
- Exclude globs come from the caller (`--exclude`) and from `[tool.mllens] exclude = [...]` in the
  nearest `pyproject.toml` at or above each path given. A glob without "/" matches any file or folder
  name (`scratch`, `*-draft.ipynb`); a glob with "/" matches a path relative to the folder the glob
  belongs to, or any of its parent folders (`archive/2019`, `old/*.ipynb`); `*` stays within one
  name, `**` spans folders (`**/tmp`). `--exclude` globs are relative to the path audited and to the
  current folder; pyproject globs to the folder of the pyproject.toml.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .errors import UnreadableNotebookError, UsageError

NOTEBOOK_SUFFIX = ".ipynb"


class Entry(NamedTuple):
    """What the walk found at a path: kind is notebook, unreadable, skipped or excluded."""

    kind: str
    path: str
    reason: str = ""


class ExcludeRule(NamedTuple):
    base: str
    pattern: str


def _parts(path: str) -> list[str]:
    return [p for p in path.replace(os.sep, "/").split("/") if p not in ("", ".")]


def _match_parts(parts: list[str], patterns: list[str]) -> bool:
    if not patterns:
        return not parts
    if patterns[0] == "**":
        return any(_match_parts(parts[i:], patterns[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], patterns[0]) and _match_parts(parts[1:], patterns[1:])


def glob_matches(relative: str, pattern: str) -> bool:
    """Whether `pattern` (see the module docstring) matches a path relative to its folder.

    `*` and `?` stay within one path component; `**` spans any number of components.
    """
    patterns = _parts(pattern.strip().replace("\\", "/"))
    parts = _parts(relative)
    if not patterns or not parts:
        return False
    if len(patterns) == 1 and patterns[0] != "**":
        return any(fnmatchcase(part, patterns[0]) for part in parts)
    return any(_match_parts(parts[:end], patterns) for end in range(1, len(parts) + 1))


def rule_matches(rule: ExcludeRule, absolute: str) -> bool:
    relative = os.path.relpath(absolute, rule.base)
    return not relative.startswith("..") and glob_matches(relative, rule.pattern)


def find_pyproject(path: str | Path) -> Path | None:
    """The nearest pyproject.toml at or above `path`, not looking above a repository root (`.git`)."""
    folder = Path(os.path.abspath(path))
    folder = folder if folder.is_dir() else folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate / "pyproject.toml"
        if (candidate / ".git").exists():
            return None
    return None


def _load_toml(text: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib.loads(text)


def mllens_settings(pyproject: Path) -> dict:
    """`[tool.mllens]` of a pyproject.toml; UsageError when the file cannot be read as TOML."""
    try:
        data = _load_toml(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise UsageError(f"{pyproject}: cannot read [tool.mllens]: {err}") from None
    settings = data.get("tool", {}).get("mllens", {})
    return settings if isinstance(settings, dict) else {}


def pyproject_excludes(pyproject: Path) -> list[str]:
    """`[tool.mllens] exclude` of a pyproject.toml; UsageError when the file or the setting is malformed."""
    exclude = mllens_settings(pyproject).get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(g, str) for g in exclude):
        raise UsageError(f"{pyproject}: [tool.mllens] exclude must be a list of glob strings")
    return exclude


def exclude_rules(path: str, globs: Iterable[str],
                  pyproject_rules: Callable[[str], list[ExcludeRule]] | None = None) -> list[ExcludeRule]:
    """Every exclude rule that applies under one path given on the command line; `pyproject_rules`
    gives those of the pyproject.toml nearest a folder (a cached `pyproject_rules_of` when many paths
    are given, as a pre-commit hook gives them)."""
    absolute = os.path.abspath(path)
    base = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
    rules = [ExcludeRule(b, g) for g in globs for b in dict.fromkeys((base, os.getcwd()))]
    return rules + (pyproject_rules or pyproject_rules_of)(base)


def pyproject_rules_of(folder: str) -> list[ExcludeRule]:
    """The exclude rules of the pyproject.toml nearest a folder (none without one)."""
    pyproject = find_pyproject(folder)
    if pyproject is None:
        return []
    return [ExcludeRule(str(pyproject.parent), g) for g in pyproject_excludes(pyproject)]


def check_paths(paths: Iterable[str]) -> list[str]:
    """The paths; UsageError when there are none, UnreadableNotebookError naming the first that does not
    exist (a broken link does exist)."""
    paths = list(paths)
    if not paths:
        raise UsageError("give at least one notebook or folder to audit")
    for path in paths:
        if not os.path.lexists(path):
            raise UnreadableNotebookError(path, "no such file or folder")
    return paths


def display_path(path: str) -> str:
    """A path as valid Unicode text for a report: bytes that are not UTF-8 in a file name become U+FFFD."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return path


def _join(parent: str, name: str) -> str:
    return name if parent == "." else os.path.join(parent, name)


def _link_problem(path: str) -> str | None:
    """Why a path cannot be followed (broken link, link loop), or None when it can."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return "broken symbolic link (its target does not exist)"
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "symbolic link loop"
        return err.strerror or str(err)
    return None


class _Walk:
    """One walk over the paths given; remembers the folders (device, inode) already walked."""

    def __init__(self, globs: Iterable[str]) -> None:
        self.globs = list(globs)
        self.visited: set[tuple[int, int]] = set()
        self.seen_files: set[str] = set()

    def run(self, roots: list[tuple[str, list[ExcludeRule]]]) -> Iterator[Entry]:
        for path, rules in roots:
            yield from self.visit(path, rules, explicit=True, ancestors=())

    def excluded(self, path: str, rules: list[ExcludeRule]) -> bool:
        absolute = os.path.abspath(path)
        return any(rule_matches(rule, absolute) for rule in rules)

    def visit(self, path: str, rules: list[ExcludeRule], explicit: bool, ancestors: tuple) -> Iterator[Entry]:
        if self.excluded(path, rules):
            yield Entry("excluded", path)
            return
        problem = _link_problem(path)
        if problem is not None:
            if explicit or path.endswith(NOTEBOOK_SUFFIX):
                yield Entry("unreadable", path, problem)
            return
        if os.path.isdir(path) and (explicit or not path.endswith(NOTEBOOK_SUFFIX)):
            yield from self.folder(path, rules, ancestors)
        elif explicit or path.endswith(NOTEBOOK_SUFFIX):
            yield from self.notebook(path)

    def notebook(self, path: str) -> Iterator[Entry]:
        key = os.path.abspath(path)
        if key not in self.seen_files:
            self.seen_files.add(key)
            yield Entry("notebook", path)

    def folder(self, path: str, rules: list[ExcludeRule], ancestors: tuple) -> Iterator[Entry]:
        try:
            info = os.stat(path)
            names = sorted(os.listdir(path))
        except OSError as err:
            yield Entry("skipped", path, f"folder cannot be listed: {err.strerror or err}")
            return
        key = (info.st_dev, info.st_ino)
        if key in ancestors:
            yield Entry("skipped", path, "symbolic link loop (links back to a folder above it)")
            return
        if key in self.visited:
            yield Entry("skipped", path, "folder already audited through another path")
            return
        self.visited.add(key)
        for name in names:
            if not name.startswith("."):
                yield from self.visit(_join(path, name), rules, explicit=False, ancestors=(*ancestors, key))


def iter_entries(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[Entry]:
    """Entries for every notebook under `paths`, lazily; UsageError first if a path does not exist."""
    walk = _Walk(exclude)
    pyproject_rules = lru_cache(maxsize=None)(pyproject_rules_of)
    return walk.run([(path, exclude_rules(path, walk.globs, pyproject_rules)) for path in check_paths(paths)])
