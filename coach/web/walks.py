"""Logging a walk from the phone: what the page and the API share.

Both turn what they were sent into ``(routine, LoggedWalk)`` with
:func:`walk_from_fields` (the API's JSON as it is, the page's form through
:func:`fields_from_form`), and save it with :func:`save_walk`, which calls
:func:`coach.programme.logbook.log_walk`: the one library call ``coach log``
makes, so all three write the same history row and get the same answer, and
a bad value gets the same message. Request bodies are read with a size limit
(:func:`read_body`) and requests from another site's page are refused
(:func:`same_origin`, :func:`form_token`).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from coach.errors import UsageError, bad_character, shorten

if TYPE_CHECKING:
    from starlette.requests import Request

    from coach.programme.logbook import LoggedWalk, LogResult
    from coach.web.site import Site

MAX_BODY_BYTES = 16 * 1024
MAX_TEXT_CHARS = 2000
MAX_WALK_ID = 2**62  # SQLite's ids are 64-bit: a larger one is no walk
WALK_FIELDS = ("routine", "minutes", "pain_before", "pain_after", "completed", "stop_reason",
               "effort", "note")
REQUIRED = WALK_FIELDS[:5]


class BodyError(Exception):
    """A request body that cannot be read: ``status`` (400 or 413) and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, read no further than ``limit`` bytes (:class:`BodyError` 413 past it,
    400 when the client goes away before the end)."""
    from starlette.requests import ClientDisconnect

    too_large = BodyError(413, "the request body is too large")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise too_large
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_large
    except ClientDisconnect:
        raise BodyError(400, "the request ended before its body") from None
    return bytes(body)


def same_origin(request: Request, site: Site) -> bool:
    """No ``Origin`` (a tool, not a browser) or our own; ``Sec-Fetch-Site`` too when sent."""
    origin = request.headers.get("origin")
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    return origin is None or origin == site.origin


def form_token(token: str, form: str) -> str:
    """The CSRF token of one of the page's forms: only someone who knows the secret
    (who was given the page) can make it."""
    return hmac.new(token.encode(), f"form:{form}".encode(), hashlib.sha256).hexdigest()[:32]


def check_form_token(token: str, form: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(given, form_token(token, form))


def walk_from_fields(fields: Mapping[str, object]) -> tuple[str, LoggedWalk]:
    """``(routine, LoggedWalk)`` from the API's field names (see :data:`WALK_FIELDS`);
    wrong types are UsageErrors naming the field, ranges are checked by ``log_walk``."""
    from coach.programme.logbook import LoggedWalk

    unknown = sorted(set(fields) - set(WALK_FIELDS))
    if unknown:
        raise UsageError(f"unknown field {unknown[0]!r}; a walk has {', '.join(WALK_FIELDS)}")
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        raise UsageError(f"missing {', '.join(missing)}")
    routine = _text(fields, "routine", required=True)
    assert routine is not None
    minutes = fields["minutes"]
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) \
            or not math.isfinite(minutes):
        raise UsageError(f"--minutes must be a number, got {shorten(minutes)}")
    completed = fields["completed"]
    if not isinstance(completed, bool):
        raise UsageError(f"completed must be true or false, got {shorten(completed)}")
    reason = _text(fields, "stop_reason")
    stopped = None if completed else (reason or "not given")
    return routine, LoggedWalk(
        minutes=float(minutes), planned=None, when=None,
        pain_before=_pain(fields.get("pain_before")), pain_after=_pain(fields.get("pain_after")),
        effort=_text(fields, "effort"), stopped=stopped, flare=False,
        note=_text(fields, "note") or "")


def fields_from_form(form: Mapping[str, str]) -> dict[str, object]:
    """The page's form (strings) as the API's fields; a value that is no number stays
    a string, so :func:`walk_from_fields` names it."""
    fields: dict[str, object] = {"routine": form.get("routine", ""),
                                 "completed": form.get("completed", "yes") != "no"}
    minutes = form.get("minutes", "").strip()
    fields["minutes"] = _number(minutes)
    for name in ("pain_before", "pain_after"):
        value = form.get(name, "").strip()
        fields[name] = None if value == "" else _number(value)
    for name in ("stop_reason", "effort", "note"):
        if form.get(name, "").strip():
            fields[name] = form[name]
    return fields


def save_walk(site: Site, routine: str, logged: LoggedWalk) -> LogResult:
    """:func:`coach.programme.logbook.log_walk`, as ``coach log`` calls it."""
    from coach.programme.history import History
    from coach.programme.logbook import log_walk

    with History() as hist:
        return log_walk(hist, routine, logged, site.env.now())


def save_morning_pain(site: Site, walk_id: int, pain: object) -> LogResult:
    """:func:`coach.programme.logbook.add_morning_pain`, as ``coach log --morning-pain``."""
    from coach.programme.history import History
    from coach.programme.logbook import add_morning_pain

    if not 0 < walk_id <= MAX_WALK_ID:
        raise UsageError(f"no walk with id {walk_id} in the history")
    if pain is None:
        raise UsageError("give the pain this morning, 0 to 10")
    with History() as hist:
        return add_morning_pain(hist, cast(int, _pain(pain)), walk_id, site.env.now())


def result_json(result: LogResult) -> dict[str, object]:
    return {"id": result.id, "advice": list(result.advice), "next": result.next}


def _pain(value: object) -> int | None:
    """Pain passed on for the history to check (a whole number 0-10, or none), so the
    message is the one ``coach log`` gives; ``3.0`` (from some JSON tools) counts as 3."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return cast("int | None", value)


def _number(text: str) -> object:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def _text(fields: Mapping[str, object], name: str, required: bool = False) -> str | None:
    value = fields.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise UsageError(f"{name} must be {'a non-empty' if required else 'a'} string, "
                         f"got {shorten(value)}")
    if len(value) > MAX_TEXT_CHARS:
        raise UsageError(f"{name} is longer than {MAX_TEXT_CHARS} characters")
    problem = bad_character(value)  # the one text rule, as for `coach log --note` (issue 12)
    if problem is not None:
        raise UsageError(f"{name} {problem}")
    return value
