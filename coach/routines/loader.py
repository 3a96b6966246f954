"""Routine and technique YAML -> validated, frozen model objects.

Every problem in a file is collected and raised together as one
:class:`~coach.errors.RoutineError` whose lines read ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import PurePath

import yaml

from coach.errors import shorten
from coach.routines.budget import (
    MAX_REMINDERS,
    MAX_RESPELLING_WORDS,
    MAX_RESPELLINGS,
    session_cost_problem,
)
from coach.routines.language import TEXT_LANGUAGES, text_language
from coach.routines.model import (
    METRONOME_LU_RANGE,
    PACES,
    SPEECH_ENGINES,
    SPEECH_KEY_CHARS,
    TALK_LEVELS,
    Reminder,
    Repeat,
    Routine,
    Segment,
    SpeechSettings,
    Stretch,
    Technique,
    Texts,
    total_duration_s,
)
from coach.routines.overlay import check_placeholders, parse_overlays
from coach.routines.yamlsrc import Reader, compose, kind_of, position, suggest

MAX_SESSION_S = 4 * 3600
MIN_SESSION_S = 10  # room for the spoken safety line
#: ``{time_left}``/``{section_time_left}``: the time in words ("an hour and ten minutes").
PLACEHOLDERS = ("minutes_left", "section_minutes_left", "time_left", "section_time_left", "rep",
                "reps", "section")
REMINDER_KINDS = ("posture", "encouragement", "pace", "safety", "technique")
PACE_NAMES = tuple(PACES)

_ROUTINE_KEYS = {"title": True, "segments": True, "description": False, "language": False,
                 "voice": False, "engine": False, "rate": False, "volume": False,
                 "cadence": False, "reminders": False, "pronunciations": False,
                 "briefing": False, "talk": False, "text": False, "music": False,
                 "metronome_level": False}
_SEGMENT_KEYS = {"technique": True, "duration": True, "title": False, "pace": False,
                 "cadence": False, "intro": False, "form": False, "say": False, "safety": False,
                 "reminders": False, "countdown": False}
_REPEAT_KEYS = {"repeat": True, "segments": True}
_REMINDER_KEYS = {"every": True, "say": True, "kind": False, "offset": False}
_TECHNIQUE_KEYS = {"id": True, "name": True, "description": True, "pace": False,
                   "cadence": False, "intro": False, "safety": False, "form": False,
                   "form_every": False, "encouragement": False, "stretches": False,
                   "rounds": False, "countdown": False, "closing": False, "openers": False,
                   "quiet": False, "in_order": False, "language": False, "text": False}
_STRETCH_KEYS = {"name": True, "say": False, "left": False, "right": False, "hold": False,
                 "position": False}
POSITIONS = ("standing", "sitting")
QUIET_POOLS = ("form", "encouragement")  # a technique's pools it may keep when talk is quiet


def load_routine(data: bytes, source: str, routine_id: str,
                 technique_ids: Collection[str]) -> Routine:
    """Validate routine YAML; raises RoutineError listing every problem."""
    r, keys = _open(data, source, "routine", _ROUTINE_KEYS)
    language = keys.get("language")
    if isinstance(language, yaml.ScalarNode):
        r.language = text_language(str(language.value))
    title = r.text(keys["title"], "title", 120, spoken=True) if "title" in keys else None
    segments: tuple[Segment | Repeat, ...] = ()
    if "segments" in keys:
        segments = _segments(r, keys["segments"], technique_ids, depth=0)
    speech = _speech_settings(r, keys)
    cadence = _cadence(r, keys.get("cadence"))
    reminders = _reminders(r, keys["reminders"]) if "reminders" in keys else ()
    pronunciations = _pronunciations(r, keys)
    texts = _texts(r, keys, "routine")
    if segments:
        total = total_duration_s(segments)
        if total > MAX_SESSION_S:
            r.error(keys["segments"], f"the session lasts {total / 3600:.1f} hours; "
                    "the limit is 4 hours")
        elif total < MIN_SESSION_S:
            r.error(keys["segments"], f"the session lasts {total:g} seconds; it needs at "
                    f"least {MIN_SESSION_S} (the coach opens every walk with a safety reminder)")
        elif (cost := session_cost_problem(segments, reminders)) is not None:
            r.error(keys["segments"], cost)
    briefing = _flag(r, keys, "briefing")
    talk = r.choice(keys["talk"], "talk", TALK_LEVELS) if "talk" in keys else "normal"
    music = r.text(keys["music"], "music (a file or folder)", 1000) if "music" in keys else None
    music_at = ""
    if music is not None:  # relative to the routine's file; that it plays: when it is used
        if not music.startswith("~"):  # "~/Music" is the user's, expanded when used
            music = str(PurePath(source).parent / music)  # an absolute path stays itself
        music_at = "{}:{}:{}".format(source, *position(keys["music"]))
    metronome_lu = r.number(keys["metronome_level"], "metronome_level (LU relative to the "
                            "speech)", *METRONOME_LU_RANGE) if "metronome_level" in keys else None
    r.raise_if_any()
    assert title is not None
    return Routine(
        id=routine_id, title=title, segments=segments,
        description=_optional_text(r, keys, "description", 1000), speech=speech,
        cadence_spm=cadence, reminders=reminders, pronunciations=pronunciations,
        source=source, briefing=briefing, talk=talk or "normal",
        text_language=text_language(speech.language), texts=texts, music=music,
        music_at=music_at, metronome_lu=metronome_lu,
        speech_at=tuple((key, "{}:{}:{}".format(source, *position(keys[key])))
                        for key in ("voice", "language") if key in keys),
    )


def _language(r: Reader, node: yaml.Node) -> str | None:
    """A routine's ``language:``: a language code the coach has text for, refused here at
    its place (every later command would refuse it without one; issue 12)."""
    from coach.errors import UsageError
    from coach.routines.language import check_text_language

    language = r.text(node, "language", SPEECH_KEY_CHARS["language"])
    if language is not None:
        try:
            check_text_language(language)
        except UsageError as err:
            r.error(node, str(err))
            return None
    return language


def _flag(r: Reader, keys: dict[str, yaml.Node], key: str) -> bool:
    if key not in keys:
        return False
    node = keys[key]
    if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool"):
        r.error(node, f"{key} must be true or false, got {kind_of(node)}")
        return False
    return str(node.value).lower() in ("true", "yes", "on")


def _speech_settings(r: Reader, keys: dict[str, yaml.Node]) -> SpeechSettings:
    speech = SpeechSettings()
    if "language" in keys:
        speech = _replace(speech, language=_language(r, keys["language"]))
    if "voice" in keys:
        speech = _replace(speech, voice=r.text(keys["voice"], "voice",
                                                 SPEECH_KEY_CHARS["voice"]))
    if "engine" in keys:
        speech = _replace(speech, engine=r.choice(keys["engine"], "engine", SPEECH_ENGINES))
    if "rate" in keys:
        rate = r.number(keys["rate"], "rate (words per minute)", 80, 450, integer=True)
        speech = _replace(speech, rate_wpm=None if rate is None else int(rate))
    if "volume" in keys:
        speech = _replace(speech, volume=r.number(keys["volume"], "volume", 0.05, 1.0))
    return speech


def _pronunciations(r: Reader, keys: dict[str, yaml.Node]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for word_node, say_node in r.pairs(keys.get("pronunciations", _EMPTY_MAP), "pronunciations"):
        word = r.text(word_node, "pronunciation word", 60)
        spoken = r.text(say_node, f"pronunciation of {shorten(word_node.value)}", 200,
                        spoken=True)
        if word and spoken and len(spoken.split()) > MAX_RESPELLING_WORDS:
            r.error(say_node, f"pronunciation of {shorten(word)} is {len(spoken.split())} "
                    f"words; a respelling says one word in at most {MAX_RESPELLING_WORDS}")
        elif word and spoken:
            out.append((word, spoken))
    if len(out) > MAX_RESPELLINGS:
        r.error(keys["pronunciations"], f"too many pronunciations ({len(out)}; at most "
                f"{MAX_RESPELLINGS})")
    return tuple(out)


def load_technique(data: bytes, source: str) -> Technique:
    r, keys = _open(data, source, "technique", _TECHNIQUE_KEYS)
    tid = r.text(keys["id"], "id", 40) if "id" in keys else None
    name = r.text(keys["name"], "name", 80, spoken=True) if "name" in keys else None
    description = r.text(keys["description"], "description", 1000) if "description" in keys \
        else None
    stretches: list[Stretch] = []
    for node in r.items(keys["stretches"], "stretches") if "stretches" in keys else ():
        sk = r.mapping(node, "stretch", _STRETCH_KEYS)
        if sk is None:
            continue
        stretch = _stretch(r, node, sk)
        if stretch is not None:
            stretches.append(stretch)
    lines = {k: _lines(r, keys, k) for k in ("intro", "safety", "form", "encouragement",
                                             "closing", "openers")}
    pace = r.choice(keys["pace"], "pace", PACE_NAMES) if "pace" in keys else None
    cadence = _cadence(r, keys.get("cadence"))
    form_every = r.duration(keys["form_every"], "form_every", 15, 600) \
        if "form_every" in keys else 60.0
    rounds = r.number(keys["rounds"], "rounds", 1, 5, integer=True) if "rounds" in keys else 1
    countdown = r.number(keys["countdown"], "countdown", 0, 10, integer=True) \
        if "countdown" in keys else 0
    language = _language(r, keys["language"]) if "language" in keys else "en"
    quiet = tuple(r.choice(n, "quiet", QUIET_POOLS) or "" for n in r.items(keys["quiet"], "quiet")
                  ) if "quiet" in keys else ()
    in_order = _flag(r, keys, "in_order")
    texts = _texts(r, keys, "technique")
    r.raise_if_any()
    assert tid and name and description
    return Technique(
        id=tid, name=name, description=description, pace=pace, cadence_spm=cadence,
        intro=lines["intro"], safety=lines["safety"], form=lines["form"],
        form_every_s=form_every or 60.0, encouragement=lines["encouragement"],
        stretches=tuple(stretches), rounds=int(rounds or 1), countdown_s=int(countdown or 0),
        closing=lines["closing"], openers=lines["openers"], quiet=quiet,
        in_order=in_order,
        text_language=text_language(language or "en"), texts=texts,
    )


def _stretch(r: Reader, node: yaml.Node, sk: dict[str, yaml.Node]) -> Stretch | None:
    """A stretch: ``say`` (both sides at once), or ``left`` and ``right`` (a pair)."""
    sname = r.text(sk["name"], "stretch name", 80, spoken=True) if "name" in sk else None
    for key in ("say", "left", "right"):
        _check_placeholders(r, sk.get(key))
    sided = "left" in sk or "right" in sk
    ssay: tuple[str, ...] | None = None
    if sided and ("say" in sk or "left" not in sk or "right" not in sk):
        r.error(node, "a stretch has either say (both sides at once) or left and right "
                "(one side, then the other)")
    elif sided:
        left = r.text(sk["left"], "left", spoken=True)
        right = r.text(sk["right"], "right", spoken=True)
        ssay = (left, right) if left and right else None
    elif "say" in sk:
        ssay = r.texts(sk["say"], "stretch text")
    else:
        r.error(node, "a stretch needs say, or left and right")
    hold = r.duration(sk["hold"], "hold", 5, 120) if "hold" in sk else 30.0
    position = r.choice(sk["position"], "position", POSITIONS) if "position" in sk \
        else "standing"
    if sname and ssay and hold and position:
        return Stretch(sname, ssay, hold, sided, position == "sitting")
    return None


def _texts(r: Reader, keys: dict[str, yaml.Node], kind: str) -> Texts:
    """The file's ``text:`` key: its words in other languages (coach.routines.overlay)."""
    if "text" not in keys:
        return ()
    return parse_overlays(r, keys["text"], kind, PLACEHOLDERS, TEXT_LANGUAGES)


