"""The server's secret: one unguessable token that every URL of `coach serve` carries.

Stored in the config folder as ``serve-token`` with 0600 permissions (only the
user can read it), made on first use, replaced by :func:`rotate_token`
(``coach serve --new-token``). A request without it gets a plain 404.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from pathlib import Path

from coach import paths
from coach.errors import OutputError

TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,128}")


def token_path() -> Path:
    return paths.config_dir() / "serve-token"


def load_token(path: Path | None = None) -> str:
    """The stored token, made (and stored 0600) when there is none or it is damaged."""
    path = path or token_path()
    try:
        text = path.read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return rotate_token(path)
    except OSError as err:
        raise OutputError(f"could not read {path}: {err.strerror or err}") from err
    return text if _TOKEN_RE.fullmatch(text) else rotate_token(path)


def rotate_token(path: Path | None = None) -> str:
    """Make a new token and store it with 0600 permissions; old URLs stop working."""
    path = path or token_path()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    tmp = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(token + "\n")
        os.chmod(tmp, 0o600)  # an old leftover file keeps its mode through O_TRUNC
        os.replace(tmp, path)
    except OSError as err:
        raise OutputError(f"could not write {path}: {err.strerror or err}") from err
    return token


def same_token(given: str, token: str) -> bool:
    """Compare in constant time, so the token cannot be guessed character by character."""
    return hmac.compare_digest(given.encode(), token.encode())
