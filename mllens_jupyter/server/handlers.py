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

from ..errors import (
    AnswerError,
    FileBusyError,
    FileError,
    LensNotFoundError,
    LensValidationError,
    MllensError,
    ReviewError,
    StaleReviewError,
    UnknownPracticeError,
    UnwritableFileError,
    UsageError,
)
from . import api
from .reviews import OutsideRootError

AUTH_RESOURCE = "mllens"


_STATUS_FOR: list[tuple[type, int]] = [
    (api.BodyTooLargeError, 413),
    (LensNotFoundError, 404),
    (OutsideRootError, 403),
    (StaleReviewError, 409),
    (UnwritableFileError, 403),
    (FileBusyError, 503),
    (ReviewError, 422),
    (FileError, 404),
    (UsageError, 400),
    (UnknownPracticeError, 400),
    (AnswerError, 400),
    (LensValidationError, 500),
]


@contextmanager
def http_errors() -> Iterator[None]:
    """mllens errors as HTTP errors whose JSON body carries the message."""
    try:
        yield
    except MllensError as err:
        status = next((code for kind, code in _STATUS_FOR if isinstance(err, kind)), 500)
        raise web.HTTPError(status, _safe(err)) from None


def _safe(err: Exception) -> str:
    """The message as tornado logs it (log_message is a %-format string)."""
    return str(err).replace("%", "%%")


class MllensHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def registry(self) -> Any:
        return self.settings[api.REGISTRY_SETTING]

    @property
    def reviews(self) -> Any:
        return self.settings[api.REVIEWS_SETTING]

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


class AnswersHandler(MllensHandler):
    """The answers that apply to an open notebook, each with its scope (this notebook or the workload)."""

    @web.authenticated
    @authorized("read")
    async def post(self) -> None:
        with http_errors():
            request = api.parse_json_body(self.request.body)
            lens = api.installed_lens(self.registry, api.lens_key(request.get("lens"), request.get("metadata") or {}))
            self.reply(await _in_thread(lambda: self.reviews.state(request.get("path"), _metadata(request), lens)))


class ReviewHandler(MllensHandler):
    """Record an answer for the whole workload, in the review file that covers the notebook."""

    @web.authenticated
    @authorized("write")
    async def put(self) -> None:
        with http_errors():
            request = api.parse_json_body(self.request.body)
            lens = api.installed_lens(self.registry, request.get("lens"))
            self.reply(await _in_thread(lambda: self.reviews.record(request, lens)))


def _metadata(request: dict) -> dict:
    metadata = request.get("metadata")
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise UsageError("metadata must be an object")
    return metadata


async def _in_thread(work: Callable[[], Any]) -> Any:
    """Run CPU-bound inference off the event loop so other requests keep flowing."""
    return await IOLoop.current().run_in_executor(None, work)


def routes(base_url: str) -> list[tuple[str, type]]:
    prefix = url_path_join(base_url, api.API_PREFIX)
    return [
        (url_path_join(prefix, "lenses"), LensesHandler),
        (url_path_join(prefix, "lens", r"([A-Za-z0-9][A-Za-z0-9_.-]{0,127})"), LensHandler),
        (url_path_join(prefix, "infer"), InferHandler),
        (url_path_join(prefix, "answers"), AnswersHandler),
        (url_path_join(prefix, "review"), ReviewHandler),
    ]