# -- parts -------------------------------------------------------------------
def _open(data: bytes, source: str, what: str, allowed: dict[str, bool]
          ) -> tuple[Reader, dict[str, yaml.Node]]:
    """Parse a file whose top level must be a mapping with ``allowed`` keys."""
    r = Reader(source)
    keys = r.mapping(compose(data, source), what, allowed)
    if keys is None:
        r.raise_if_any()
    assert keys is not None
    return r, keys


_EMPTY_MAP = yaml.MappingNode("tag:yaml.org,2002:map", [])


def _segments(r: Reader, node: yaml.Node, technique_ids: Collection[str], depth: int
              ) -> tuple[Segment | Repeat, ...]:
    out: list[Segment | Repeat] = []
    for item in r.items(node, "segments"):
        is_repeat = isinstance(item, yaml.MappingNode) and any(
            k.value == "repeat" for k, _ in item.value if isinstance(k, yaml.ScalarNode))
        if is_repeat:
            keys = r.mapping(item, "repeat block", _REPEAT_KEYS)
            if keys is None or "repeat" not in keys or "segments" not in keys:
                continue
            if depth >= 3:
                r.error(item, "repeat blocks may be nested at most 3 deep")
                continue
            times = r.number(keys["repeat"], "repeat", 1, 50, integer=True)
            inner = _segments(r, keys["segments"], technique_ids, depth + 1)
            if times and inner:
                out.append(Repeat(int(times), inner, line=item.start_mark.line + 1))
            continue
        keys = r.mapping(item, "segment", _SEGMENT_KEYS)
        if keys is None:
            continue
        seg = _segment(r, item, keys, technique_ids)
        if seg is not None:
            out.append(seg)
    return tuple(out)


