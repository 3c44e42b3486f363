"""Browser-test fixtures: Debian's Chromium driven by Python playwright, against a real JupyterLab (and a
Notebook 7) started here on 127.0.0.1 in a temporary root, with throwaway settings (no news toast)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MLLENS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
START_TIMEOUT_S = 90
STEP_TIMEOUT_MS = 30_000  # a shared 2-core machine can be slow; waits end as soon as the page is ready


@dataclass
class Lab:
    url: str
    root: Path
    log: Path


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; the browser tests skip without it, and fail instead when MLLENS_REQUIRE_UI=1."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = (f"no Chromium at {CHROMIUM}: the browser tests need it "
               "(`apt-get install -y chromium`, or set MLLENS_CHROMIUM to its path)")
    if os.environ.get("MLLENS_REQUIRE_UI") == "1":
        pytest.fail(message + "; MLLENS_REQUIRE_UI=1 makes that a failure")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_environment(base: Path) -> dict[str, str]:
    """Settings, workspaces, config and data of this test server only: nothing of the user's leaks in."""
    settings = base / "settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false"}), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    return {
        **env,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
    }


def wait_until_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "api/status", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


@contextmanager
def jupyter_server(app: str, base: Path) -> Iterator[Lab]:
    """`python -m jupyter APP` (lab or notebook) on a free port of 127.0.0.1, stopped on exit.

    No token: the server listens on 127.0.0.1 only, in a temporary root, for this test run.
    """
    root = base / "root"
    root.mkdir()
    port = free_port()
    log = base / f"{app}.log"
    command = [sys.executable, "-m", "jupyter", app, "--no-browser", "--allow-root", "--IdentityProvider.token=",
               "--ServerApp.password=", "--ServerApp.ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=lab_environment(base), stdout=output, stderr=subprocess.STDOUT,
                                   cwd=root)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_ready(url, process, log)
        yield Lab(url=url, root=root, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def lab(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A JupyterLab server shared by the session's tests."""
    with jupyter_server("lab", tmp_path_factory.mktemp("jupyterlab")) as server:
        yield server


@pytest.fixture(scope="session")
def notebook7(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A Jupyter Notebook 7 server shared by the session's tests."""
    with jupyter_server("notebook", tmp_path_factory.mktemp("notebook7")) as server:
        yield server


@pytest.fixture(autouse=True)
def jp_asyncio_loop():
    """Replaces pytest-jupyter's autouse fixtures of these names (active once tests/server/test_server.py
    loads the plugin), which would close the event loop that playwright's sync API runs on. The browser
    tests start their own server in another process and need neither."""
    yield None


@pytest.fixture(autouse=True)
def jp_server_cleanup():
    yield


@pytest.fixture(scope="session")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def publish_screenshot(shot: Path, name: str) -> None:
    """Copy a scene's screenshot to docs/images/ for the README, only when asked (`make screenshots`
    sets MLLENS_SCREENSHOTS=1): a test run never changes a tracked file."""
    if os.environ.get("MLLENS_SCREENSHOTS") != "1":
        return
    DOC_IMAGES.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, DOC_IMAGES / name)
