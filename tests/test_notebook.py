"""Reading notebooks and writing the mllens key: nothing else in the file ever changes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from mllens_jupyter import writer as writer_module
from mllens_jupyter.answers import make_answer, with_answer
from mllens_jupyter.errors import UnreadableNotebookError
from mllens_jupyter.notebook import read_notebook, update_namespace

from .conftest import corpus_notebooks, make_notebook

ANSWER = make_answer("done", note="tracked in MLflow", updated="2026-11-28T10:00:00Z")


def record(namespace):
    return with_answer(namespace, "MLOPS03-BP02", ANSWER, "aws-ml-lens")


def without_mllens(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data.get("metadata", {}).pop("mllens", None)
    return data


def test_writing_an_answer_changes_nothing_else_on_every_corpus_notebook(shared_dir, tmp_path):
    notebooks = corpus_notebooks()
    assert len(notebooks) > 700
    for index, source in enumerate(notebooks):
        copy = tmp_path / f"{index}.ipynb"
        shutil.copyfile(source, copy)
        before = source.read_bytes()
        update_namespace(copy, record)
        after = copy.read_bytes()
        written = json.loads(after)
        assert written["metadata"]["mllens"]["answers"]["MLOPS03-BP02"] == ANSWER, source
        assert without_mllens(written) == without_mllens(json.loads(before)), source
        assert lines_removed(before, after) == set(), source
        assert list(written["metadata"]) == sorted(written["metadata"]), source
        copy.unlink()


def lines_removed(before: bytes, after: bytes) -> set[bytes]:
    """The lines of `before` that `after` lacks, a comma added at their end aside (the member the new
    one follows)."""
    kept = set(after.splitlines())
    return {line for line in before.splitlines() if line not in kept and line + b"," not in kept}


def test_the_text_diff_is_only_the_mllens_block(notebook_file):
    path = notebook_file()
    before = path.read_text().splitlines()
    update_namespace(path, record)
    after = path.read_text().splitlines()
    removed = [line for line in before if line not in after]
    added = [line for line in after if line not in before]
    assert removed == []
    assert any('"mllens"' in line for line in added) and len(added) < 15


def test_nbformat_3_is_read_upgraded_and_written_in_place(shared_dir, notebook_file):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": "old"},
          "worksheets": [{"cells": [{"cell_type": "code", "input": "import pandas as pd", "language": "python",
                                     "outputs": [], "metadata": {}}], "metadata": {}}]}
    path = notebook_file(v3)
    assert read_notebook(path)["cells"][0]["source"] == "import pandas as pd"
    update_namespace(path, record)
    written = json.loads(path.read_text())
    assert written["nbformat"] == 3 and written["worksheets"] == v3["worksheets"]
    assert written["metadata"]["name"] == "old" and "mllens" in written["metadata"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        (b'{"nbformat": 4, "cells": [], "metadata": {"t": "caf\xe9"}}', "not UTF-8"),
        ('{"nbformat": 4, "cells": [', "invalid JSON at line 1"),
        ('[1, 2]', "not a notebook"),
        ('{"cells": []}', "not a notebook"),
        ('{"nbformat": 5, "cells": [], "metadata": {}}', "nbformat 5 is not supported"),
        ('{"nbformat": 4, "cells": {}, "metadata": {}}', "without a list of cells"),
        ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ],
)
def test_bad_files_give_a_reason_and_stay_untouched(notebook_file, content, reason):
    path = notebook_file(content)
    before = path.read_bytes()
    with pytest.raises(UnreadableNotebookError, match=reason):
        read_notebook(path)
    with pytest.raises(UnreadableNotebookError):
        update_namespace(path, record)
    assert path.read_bytes() == before


def test_missing_files_and_folders_are_unreadable(tmp_path):
    with pytest.raises(UnreadableNotebookError, match="no such file"):
        read_notebook(tmp_path / "missing.ipynb")
    with pytest.raises(UnreadableNotebookError, match="is a folder"):
        read_notebook(tmp_path)


def test_permission_denied_is_reported(notebook_file, monkeypatch):
    path = notebook_file()

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(UnreadableNotebookError, match="permission denied"):
        read_notebook(path)


def test_a_failed_write_leaves_the_original_and_no_temporary_file(notebook_file, monkeypatch):
    path = notebook_file()
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module.os, "replace", crash)
    with pytest.raises(OSError):
        update_namespace(path, record)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_symlinks_stay_links_and_permissions_are_kept(notebook_file, tmp_path):
    target = notebook_file(name="real.ipynb")
    os.chmod(target, 0o640)
    link = tmp_path / "link.ipynb"
    link.symlink_to(target)
    update_namespace(link, record)
    assert link.is_symlink()
    assert "mllens" in json.loads(target.read_text())["metadata"]
    assert target.stat().st_mode & 0o777 == 0o640


def test_removing_the_namespace_restores_the_original_text(notebook_file):
    path = notebook_file(make_notebook())
    before = path.read_text()
    update_namespace(path, record)
    update_namespace(path, lambda ns: None)
    assert path.read_text() == before


def test_unicode_and_escapes_keep_their_style(notebook_file):
    nb = make_notebook(metadata={"title": "Café ☕"})
    ascii_path = notebook_file(json.dumps(nb, indent=1, ensure_ascii=True) + "\n", name="ascii.ipynb")
    utf8_path = notebook_file(json.dumps(nb, indent=2, ensure_ascii=False), name="utf8.ipynb")
    for path in (ascii_path, utf8_path):
        update_namespace(path, record)
    assert "\\u00e9" in ascii_path.read_text() and "Café" not in ascii_path.read_text()
    assert "Café ☕" in utf8_path.read_text() and not utf8_path.read_text().endswith("\n")
    assert utf8_path.read_text().splitlines()[1].startswith('  "')
