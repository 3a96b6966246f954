"""The real server on a loopback port, asked with a real HTTP client (http.client)."""

from __future__ import annotations

import pytest


def test_without_the_token_every_path_is_a_bare_404(served):
    wrong = "x" * len(served.token)
    for path in ("/", "/feed.xml", f"/{wrong}/feed.xml", f"/{served.token[:-1]}/feed.xml",
                 f"/{served.token}x/feed.xml", "/api/sessions", f"/feed.xml?t={served.token}"):
        reply = served.http(path)
        assert (reply.status, reply.body) == (404, b"Not Found"), path
        assert "set-cookie" not in reply.headers
    assert served.http("/feed.xml", method="HEAD").status == 404
    assert served.http("/api/walks", method="POST", body=b"{}").status == 404


@pytest.mark.parametrize("path", [
    "/{t}/../{t}/feed.xml", "/{t}/episodes/../../etc/passwd", "/{t}/episodes/..%2F..%2Fetc%2Fpasswd",
    "/{t}/episodes/%2e%2e/%2e%2e/etc/passwd", "/{t}//etc/passwd", "/{t}/episodes//etc/passwd",
    "/{t}/episodes/%2Fetc%2Fpasswd", "/{t}/episodes/..%5c..%5cwin.ini", "/etc/passwd",
    "/{t}/episodes/0123456789abcdef0123.mp3/../../../etc/passwd",
    "/{t}/episodes/0123456789abcdef0123.lrc", "/{t}/episodes/0123456789abcdef0123.json",
    "/{t}/episodes/0123456789abcdef0123.mp3",  # a well-formed guid of no episode
])
def test_traversal_and_unknown_files_are_404(served, path):
    reply = served.http(path.format(t=served.token))
    assert (reply.status, reply.body) == (404, b"Not Found")


def test_each_request_is_logged_once_without_the_token(served):
    served.get("cover.png")
    served.http("/nope/feed.xml")
    log = served.logged(2)
    assert len(log) == 2
    assert not any(served.token in line for line in log)
    assert "GET /…/cover.png 200" in log[0]
    assert "GET /…/feed.xml 404" in log[1]


def test_cover_is_a_png(served):
    reply = served.get("cover.png")
    assert reply.status == 200 and reply.headers["content-type"] == "image/png"
    assert reply.body.startswith(b"\x89PNG\r\n\x1a\n")
