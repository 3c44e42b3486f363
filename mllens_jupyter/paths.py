"""Where the package's data lives, installed or in a source checkout."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def lens_data_dir() -> Path:
    """The `lens/` folder: inside the installed package, or at the root of a source checkout (found once:
    the signal tables are looked up for every notebook an audit reads)."""
    installed = PACKAGE_DIR / "lens"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "lens"


def schema_path(name: str) -> Path:
    """A JSON schema shipped inside the package (notebook metadata and the like)."""
    return PACKAGE_DIR / "schemas" / name
