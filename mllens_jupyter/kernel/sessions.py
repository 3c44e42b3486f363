"""Is a notebook open in a running Jupyter server? Asked before the kernel writes a notebook file.

Running servers are found as `jupyter server list` finds them, from the `jpserver-*.json` files of
Jupyter's runtime folder whose process is alive (read here directly: importing
`jupyter_server.serverapp` costs seconds); each is asked for its sessions (`/api/sessions`, with its
token) over the loopback interface only, with a short timeout.
`JPY_SESSION_NAME`, which Jupyter Server sets in a kernel's environment, names this kernel's notebook.
"""

from __future__ import annotations

import ipaddress
import json
import os
import ssl
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

ANY_ADDRESSES = {"", "0.0.0.0", "::", "localhost"}
SESSION_TIMEOUT = 1.0


def running_servers(runtime_dir: str | Path | None = None) -> list[dict]:
    """The info of every running Jupyter server; stale files are left for Jupyter to clean."""
    from jupyter_core.paths import jupyter_runtime_dir
    from jupyter_server.utils import check_pid

    folder = Path(runtime_dir or jupyter_runtime_dir())
    infos = (_server_info(file) for file in sorted(folder.glob("jpserver-*.json")))
    return [info for info in infos if isinstance(info.get("pid"), int) and check_pid(info["pid"])]


def _server_info(file: Path) -> dict:
    try:
        info = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a file being written, or gone
        return {}
    return info if isinstance(info, dict) else {}


def loopback_url(info: dict) -> str | None:
    """The server's base URL over loopback, or None when it listens elsewhere only (or on a socket)."""
    host = str(info.get("hostname") or "")
    if info.get("sock") or not info.get("port"):
        return None
    if host not in ANY_ADDRESSES:
        try:
            if not ipaddress.ip_address(host.strip("[]")).is_loopback:
                return None
        except ValueError:
            return None
    loopback = "[::1]" if ":" in host.strip("[]") and host not in ANY_ADDRESSES else "127.0.0.1"
    scheme = "https" if info.get("secure") else "http"
    base = "/" + str(info.get("base_url") or "/").strip("/")
    return f"{scheme}://{loopback}:{info['port']}{base.rstrip('/')}/"


def fetch_sessions(base_url: str, token: str | None, timeout: float = SESSION_TIMEOUT) -> list[dict]:
    """The server's sessions; OSError or ValueError when it cannot be asked."""
    request = urllib.request.Request(base_url + "api/sessions")
    if token:
        request.add_header("Authorization", f"token {token}")
    context = ssl._create_unverified_context() if base_url.startswith("https") else None  # loopback only
    with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
        sessions = json.loads(response.read().decode("utf-8"))
    if not isinstance(sessions, list):
        raise ValueError("unexpected reply from /api/sessions")
    return [s for s in sessions if isinstance(s, dict)]


def _session_path(session: dict) -> str | None:
    path = session.get("path") or (session.get("notebook") or {}).get("path")
    return path if isinstance(path, str) and path else None


def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def why_open(path: str | Path, servers: Callable[[], Iterable[dict]] = running_servers,
             fetch: Callable[[str, str | None], list[dict]] = fetch_sessions,
             environ: dict | None = None, cwd: Path | None = None) -> str | None:
    """Why writing `path` now would clash with an editor that has it open; None when it would not."""
    target = Path(path).expanduser().resolve()
    reason = _open_in_this_session(target, os.environ if environ is None else environ, cwd or Path.cwd())
    if reason:
        return reason
    for info in servers():
        root = Path(str(info.get("root_dir") or info.get("notebook_dir") or "/")).expanduser().resolve()
        if not _within(target, root):
            continue
        reason = _open_on_server(target, root, info, fetch)
        if reason:
            return reason
    return None


def _open_in_this_session(target: Path, environ, cwd: Path) -> str | None:
    name = environ.get("JPY_SESSION_NAME")
    if not name:
        return None
    here = (cwd / Path(name).name).resolve()
    if target == here or target.as_posix().endswith("/" + name.lstrip("/")):
        return "it is the notebook this kernel runs for (JPY_SESSION_NAME)"
    return None


def _open_on_server(target: Path, root: Path, info: dict, fetch) -> str | None:
    url = loopback_url(info)
    shown = info.get("url") or url or "a Jupyter server"
    if url is None:
        return f"a Jupyter server ({shown}) serves its folder and cannot be asked over loopback whether it is open"
    try:
        sessions = fetch(url, info.get("token"))
    except (OSError, ValueError) as err:
        return f"the Jupyter server at {shown} serves its folder and could not be asked whether it is open ({err})"
    for session in sessions:
        path = _session_path(session)
        if path and (root / path).resolve() == target:
            return f"it is open in the Jupyter server at {shown}"
    return None
