"""The JSON API on the real server: sessions, walks, morning pain, and what it refuses."""

from __future__ import annotations

import json

import pytest

WALK = {"routine": "2026-03-02-walk", "minutes": 5, "pain_before": 3, "pain_after": 4,
        "completed": True, "effort": "easy", "note": "sunny"}
JSON = {"Content-Type": "application/json"}


def _post(served, rel, payload, headers=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return served.get(rel, method="POST", body=body, headers={**JSON, **(headers or {})})


def test_sessions_lists_the_feeds_sessions(served, programme):
    programme(minutes=5, days=3)
    reply = served.get("api/sessions")
    assert reply.status == 200 and reply.headers["content-type"] == "application/json"
    [session] = reply.json()
    assert set(session) == {"id", "date", "title", "routine", "walking_minutes",
                            "session_minutes", "audio_url"}
    assert session["id"] == "2026-03-02-walk" and session["date"] == "2026-03-02"
    assert session["routine"] == "week-1-walk" and session["walking_minutes"] == 5
    assert session["session_minutes"] > session["walking_minutes"]  # stretches
    assert session["audio_url"].startswith(served.base + "episodes/")
    assert session["audio_url"].endswith(".mp3")


def test_api_walk_writes_the_row_coach_log_writes(served, programme, run, history):
    programme(minutes=5, days=3)
    run("log", "2026-03-02-walk", "-m", "5", "--pain-before", "3", "--pain-after", "4",
        "--effort", "easy", "--note", "sunny")
    reply = _post(served, "api/walks", WALK)
    assert reply.status == 201, reply.body
    result = reply.json()
    assert set(result) == {"id", "advice", "next"}
    assert result["id"] == 2 and result["advice"] == [] and result["next"]
    by_cli, by_api = history()
    assert by_api == by_cli
    assert by_api["routine"] == "week-1-walk" and by_api["note"] == "sunny"


def test_api_stopped_walk_and_high_pain_get_the_advice(served, programme, run, history):
    programme(minutes=5, days=3)
    run("log", "2026-03-02-walk", "-m", "3", "--pain-before", "3", "--pain-after", "8",
        "--stopped", "pain")
    cli_advice = run("log", "2026-03-02-walk", "-m", "3", "--pain-before", "3",
                     "--pain-after", "8", "--stopped", "pain").output
    walk = {**WALK, "minutes": 3, "pain_after": 8, "completed": False, "stop_reason": "pain"}
    del walk["effort"], walk["note"]
    result = _post(served, "api/walks", walk).json()
    assert result["advice"], result
    assert all(line in cli_advice for line in result["advice"])
    rows = history()
    assert rows[2] == rows[1]
    assert rows[2]["completed"] is False and rows[2]["ended_reason"] == "pain"


@pytest.mark.parametrize(("change", "args"), [
    ({"minutes": 500}, ["-m", "500"]),
    ({"pain_after": 11}, ["-m", "5", "--pain-after", "11"]),
    ({"pain_before": -1}, ["-m", "5", "--pain-before", "-1"]),
    ({"routine": "gentel-start"}, ["-m", "5"]),
    ({"routine": "2026-03-09-walk"}, ["-m", "5"]),  # a session in the future
])
def test_bad_values_get_422_with_coach_logs_message(served, programme, cli, change, args):
    programme(minutes=5, days=3)
    routine = change.get("routine", "2026-03-02-walk")
    result = cli("log", routine, *args)
    assert result.exit_code == 2
    reply = _post(served, "api/walks", {**WALK, **change})
    assert reply.status == 422
    assert result.output.strip() == f"coach: {reply.json()['error']}"


@pytest.mark.parametrize(("change", "message"), [
    ({"minutes": "five"}, "--minutes must be a number"),
    ({"minutes": True}, "--minutes must be a number"),
    ({"pain_after": "4"}, "pain after must be a whole number from 0 to 10, got '4'"),
    ({"pain_after": 4.5}, "pain after must be a whole number from 0 to 10, got 4.5"),
    ({"completed": "yes"}, "completed must be true or false"),
    ({"effort": "hard"}, "effort must be one of easy, conversational, breathless"),
    ({"colour": "red"}, "unknown field 'colour'"),
    ({"note": "x" * 3000}, "note is longer than 2000 characters"),
])
def test_wrong_types_are_422_naming_the_field(served, programme, change, message):
    programme(minutes=5, days=3)
    reply = _post(served, "api/walks", {**WALK, **change})
    assert reply.status == 422
    assert message in reply.json()["error"]


def test_missing_fields_are_422(served):
    reply = _post(served, "api/walks", {"routine": "gentle-start"})
    assert reply.status == 422
    assert reply.json()["error"] == "missing minutes, pain_before, pain_after, completed"


def test_refused_requests_write_nothing(served, programme, run, history):
    programme(minutes=5, days=3)
    evil = _post(served, "api/walks", WALK, {"Origin": "http://evil.example"})
    assert evil.status == 403
    cross = _post(served, "api/walks", WALK, {"Sec-Fetch-Site": "cross-site"})
    assert cross.status == 403
    form = served.get("api/walks", method="POST", body=json.dumps(WALK).encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status == 415
    text = served.get("api/walks", method="POST", body=json.dumps(WALK).encode())
    assert text.status == 415
    assert _post(served, "api/walks", None, raw=b"{not json").status == 400
    assert _post(served, "api/walks", [1, 2]).status == 400
    assert history() == []
    ours = _post(served, "api/walks", WALK, {"Origin": served.base.rsplit("/", 2)[0]})
    assert ours.status == 201


def test_oversized_body_is_413(served, programme, run, history):
    programme(minutes=5, days=3)
    big = json.dumps({**WALK, "note": "x" * 20000}).encode()
    assert _post(served, "api/walks", None, raw=big).status == 413
    # the same without a Content-Length (chunked): the limit holds while reading
    conn_reply = served.get("api/walks", method="POST", body=iter([big[:9000], big[9000:]]),
                            headers={**JSON, "Transfer-Encoding": "chunked"}, chunked=True)
    assert conn_reply.status == 413
    assert history() == []


def test_morning_pain(served, programme, run, cli, history):
    programme(minutes=5, days=3)
    walk_id = _post(served, "api/walks", WALK).json()["id"]
    reply = _post(served, f"api/walks/{walk_id}/morning-pain", {"pain": 6})
    assert reply.status == 200
    result = reply.json()
    assert result["id"] == walk_id and result["advice"]  # worse than before the walk
    assert history()[0]["pain_next_morning"] == 6
    bad = _post(served, f"api/walks/{walk_id}/morning-pain", {"pain": 11})
    by_cli = cli("log", "--morning-pain", "11", "--id", str(walk_id))
    assert bad.status == 422 and by_cli.output.strip() == f"coach: {bad.json()['error']}"
    assert _post(served, "api/walks/999/morning-pain", {"pain": 2}).status == 404
    assert _post(served, f"api/walks/{10**30}/morning-pain", {"pain": 2}).status == 404
    assert _post(served, f"api/walks/{walk_id}/morning-pain", {"pain": 2, "x": 1}).status == 422
    assert served.get("api/walks/abc/morning-pain", method="POST", body=b"{}").status == 404
