"""The locked atomic writer: no answer lost to a concurrent writer, no file harmed, no temporary file left."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from mllens_jupyter.answers import make_answer, with_answer
from mllens_jupyter.errors import UnwritableFileError
from mllens_jupyter.notebook import update_namespace
from mllens_jupyter.writer import TMP_SUFFIX, update_file

from .conftest import make_notebook, run_cli

REPO = Path(__file__).resolve().parents[1]
NOBODY = 65534
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as, or own files of, another user")

WRITER = """
import sys
from mllens_jupyter.answers import make_answer, with_answer
from mllens_jupyter.notebook import update_namespace
path, writer, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for n in range(rounds):
    answer = make_answer("partial", note=f"writer {writer} round {n}")
    update_namespace(path, lambda ns: with_answer(ns, f"W{writer}-R{n:03d}", answer, "aws-ml-lens"))
"""


def test_four_processes_writing_one_notebook_lose_no_answer(tmp_path):
    cells = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [],
              "source": "x = 1\n" * 200} for i in range(200)]
    path = tmp_path / "shared.ipynb"
    path.write_text(json.dumps(make_notebook(cells), indent=1) + "\n")
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w), "100"], cwd=REPO) for w in range(4)]
    assert [w.wait(timeout=600) for w in writers] == [0, 0, 0, 0]
    answers = json.loads(path.read_text())["metadata"]["mllens"]["answers"]
    assert len(answers) == 400
    assert answers["W3-R099"]["note"] == "writer 3 round 99"
    assert [p.name for p in tmp_path.iterdir()] == ["shared.ipynb"]


def test_temporary_files_left_by_a_killed_write_go_with_the_next_write(tmp_path):
    path = tmp_path / "model.ipynb"
    path.write_text("{}")
    stale = [tmp_path / f".model.ipynb.{tag}{TMP_SUFFIX}" for tag in ("abcd1234", "k9_x0z1q")]
    other = tmp_path / f".other.ipynb.abcd1234{TMP_SUFFIX}"
    for file in (*stale, other):
        file.write_text("half a notebook")
    update_file(path, lambda data: data + b"\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "model.ipynb"]


def test_a_change_that_returns_none_writes_nothing(tmp_path):
    path = tmp_path / "model.ipynb"
    path.write_text("{}")
    before = path.stat()
    assert update_file(path, lambda data: None) is None
    assert path.stat().st_ino == before.st_ino


def test_a_read_only_notebook_is_refused_and_unchanged(tmp_path):
    path = tmp_path / "frozen.ipynb"
    path.write_text(json.dumps(make_notebook(), indent=1))
    path.chmod(0o444)
    before = path.read_bytes()
    result = run_cli("answer", path, "MLOPS03-BP01", "done")
    assert result.returncode == 3
    assert result.stderr == f"mllens: error: {path}: the file is read-only (no write permission for anyone); make it writable first\n"
    assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o444


def test_mode_is_kept_on_replace(tmp_path):
    path = tmp_path / "shared.ipynb"
    path.write_text("{}")
    path.chmod(0o664)
    update_file(path, lambda data: b'{"a": 1}')
    assert path.stat().st_mode & 0o777 == 0o664


@as_root
def test_owner_and_group_are_kept_on_replace(tmp_path):
    path = tmp_path / "theirs.ipynb"
    path.write_text(json.dumps(make_notebook(), indent=1))
    os.chown(path, NOBODY, NOBODY)
    assert run_cli("answer", path, "MLOPS03-BP01", "done").returncode == 0
    assert (path.stat().st_uid, path.stat().st_gid) == (NOBODY, NOBODY)
    assert "MLOPS03-BP01" in json.loads(path.read_text())["metadata"]["mllens"]["answers"]


@pytest.fixture
def open_folder():
    """A folder outside pytest's private temporary folder, so that another user can reach its files."""
    folder = Path(tempfile.mkdtemp(prefix="mllens-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@contextmanager
def acting_as_nobody():
    """This process's effective user and group switched to nobody for the block (root can switch back)."""
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@as_root
@pytest.mark.parametrize(
    ("folder_mode", "file_mode", "reason"),
    [
        (0o777, 0o644, "permission denied: you may not write this file"),
        (0o555, 0o666, "its folder is not writable, and a safe write needs a temporary file beside it"),
    ],
)
def test_another_users_file_or_a_read_only_folder_is_refused(open_folder, folder_mode, file_mode, reason):
    folder = open_folder / "shared"
    folder.mkdir()
    path = folder / "root.ipynb"
    path.write_text(json.dumps(make_notebook(), indent=1))
    path.chmod(file_mode)
    folder.chmod(folder_mode)
    before = path.read_bytes()
    try:
        with acting_as_nobody(), pytest.raises(UnwritableFileError) as refused:
            update_namespace(path, lambda ns: with_answer(ns, "MLOPS03-BP01", make_answer("done"), "aws-ml-lens"))
    finally:
        folder.chmod(0o755)
    assert str(refused.value) == f"{path}: {reason}"
    assert path.read_bytes() == before and path.stat().st_uid == 0
    assert [p.name for p in folder.iterdir()] == ["root.ipynb"]


def test_update_file_refuses_missing_files_and_folders(tmp_path):
    with pytest.raises(UnwritableFileError, match="no such file"):
        update_file(tmp_path / "missing.ipynb", lambda data: data)
    with pytest.raises(UnwritableFileError, match="is a folder"):
        update_file(tmp_path, lambda data: data)


def test_the_audit_passes_over_temporary_files_a_killed_write_left(tmp_path):
    notebook = tmp_path / "model.ipynb"
    notebook.write_text(json.dumps(make_notebook(), indent=1))
    (tmp_path / f".model.ipynb.abcd1234{TMP_SUFFIX}").write_text('{"nbformat": 4, "cells": [')
    report = json.loads(run_cli("audit", tmp_path, "--format", "json").stdout)
    assert [nb["path"] for nb in report["notebooks"]] == [str(notebook)]
    assert report["unreadable"] == [] and report["summary"]["skipped"] == 0
