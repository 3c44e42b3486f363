"""Tornado handlers of the ML Lens API: authenticated like Jupyter's own, thin over `api.py`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.ioloop import IOLoop

from . import api
from ..errors import LensNotFoundError, LensValidationError, UsageError

AUTH_RESOURCE = "mllens"


@contextmanager
def http_errors() -> Iterator[None]:
    """mllens errors as HTTP errors whose JSON body carries the message."""
    try:
        yield
    except api.BodyTooLargeError as err:
        raise web.HTTPError(413, _safe(err)) from None
    except LensNotFoundError as err:
        raise web.HTTPError(404, _safe(err)) from None
    except UsageError as err:
        raise web.HTTPError(400, _safe(err)) from None
    except LensValidationError as err:
        raise web.HTTPError(500, _safe(err)) from None


def _safe(err: Exception) -> str:
    """The message as tornado logs it (log_message is a %-format string)."""
    return str(err).replace("%", "%%")


class MllensHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def registry(self) -> Any:
        return self.settings[api.REGISTRY_SETTING]

    def reply(self, data: Any) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data, ensure_ascii=False))


class LensesHandler(MllensHandler):
    @web.authenticated
    @authorized
    def get(self) -> None:
        with http_errors():
            self.reply(api.lens_list(self.registry))


class LensHandler(MllensHandler):
    @web.authenticated
    @authorized
    def get(self, lens_id: str) -> None:
        with http_errors():
            self.reply(api.lens_detail(self.registry, lens_id))


class InferHandler(MllensHandler):
    @web.authenticated
    @authorized("read")
    async def post(self) -> None:
        with http_errors():
            request = api.parse_infer_request(self.request.body)
            result = await _in_thread(lambda: api.infer(self.registry, request))
            self.reply(result)


async def _in_thread(work: Callable[[], Any]) -> Any:
    """Run CPU-bound inference off the event loop so other requests keep flowing."""
    return await IOLoop.current().run_in_executor(None, work)


def routes(base_url: str) -> list[tuple[str, type]]:
    prefix = url_path_join(base_url, api.API_PREFIX)
    return [
        (url_path_join(prefix, "lenses"), LensesHandler),
        (url_path_join(prefix, "lens", r"([A-Za-z0-9][A-Za-z0-9_.-]{0,127})"), LensHandler),
        (url_path_join(prefix, "infer"), InferHandler),
    ]
