"""The pain page at ``/TOKEN/``: log a walk, or the next morning's pain, from the phone.

Plain HTML forms with inline CSS, no script at all and nothing fetched from
elsewhere: large tap targets (pain 0-10 as a grid of buttons), readable
without zooming. Each form carries a CSRF token (:func:`coach.web.walks.form_token`)
and is refused (403) without it or from another site's page. A walk is saved
with the same call as ``coach log`` (:mod:`coach.web.walks`); the answer page
shows what the programme decided next and why, and the coach's advice when the
pain calls for it. A bad value shows the form again with ``coach log``'s
message and the values kept.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from coach.errors import UsageError

if TYPE_CHECKING:
    from coach.programme.history import WalkRecord
    from coach.programme.logbook import LogResult
    from coach.web.episodes import Episode
    from coach.web.site import Site

STOP_REASONS = ("pain", "dizzy", "tired", "weather", "time", "other")
EFFORT_HINTS = (("easy", "Easy: could sing"), ("conversational", "Could talk in full sentences"),
                ("breathless", "Breathless: only a few words"))

CSS = """
*{box-sizing:border-box}
body{font:20px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 background:#f4f1de;color:#12344a}
main{max-width:34rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.3rem 0 .8rem}h2{font-size:1.25rem;margin:1.4rem 0 .5rem}
fieldset{border:0;margin:0 0 1.1rem;padding:0}legend{font-weight:700;margin-bottom:.4rem}
.scale{display:grid;grid-template-columns:repeat(6,1fr);gap:.4rem}
.choice{display:flex;flex-wrap:wrap;gap:.4rem}
.scale input,.choice input{position:absolute;opacity:0;width:1px;height:1px}
.scale label,.choice label{display:flex;align-items:center;justify-content:center;
 min-height:3rem;padding:.3rem .8rem;border:2px solid #227480;border-radius:.6rem;
 background:#fff;font-weight:600;cursor:pointer}
.choice label{flex:1 1 auto}
input:checked+label{background:#227480;color:#fff}
input:focus-visible+label{outline:3px solid #e07a1f;outline-offset:2px}
select,input[type=number],textarea{font:inherit;width:100%;min-height:3rem;padding:.4rem .6rem;
 border:2px solid #227480;border-radius:.6rem;background:#fff;color:inherit}
textarea{min-height:5rem}
button{font:inherit;font-weight:700;width:100%;min-height:3.4rem;margin-top:.4rem;border:0;
 border-radius:.7rem;background:#12344a;color:#fff}
.hint{font-size:.9rem;color:#3d5a6c;margin:.2rem 0 .5rem}
.error{background:#fde2d6;border-left:6px solid #c0392b;padding:.6rem .8rem;border-radius:.4rem}
.advice{background:#fff4d6;border-left:6px solid #e07a1f;padding:.6rem .8rem;border-radius:.4rem}
.next{background:#dff0ee;border-left:6px solid #227480;padding:.6rem .8rem;border-radius:.4rem}
a{color:#12344a;font-weight:600}nav a{display:inline-block;margin:.2rem .8rem .2rem 0}
"""


def page_routes(site: Site) -> list[Route]:
    page = Page(site)
    return [Route("/", page.index, methods=["GET", "HEAD"]),
            Route("/walks", page.walk, methods=["POST"]),
            Route("/morning-pain", page.morning, methods=["POST"])]


class Page:
    """The page's endpoints over one site."""

    def __init__(self, site: Site) -> None:
        self.site = site

    async def form_fields(self, request: Request, form: str) -> dict[str, str] | Response:
        """The form sent, or the page refusing it: another site's page or no CSRF token
        (403), too large (413)."""
        from coach.web.walks import BodyError, check_form_token, read_body, same_origin

        if not same_origin(request, self.site):
            return _refused("This form was sent from another site's page.")
        try:
            body = (await read_body(request)).decode("utf-8")
        except BodyError as err:
            return _refused("That was too much text." if err.status == 413
                            else "The form did not arrive whole.", err.status)
        except UnicodeDecodeError:
            return _refused("The form could not be read.", 400)
        fields = dict(parse_qsl(body, keep_blank_values=True))
        if not check_form_token(self.site.token, form, fields.get("csrf")):
            return _refused("This form is out of date: open the page again and resend it.")
        return fields

    async def index(self, request: Request) -> Response:
        chosen = request.query_params.get("session")
        return HTMLResponse(await run_in_threadpool(_index_html, self.site, chosen, {}, None))

    async def walk(self, request: Request) -> Response:
        from coach.web.walks import fields_from_form, save_walk, walk_from_fields

        fields = await self.form_fields(request, "walk")
        if isinstance(fields, Response):
            return fields
        try:
            routine, logged = walk_from_fields(fields_from_form(fields))
            result = await run_in_threadpool(save_walk, self.site, routine, logged)
        except UsageError as err:
            page = await run_in_threadpool(_index_html, self.site, fields.get("routine"),
                                           fields, str(err))
            return HTMLResponse(page, status_code=422)
        return HTMLResponse(_result_html(result, "Walk saved"))

    async def morning(self, request: Request) -> Response:
        from coach.web.walks import save_morning_pain

        fields = await self.form_fields(request, "morning")
        if isinstance(fields, Response):
            return fields
        try:
            walk_id = int(fields.get("walk", ""))
            result = await run_in_threadpool(save_morning_pain, self.site, walk_id,
                                             _int_or_text(fields.get("pain", "")))
        except (UsageError, ValueError) as err:
            message = str(err) if isinstance(err, UsageError) else "choose the walk again"
            page = await run_in_threadpool(_index_html, self.site, None, {}, message)
            return HTMLResponse(page, status_code=422)
        return HTMLResponse(_result_html(result, "Morning pain saved"))


def _int_or_text(text: str) -> object:
    stripped = text.strip()
    if stripped == "":
        return None
    return int(stripped) if stripped.isdigit() else stripped


def _refused(message: str, status: int = 403) -> Response:
    return HTMLResponse(_document("Not sent", f'<p class="error">{html.escape(message)}</p>'),
                        status_code=status)


def _document(title: str, body: str) -> str:
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            "<meta name=\"referrer\" content=\"same-origin\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def _index_html(site: Site, chosen: str | None, values: Mapping[str, str],
                error: str | None) -> str:
    from coach.programme.history import History
    from coach.routines.library import routine_ids
    from coach.web.walks import form_token

    today = site.env.today()
    episodes = [e for e in site.episodes() if e.day == today]
    episode = next((e for e in episodes if chosen in (e.id, e.log_as)),
                   episodes[0] if episodes else None)
    with History() as hist:
        last = hist.last()
    parts = ["<h1>How was your walk?</h1>"]
    if error is not None:
        parts.append(f'<p class="error" role="alert">{html.escape(error)}</p>')
    if episode is None and last is not None and last.started_at.date() == today:
        parts.append(f'<p class="next">{html.escape(_logged_today(last))}</p>')
    if len(episodes) > 1:
        links = "".join(f'<a href="?session={html.escape(e.id)}">{html.escape(_label(e))}</a>'
                        for e in episodes)
        parts.append(f"<nav>Today: {links}</nav>")
    parts.append(_walk_form(form_token(site.token, "walk"), episode, episodes,
                            sorted(routine_ids()), values))
    if last is not None and last.id is not None and last.pain_next_morning is None \
            and last.started_at.date() < today:
        parts.append(_morning_form(form_token(site.token, "morning"), last))
    return _document("Log your walk", "".join(parts))


def _logged_today(last: WalkRecord) -> str:
    """Shown once today's sessions are all logged, so the walk is not logged twice."""
    pain = "" if last.pain_after is None else f", pain after {last.pain_after}"
    return (f"Today's walk is saved (walk {last.id}: {last.routine}, {last.walked_min:g} "
            f"minutes{pain}). Logging another walk? Choose it below.")


def _label(episode: Episode) -> str:
    slot = episode.id.rsplit("-", 1)[-1]
    when = {"morning": "morning", "evening": "evening"}.get(slot, f"{episode.at:%H:%M}")
    return f"{episode.title} ({when})"


def _walk_form(csrf: str, episode: Episode | None, episodes: Sequence[Episode],
               routines: Sequence[str], values: Mapping[str, str]) -> str:
    selected = values.get("routine") or (episode.log_as if episode else "")
    options = [(e.log_as, _label(e)) for e in episodes]
    if not options:  # no session left today: the walker chooses (not the first id)
        options = [("", "Choose the walk")]
    options += [(r, r) for r in routines if r not in {o[0] for o in options}]
    choose = "".join(f'<option value="{html.escape(v)}"{" selected" if v == selected else ""}>'
                     f"{html.escape(text)}</option>" for v, text in options)
    minutes = values.get("minutes") or (f"{episode.walking_minutes:g}" if episode else "")
    completed = values.get("completed", "yes")
    reason = values.get("stop_reason", "")
    reasons = "".join(f'<option value="{r}"{" selected" if r == reason else ""}>{r}</option>'
                      for r in ("", *STOP_REASONS))
    efforts = "".join(_radio("effort", v, text, values.get("effort") == v)
                      for v, text in EFFORT_HINTS)
    return (
        f'<form method="post" action="walks"><input type="hidden" name="csrf" value="{csrf}">'
        f'<fieldset><legend><label for="routine">Which walk</label></legend>'
        f'<select id="routine" name="routine" required>{choose}</select></fieldset>'
        + _scale("pain_before", "Back pain before the walk", values.get("pain_before"))
        + _scale("pain_after", "Back pain now, after the walk", values.get("pain_after"))
        + '<fieldset><legend>Did you finish it?</legend><div class="choice">'
        + _radio("completed", "yes", "I finished", completed != "no")
        + _radio("completed", "no", "I stopped early", completed == "no")
        + '</div><p class="hint"><label for="stop_reason">If you stopped, why:</label></p>'
        f'<select id="stop_reason" name="stop_reason">{reasons}</select></fieldset>'
        '<fieldset><legend><label for="minutes">Minutes walked</label></legend>'
        f'<input id="minutes" name="minutes" type="number" inputmode="decimal" min="0" '
        f'max="240" step="any" required value="{html.escape(minutes)}"></fieldset>'
        '<fieldset><legend>Talk test: how did it feel?</legend>'
        f'<div class="choice">{efforts}</div></fieldset>'
        '<fieldset><legend><label for="note">Anything to remember</label></legend>'
        f'<textarea id="note" name="note" maxlength="2000">'
        f'{html.escape(values.get("note", ""))}</textarea></fieldset>'
        '<button type="submit">Save my walk</button></form>')


def _morning_form(csrf: str, last: WalkRecord) -> str:
    return (f'<h2>This morning</h2><form method="post" action="morning-pain">'
            f'<input type="hidden" name="csrf" value="{csrf}">'
            f'<input type="hidden" name="walk" value="{last.id}">'
            + _scale("pain", f"Back pain this morning, after your walk of "
                     f"{last.started_at:%a %d %b} ({last.routine})", None, prefix="m")
            + '<button type="submit">Save this morning\'s pain</button></form>')


def _scale(name: str, legend: str, value: str | None, prefix: str = "") -> str:
    buttons = "".join(_radio(name, str(n), str(n), value == str(n), prefix) for n in range(11))
    return (f'<fieldset><legend>{html.escape(legend)}</legend>'
            f'<p class="hint">0 = no pain, 10 = the worst imaginable</p>'
            f'<div class="scale">{buttons}</div></fieldset>')


def _radio(name: str, value: str, text: str, checked: bool, prefix: str = "") -> str:
    ident = f"{prefix}{name}-{value}"
    return (f'<input type="radio" id="{ident}" name="{name}" value="{html.escape(value)}"'
            f'{" checked" if checked else ""}><label for="{ident}">{html.escape(text)}</label>')


def _result_html(result: LogResult, title: str) -> str:
    rec = result.record
    status = "finished" if rec.completed else f"stopped early ({rec.ended_reason})"
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p>Walk {result.id}: {html.escape(rec.routine)}, {rec.walked_min:g} minutes, "
             f"{html.escape(status)}.</p>"]
    if result.advice:
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in result.advice)
        parts.append(f'<div class="advice" role="alert">{lines}</div>')
    parts.append(f'<div class="next"><p><strong>Next:</strong> {html.escape(result.next)}'
                 "</p></div>")
    parts.append('<p><a href="./">Back to the page</a></p>')
    return _document(title, "".join(parts))
