import stat

from coach.web.token import load_token, rotate_token, same_token, token_path


def test_token_is_made_once_stored_0600_and_kept():
    token = load_token()
    assert len(token) >= 32
    assert stat.S_IMODE(token_path().stat().st_mode) == 0o600
    assert load_token() == token


def test_new_token_replaces_the_old_one():
    old = load_token()
    new = rotate_token()
    assert new != old
    assert load_token() == new
    assert stat.S_IMODE(token_path().stat().st_mode) == 0o600


def test_damaged_token_file_is_replaced():
    path = token_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("short\n")
    token = load_token()
    assert token != "short" and len(token) >= 32


def test_same_token_compares_exactly():
    token = load_token()
    assert same_token(token, token)
    assert not same_token(token[:-1], token)
    assert not same_token("", token)