def _segment(r: Reader, node: yaml.Node, keys: dict[str, yaml.Node],
             technique_ids: Collection[str]) -> Segment | None:
    technique = None
    if "technique" in keys:
        technique = r.text(keys["technique"], "technique", 60)
        if technique is not None and technique not in technique_ids:
            r.error(keys["technique"], f"unknown technique {technique!r}"
                    f"{suggest(technique, technique_ids)} (see `coach techniques`)")
            technique = None
    duration = r.duration(keys["duration"], "duration", 5, 4 * 3600) \
        if "duration" in keys else None
    countdown = None
    if "countdown" in keys:
        value = r.number(keys["countdown"], "countdown", 0, 10, integer=True)
        countdown = None if value is None else int(value)
    if technique is None or duration is None:
        return None
    return Segment(
        technique=technique, duration_s=duration,
        title=_optional_text(r, keys, "title", 80, spoken=True) or None,
        pace=r.choice(keys["pace"], "pace", PACE_NAMES) if "pace" in keys else None,
        cadence_spm=_cadence(r, keys.get("cadence")),
        intro=_lines(r, keys, "intro") if "intro" in keys else None,
        form=_lines(r, keys, "form") if "form" in keys else None,
        say=_lines(r, keys, "say"), safety=_lines(r, keys, "safety"),
        reminders=_reminders(r, keys["reminders"]) if "reminders" in keys else (),
        countdown_s=countdown, line=node.start_mark.line + 1,
    )


