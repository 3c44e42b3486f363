"""Fixtures shared by the test modules: where the shared corpora are, and throwaway notebooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MLLENS_SHARED", REPO.parent / "shared"))
CORPORA = SHARED / "corpora"


def corpus_notebooks() -> list[Path]:
    """Every notebook of the shared corpora, sorted (tests that read them ask for `shared_dir` first)."""
    return sorted(CORPORA.rglob("*.ipynb"))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared corpora and reference data: a test that needs them is skipped without them, except in
    CI (CI=true), where it fails."""
    if not CORPORA.is_dir():
        missing = f"the shared corpora are missing: expected them at {CORPORA} (set MLLENS_SHARED)"
        if in_ci():
            pytest.fail(missing)
        pytest.skip(missing)
    return SHARED


@pytest.fixture(scope="session")
def lens():
    from mllens_jupyter.lens import get_lens

    return get_lens()


def make_notebook(cells: list[dict] | None = None, metadata: dict | None = None) -> dict:
    """A small valid nbformat 4.5 notebook."""
    cells = cells if cells is not None else [
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": "# Churn model"},
        {"cell_type": "code", "id": "train", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "from sklearn.linear_model import LogisticRegression\nmodel = LogisticRegression().fit(X, y)"},
    ]
    return {
        "cells": cells,
        "metadata": metadata if metadata is not None else {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture
def notebook_file(tmp_path: Path):
    """A factory writing a notebook (dict, or raw text/bytes) into tmp_path and returning its path."""

    def write(content: dict | str | bytes | None = None, name: str = "analysis.ipynb") -> Path:
        path = tmp_path / name
        content = make_notebook() if content is None else content
        if isinstance(content, dict):
            path.write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `mllens ARGS` as a user would, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "mllens_jupyter", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )
