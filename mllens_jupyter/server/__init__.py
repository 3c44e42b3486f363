"""The Jupyter server side: the REST API behind the sidebar, thin over the core.

`api` does the plain-data work of each endpoint, `reviews` that of the workload review's; `handlers` are the tornado handlers, authenticated
like Jupyter's own, that translate HTTP to it. jupyter_server loads this package (see
`_jupyter_server_extension_points` in `mllens_jupyter`).
"""

from __future__ import annotations

from typing import Any


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Add the endpoints to a running Jupyter server (called by jupyter_server)."""
    from ..lens import LensRegistry
    from .api import API_PREFIX, REGISTRY_SETTING, REVIEWS_SETTING
    from .handlers import routes
    from .reviews import ReviewService

    web_app = serverapp.web_app
    web_app.settings[REGISTRY_SETTING] = LensRegistry(parent=serverapp)
    web_app.settings[REVIEWS_SETTING] = ReviewService(serverapp.root_dir)
    web_app.add_handlers(".*$", routes(web_app.settings["base_url"]))
    serverapp.log.info("mllens: the ML Lens API is at %s%s", web_app.settings["base_url"], API_PREFIX)
