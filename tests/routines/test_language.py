import pytest

from coach.errors import UsageError
from coach.routines.language import (
    check_text_language,
    check_voice_language,
    text_language,
)


def test_a_speech_language_picks_its_catalogue_by_its_first_part():
    assert text_language("en-GB") == "en"
    assert text_language("en_us") == "en"
    assert check_text_language("en-gb") == "en"


def test_a_language_without_text_is_one_line():
    with pytest.raises(UsageError) as err:
        check_text_language("de")
    assert "no German (de) text" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_voice_of_another_language_is_refused():
    check_voice_language("gmw/en-US", ("en-us",), "en")
    check_voice_language("some voice", (), "en")  # lists no language: not checked
    with pytest.raises(UsageError) as err:
        check_voice_language("gmw/de", ("de",), "en")
    assert "speaks German (de)" in str(err.value)
    assert "text is English (en)" in str(err.value)
