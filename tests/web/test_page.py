"""The pain page on the real server, posted to as a browser posts a form."""

from __future__ import annotations

import html
import re
from datetime import datetime
from urllib.parse import urlencode

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _csrf(page: bytes, action: str) -> str:
    form = re.search(rb'<form method="post" action="' + action.encode() + rb'">.*?</form>',
                     page, re.S)
    assert form is not None, page
    match = re.search(rb'name="csrf" value="([0-9a-f]+)"', form[0])
    assert match is not None
    return match[1].decode()


def _post_form(served, action, fields, headers=None):
    return served.get(action, method="POST", body=urlencode(fields).encode(),
                      headers={**FORM, **(headers or {})})


def test_page_offers_todays_session_with_its_minutes(served, programme):
    programme(minutes=5, days=3)
    reply = served.get("")
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/html")
    page = reply.body.decode()
    assert '<option value="2026-03-02-walk" selected>' in page
    assert 'name="minutes" type="number"' in page and 'value="5"' in page
    assert page.count('type="radio" id="pain_after-') == 11  # 0 to 10
    assert 'name="viewport"' in page
    assert "<script" not in page and "http" not in page.split("</style>")[1]  # nothing fetched
    assert "This morning" not in page  # no walk logged yet


def test_token_without_slash_redirects_to_the_page(served):
    reply = served.http(f"/{served.token}")
    assert reply.status == 308 and reply.headers["location"] == f"/{served.token}/"


def test_form_post_writes_the_row_coach_log_writes(served, programme, run, history):
    programme(minutes=5, days=3)
    run("log", "2026-03-02-walk", "-m", "4", "--pain-before", "3", "--pain-after", "4",
        "--effort", "conversational", "--stopped", "tired", "--note", "windy")
    csrf = _csrf(served.get("").body, "walks")
    reply = _post_form(served, "walks", {
        "csrf": csrf, "routine": "2026-03-02-walk", "pain_before": "3", "pain_after": "4",
        "completed": "no", "stop_reason": "tired", "minutes": "4", "effort": "conversational",
        "note": "windy"})
    assert reply.status == 200, reply.body
    page = reply.body.decode()
    assert "Walk saved" in page and "Next:" in page
    by_cli, by_form = history()
    assert by_form == by_cli


def test_high_pain_shows_the_advice(served, programme, run):
    programme(minutes=5, days=3)
    cli_output = run("log", "2026-03-02-walk", "-m", "5", "--pain-before", "2",
                     "--pain-after", "8").output
    csrf = _csrf(served.get("").body, "walks")
    page = _post_form(served, "walks", {"csrf": csrf, "routine": "2026-03-02-walk",
                                        "pain_before": "2", "pain_after": "8",
                                        "completed": "yes", "minutes": "5"}).body.decode()
    assert 'class="advice"' in page
    advice = [line for line in cli_output.splitlines()[1:]
              if line.strip() and not line.startswith("Next: ")]
    assert advice
    assert all(html.escape(line) in page for line in advice)


def test_form_without_csrf_or_from_elsewhere_is_refused(served, programme, run, history):
    programme(minutes=5, days=3)
    fields = {"routine": "2026-03-02-walk", "minutes": "5", "completed": "yes"}
    assert _post_form(served, "walks", fields).status == 403
    assert _post_form(served, "walks", {**fields, "csrf": "0" * 32}).status == 403
    csrf = _csrf(served.get("").body, "walks")
    assert _post_form(served, "walks", {**fields, "csrf": csrf},
                      {"Origin": "http://evil.example"}).status == 403
    # each form has its own token: the walk form's does not send the morning one
    assert _post_form(served, "morning-pain", {"csrf": csrf, "walk": "1",
                                               "pain": "3"}).status == 403
    assert history() == []


def test_oversized_form_is_413(served, programme, run, history):
    programme(minutes=5, days=3)
    csrf = _csrf(served.get("").body, "walks")
    reply = _post_form(served, "walks", {"csrf": csrf, "routine": "2026-03-02-walk",
                                         "minutes": "5", "note": "x" * 20000})
    assert reply.status == 413
    assert history() == []


def test_bad_value_shows_the_form_again_with_coach_logs_message(served, programme, cli, run, history):
    programme(minutes=5, days=3)
    message = cli("log", "2026-03-02-walk", "-m", "300").output.strip().removeprefix("coach: ")
    csrf = _csrf(served.get("").body, "walks")
    reply = _post_form(served, "walks", {"csrf": csrf, "routine": "2026-03-02-walk",
                                         "minutes": "300", "note": "kept"})
    assert reply.status == 422
    page = reply.body.decode()
    assert message in page and ">kept</textarea>" in page
    assert history() == []


def test_morning_pain_form_for_yesterdays_walk(served, programme, run, wall_clock, history):
    programme(minutes=5, days=3)
    run("log", "2026-03-02-walk", "-m", "5", "--pain-before", "2", "--pain-after", "3")
    wall_clock.instant = datetime(2026, 3, 3, 7, 30, tzinfo=wall_clock.tz)  # the next morning
    page = served.get("").body
    assert b"This morning" in page and b"Mon 02 Mar" in page
    reply = _post_form(served, "morning-pain", {"csrf": _csrf(page, "morning-pain"),
                                                "walk": "1", "pain": "2"})
    assert reply.status == 200 and b"Morning pain saved" in reply.body
    assert history()[0]["pain_next_morning"] == 2
    assert b"This morning" not in served.get("").body  # given once
