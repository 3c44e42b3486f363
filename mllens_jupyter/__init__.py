"""mllens-jupyter: the AWS Well-Architected Machine Learning Lens inside the notebook."""

try:
    from ._version import __version__  # written at build time from labextension/package.json
except ImportError:  # pragma: no cover - a source tree never built
    from importlib.metadata import version as _version

    __version__ = _version("mllens-jupyter")


def load_ipython_extension(ip) -> None:
    """`%load_ext mllens_jupyter`: registers `%mllens` (its module is imported only now)."""
    from .kernel.magic import load_ipython_extension as load

    load(ip)


def _jupyter_server_extension_points() -> list[dict]:
    """The Jupyter server extension (the sidebar's REST API), imported only when a server loads it."""
    return [{"module": "mllens_jupyter.server"}]


def _jupyter_labextension_paths() -> list[dict]:
    """The built JupyterLab extension, for `jupyter labextension develop`."""
    return [{"src": "labextension", "dest": "mllens-jupyter"}]
