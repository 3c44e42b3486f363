"""What a release carries: one version everywhere, the licence, the built labextension with its settings."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from email.parser import Parser
from importlib.metadata import version
from pathlib import Path

import pytest

import mllens_jupyter

ROOT = Path(__file__).resolve().parents[1]
LABEXTENSION = "share/jupyter/labextensions/mllens-jupyter"


def package_json_version() -> str:
    return json.loads((ROOT / "labextension" / "package.json").read_text(encoding="utf-8"))["version"]


def test_the_python_package_and_the_labextension_have_one_version():
    built = json.loads((ROOT / "mllens_jupyter" / "labextension" / "package.json").read_text(encoding="utf-8"))
    assert mllens_jupyter.__version__ == version("mllens-jupyter") == package_json_version() == built["version"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The wheel built from this tree, with the labextension as built here (no npm run needed)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True, timeout=300)
    (path,) = out.glob("mllens_jupyter-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def wheel_file(wheel: zipfile.ZipFile, suffix: str) -> str:
    (name,) = [n for n in wheel.namelist() if n.endswith(suffix)]
    return wheel.read(name).decode("utf-8")


def test_the_wheel_carries_the_licence_and_declares_it(wheel):
    assert "Apache License" in wheel_file(wheel, ".dist-info/licenses/LICENSE")
    metadata = Parser().parsestr(wheel_file(wheel, ".dist-info/METADATA"))
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["Version"] == package_json_version()


def test_the_wheel_declares_the_jupyterlab_the_extension_needs(wheel):
    metadata = Parser().parsestr(wheel_file(wheel, ".dist-info/METADATA"))
    requires = metadata.get_all("Requires-Dist")
    assert any(r.replace(" ", "").startswith("jupyterlab") and ">=4.6" in r for r in requires), requires
    assert metadata.get_all("Project-URL")


def test_the_wheel_carries_the_built_labextension_with_its_settings_schema(wheel):
    package = json.loads(wheel_file(wheel, f"{LABEXTENSION}/package.json"))
    assert package["version"] == package_json_version()
    assert package["jupyterlab"]["_build"]["load"].startswith("static/remoteEntry.")
    schema = json.loads(wheel_file(wheel, f"{LABEXTENSION}/schemas/mllens-jupyter/plugin.json"))
    assert {"defaultLens", "phase", "editDelay", "cellDelay", "noteDelay"} <= set(schema["properties"])
    assert json.loads(wheel_file(wheel, f"{LABEXTENSION}/install.json"))["packageName"] == "mllens-jupyter"
    assert any(name.endswith("mllens_jupyter/lens/aws-ml-lens/lens.yaml") for name in wheel.namelist())
    assert any(name.endswith("etc/jupyter/jupyter_server_config.d/mllens_jupyter.json") for name in wheel.namelist())
