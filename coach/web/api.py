"""The JSON API under ``/TOKEN/api/`` (the page's actions, for a phone shortcut or a watch).

* ``GET api/sessions``: the feed's sessions, a list of ``{"id", "date", "title",
  "routine", "walking_minutes", "session_minutes", "audio_url"}``.
* ``POST api/walks`` with ``{"routine", "minutes", "pain_before", "pain_after",
  "completed", "stop_reason", "effort", "note"}`` (the last three optional):
  201 and ``{"id", "advice", "next"}``.
* ``POST api/walks/ID/morning-pain`` with ``{"pain"}``: 200 and the same shape.

POSTs must say ``Content-Type: application/json`` (else 415) and come from no
browser page or from our own (``Origin``; else 403); bodies over 16 KiB get
413. A bad value gets 422 and ``{"error": MESSAGE}``, the message ``coach log``
gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.web.site import Site


def error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def api_routes(site: Site) -> list[Route]:
    api = Api(site)
    return [Route("/api/sessions", api.sessions, methods=["GET", "HEAD"]),
            Route("/api/walks", api.walks, methods=["POST"]),
            Route("/api/walks/{walk_id:int}/morning-pain", api.morning_pain, methods=["POST"])]


class Api:
    """The API's endpoints over one site."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def sessions_json(self) -> list[dict[str, object]]:
        from coach.web.feed import episode_url

        return [{"id": e.id, "date": e.day.isoformat(), "title": e.title,
                 "routine": e.routine.id, "walking_minutes": e.walking_minutes,
                 "session_minutes": e.session_minutes,
                 "audio_url": episode_url(self.site.base_url, e.guid, "mp3")}
                for e in self.site.episodes()]

    async def sessions(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self.sessions_json))

    async def json_body(self, request: Request) -> dict[str, object] | Response:
        """The JSON object sent, or the response refusing it (403, 415, 413, 400)."""
        from coach.web.walks import BodyError, read_body, same_origin

        if not same_origin(request, self.site):
            return error(403, "requests from another site's page are refused")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return error(415, "send JSON with Content-Type: application/json")
        from coach.yamlnest import json_loads

        try:
            body = json_loads(await read_body(request))
        except BodyError as err:
            return error(err.status, str(err))
        except ValueError as err:  # UnicodeDecodeError too; 16 KB of "[" (issue 12)
            nested = "nested more than" in str(err)
            return error(400, "the body is nested too deep" if nested
                         else "the body is not valid JSON")
        if not isinstance(body, dict):
            return error(400, "send a JSON object")
        return body

    async def walks(self, request: Request) -> Response:
        from coach.web.walks import result_json, save_walk, walk_from_fields

        body = await self.json_body(request)
        if isinstance(body, Response):
            return body
        try:
            routine, logged = walk_from_fields(body)
            result = await run_in_threadpool(save_walk, self.site, routine, logged)
        except UsageError as err:
            return error(422, str(err))
        return JSONResponse(result_json(result), status_code=201)

    async def morning_pain(self, request: Request) -> Response:
        from coach.web.walks import result_json, save_morning_pain

        body = await self.json_body(request)
        if isinstance(body, Response):
            return body
        walk_id: int = request.path_params["walk_id"]
        if set(body) != {"pain"}:
            return error(422, 'send {"pain": N} with N from 0 to 10')
        try:
            result = await run_in_threadpool(save_morning_pain, self.site, walk_id, body["pain"])
        except UsageError as err:
            status = 404 if str(err).startswith("no walk with id") else 422
            return error(status, str(err))
        return JSONResponse(result_json(result))
