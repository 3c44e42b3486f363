"""mllens-jupyter: the AWS Well-Architected Machine Learning Lens inside the notebook."""

__version__ = "0.1.0"


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