def _reminders(r: Reader, node: yaml.Node) -> tuple[Reminder, ...]:
    out: list[Reminder] = []
    if isinstance(node, yaml.SequenceNode) and len(node.value) > MAX_REMINDERS:
        r.error(node, f"too many reminders ({len(node.value):,}; at most {MAX_REMINDERS} "
                "in one list)")
        return ()
    for item in r.items(node, "reminders"):
        keys = r.mapping(item, "reminder", _REMINDER_KEYS)
        if keys is None:
            continue
        every = r.duration(keys["every"], "every", 20, 3600) if "every" in keys else None
        phrases = _lines(r, keys, "say") if "say" in keys else ()
        kind = r.choice(keys["kind"], "kind", REMINDER_KINDS) if "kind" in keys else "posture"
        offset = r.duration(keys["offset"], "offset", 1, 3600) if "offset" in keys else None
        if every and phrases and kind:
            out.append(Reminder(every, phrases, kind, offset))
    return tuple(out)


def _lines(r: Reader, keys: dict[str, yaml.Node], key: str) -> tuple[str, ...]:
    if key not in keys:
        return ()
    _check_placeholders(r, keys[key])
    return r.texts(keys[key], key) or ()


def _check_placeholders(r: Reader, node: yaml.Node | None) -> None:
    check_placeholders(r, node, PLACEHOLDERS)


def _cadence(r: Reader, node: yaml.Node | None) -> float | None:
    if node is None:
        return None
    return r.number(node, "cadence (steps per minute)", 40, 200)


def _optional_text(r: Reader, keys: dict[str, yaml.Node], key: str, max_len: int,
                   spoken: bool = False) -> str:
    if key not in keys:
        return ""
    return r.text(keys[key], key, max_len, spoken) or ""


def _replace(speech: SpeechSettings, **changes: object) -> SpeechSettings:
    from dataclasses import replace

    kept = {k: v for k, v in changes.items() if v is not None}
    return replace(speech, **kept)  # type: ignore[arg-type]
