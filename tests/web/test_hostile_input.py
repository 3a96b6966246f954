"""Any body posted to the page and the API is answered with a 4xx line or saved; never a 500.

The property (issue 12, the web page's new input): any JSON value (nested as deep as the
16 KB body allows, with nan, inf, huge integers, control characters, lone surrogates) sent
to /api/walks and /api/walks/ID/morning-pain gets 201/200 or one of 400, 404, 413, 415, 422
with a one-line message; any form to /walks and /morning-pain (with the page's CSRF token)
gets the page back (200) or a refusal (400, 403, 413, 422), what was sent shown escaped;
on the real server. Example counts: below (200 and 100).
"""

from __future__ import annotations

import json

import hypothesis.strategies as st
from hypothesis import HealthCheck, event, given, settings

JSON = {"Content-Type": "application/json"}
ODD = st.sampled_from([float("nan"), float("inf"), -float("inf"), 10 ** 30, -(10 ** 4000),
                       "\ud800", "\x1b[2J", "\u202e", "", " ", "x" * 5000, None, True, 2.5,
                       "2026-03-02-walk", 5, 0, -1, 11, "5"])
SCALARS = st.one_of(ODD, st.text(max_size=20), st.integers(), st.floats())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=12)
FIELDS = st.sampled_from(["routine", "minutes", "pain_before", "pain_after", "completed",
                          "stop_reason", "effort", "note", "pain", "x"])
WALK = {"routine": "2026-03-02-walk", "minutes": 5, "pain_before": 3, "pain_after": 4,
        "completed": True, "effort": "easy", "note": "sunny"}
BODIES = st.one_of(
    st.builds(lambda field, value: {**WALK, field: value}, FIELDS, VALUES),  # one bad field
    st.builds(lambda field, value: {**WALK, field: value}, FIELDS, SCALARS),
    st.builds(lambda value: {"pain": value}, VALUES),
    st.dictionaries(FIELDS, VALUES, max_size=8),
    VALUES,
    st.sampled_from(["[" * 8000 + "]" * 8000, '{"a":' * 2000 + "1" + "}" * 2000,  # < 16 KB
                     '{"minutes": 1e999}', '{"pain": NaN}', '{"minutes": ' + "9" * 5000 + "}",
                     '{"note": "\\ud800"}', json.dumps({**WALK, "note": ["x" * 12000]}),
                     json.dumps({**WALK, "pain_after": ["x" * 12000]}),
                     json.dumps({**WALK, "minutes": {"x" * 12000: 1}})]))
EXAMPLES = 200


def _encoded(body: object) -> bytes:
    text = body if isinstance(body, str) and body[:1] in "[{" else json.dumps(body)
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=BODIES, where=st.sampled_from(["api/walks", "api/walks/1/morning-pain",
                                          "api/walks/" + "9" * 30 + "/morning-pain"]))
def test_any_json_body_is_saved_or_refused_in_one_line(served, programme, body, where):
    programme(minutes=5, days=3)
    reply = served.get(where, method="POST", body=_encoded(body), headers=JSON)
    event(f"status {reply.status}" + (f" {reply.body[:40]!r}" if reply.status >= 400 else ""))
    assert reply.status in (200, 201, 400, 404, 413, 415, 422), (reply.status, reply.body[:300])
    if reply.status >= 400:
        message = reply.json()["error"]
        assert "\n" not in message and len(message) < 300, message


FORM_TEXT = st.one_of(st.text(max_size=30), st.sampled_from(
    ["nan", "inf", "1e999", "9" * 30, "", " ", "\x1b[2J", "\u202e", "<script>x</script>",
     "x" * 3000, "-1", "11", "3.5", "2026-03-02-walk", "no", "yes"]))
FORM_NAMES = st.sampled_from(["routine", "minutes", "pain_before", "pain_after", "completed",
                              "stop_reason", "effort", "note", "walk", "pain", "x"])
GOOD_FORM = {"routine": "2026-03-02-walk", "minutes": "5", "pain_before": "3", "pain_after": "4",
             "completed": "yes", "note": "windy"}
FORM_FIELDS = st.one_of(
    st.builds(lambda name, text: {**GOOD_FORM, name: text}, FORM_NAMES, FORM_TEXT),
    st.dictionaries(FORM_NAMES, FORM_TEXT, max_size=9))


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(fields=FORM_FIELDS, action=st.sampled_from(["walks", "morning-pain"]))
def test_any_form_is_saved_or_refused_on_the_page_never_a_server_error(served, programme,
                                                                        fields, action):
    import re
    from urllib.parse import urlencode

    programme(minutes=5, days=3)
    page = served.get("").body
    csrf = re.search(rb'action="' + action.encode() + rb'">.*?name="csrf" value="([0-9a-f]+)"',
                     page, re.S)
    token = csrf[1].decode() if csrf else "0" * 32  # no morning form before a walk: refused
    reply = served.get(action, method="POST", body=urlencode({**fields, "csrf": token}).encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    event(f"status {reply.status}")
    assert reply.status in (200, 400, 403, 413, 422), (reply.status, reply.body[:300])
    assert b"<script>x" not in reply.body  # what was sent is shown escaped, if at all
