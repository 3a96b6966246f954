"""Session preparation: the one way a routine becomes what a sink plays.

:func:`prepare_session` does it all: open the speech engine (once per
``engines`` dict), synthesise every phrase into the phrase cache, compile with
the measured lengths, and make the one renderer. Live walks, exports, ``coach
compile``/``check``/``show`` and the text walk all go through it, so they show
and play the same times. :func:`session_timeline` is its timeline alone, with
the words-per-minute estimate as the explicit (or no-engine) fallback.

``compile_with_library`` compiles a routine against the technique library and
the coach's own lines (the pure compiler is given both).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.errors import SettingError, UsageError

if TYPE_CHECKING:
    import numpy as np

    from coach.audio.loudness import Levels
    from coach.audio.render import SessionRenderer
    from coach.compiler.timeline import SpeechTimer, Timeline
    from coach.routines.lines import CoachLines
    from coach.routines.model import Routine, SpeechSettings
    from coach.speech import SpeechEngine
    from coach.speech.phrase_cache import PhraseCache
    from coach.speech.progress import TotalProgress

#: A live walk on a cold cache synthesises the cues starting this early before it plays;
#: the rest is synthesised in the workers ahead of the playhead (:class:`Ahead`).
OPENING_S = 12.0
#: An uncached phrase is placed with room for this many times the nominal time of its
#: words (:func:`bound_speech_s`); the clip check's own 2x (the longest any clip can be)
#: leaves gentle-start 23 cues of 37 (1.3: 37). A clip longer than its room is never
#: played (the walk shows that line unspoken).
BOUND_FACTOR = 1.3

#: Open engines by name (None: the platform's default); share one dict to open each once.
Engines = dict["str | None", "SpeechEngine"]
#: ``progress(done, total)`` after each phrase is synthesised or found in the cache.
WarmProgress = Callable[[int, int], None]


@dataclass(frozen=True, eq=False)
class PreparedSession:
    """A routine ready to play: its renderer (which carries the timeline) and the coach's lines."""

    renderer: SessionRenderer
    lines: CoachLines
    #: Phrases that could not be said (a native crash in the engine...) -> the error line;
    #: only with ``live``: a walk plays on without them.
    failures: dict[str, str] = dataclasses.field(default_factory=dict)
    #: The phrase cache's key of a text: a hash of everything that shapes its audio
    #: (engine, voice, rate, volume, text); exports use it to tell unchanged files.
    phrase_key: Callable[[str], str] | None = None

    #: With ``prepare_session(ahead=True)``: what is still to synthesise while it plays.
    ahead: Ahead | None = None

    @property
    def timeline(self) -> Timeline:
        return self.renderer.timeline

    @property
    def sample_rate_hz(self) -> int:
        return self.renderer.sample_rate_hz

    def clip_for(self, text: str) -> np.ndarray:
        """``text`` spoken as the session's cues are: float32 at :attr:`sample_rate_hz`,
        through the renderer's normalisation (for lines a player says, e.g. "Paused.")."""
        return self.renderer.speech_clip(text)


@dataclass(frozen=True, eq=False)
class Ahead:
    """A session placed from upper bounds of its uncached phrases' lengths; a clip that
    arrives before its cue starts and fits its bound is played, so none is late or
    overlaps another.

    ``pending``: the phrases not synthesised yet, in the order the session needs them;
    ``warm(texts)`` synthesises them (in the workers, in parallel); ``length_s(text)``:
    a phrase's measured length once synthesised (None before);
    ``renderer_for(timeline)``: a renderer like :attr:`PreparedSession.renderer` for a
    timeline of some of the cues (those ready in time)."""

    pending: tuple[str, ...]
    warm: Callable[[Iterable[str]], int]
    length_s: Callable[[str], float | None]
    renderer_for: Callable[[Timeline], SessionRenderer]


def bound_speech_s(text: str, rate: int) -> float:
    """The room a phrase not synthesised yet is given: :data:`BOUND_FACTOR` times the
    nominal time of its words at ``rate`` wpm, counted as the clip check counts them
    (:func:`coach.speech.base.clip_problem`: long words by letters / 5, digits as up to
    three more words), + 0.35 s (espeak-ng measured at most 1.47x over 80-450 wpm)."""
    import re

    words = re.findall(r"\w+", text)
    units = sum(max(1.0, len(w) / 5) for w in words) + 3 * len(re.findall(r"\d", text))
    return BOUND_FACTOR * units * 60.0 / rate + 0.35


def compile_with_library(routine: Routine, speech_s: SpeechTimer | None = None) -> Timeline:
    """Compile ``routine`` with the user's technique library and the coach's lines.

    ``speech_s(text)`` gives how long a phrase takes to say (default: the
    words-per-minute estimate).
    """
    from coach.compiler.compile import compile_routine
    from coach.routines.language import check_text_language
    from coach.routines.library import load_lines, load_techniques
    from coach.routines.texts import routine_in, techniques_in

    language = check_text_language(routine.speech.language)
    timeline = compile_routine(routine_in(routine, language), speech_s,
                               techniques=techniques_in(load_techniques(), language),
                               lines=load_lines(language))
    check_respelled(routine, timeline)
    return timeline


def check_respelled(routine: Routine, timeline: Timeline) -> None:
    """:class:`UsageError` when the routine's pronunciations make a cue of the session
    (the coach's own lines too) longer than a cue may be; checked wherever a session
    is compiled, so `coach check` refuses it before any speech work."""
    if not routine.pronunciations:
        return
    from coach.errors import UsageError
    from coach.routines.budget import respelled_cue_problem
    from coach.speech.phrase_cache import Respeller

    respell = Respeller(routine.pronunciations)
    for text in {cue.text for cue in timeline.cues}:
        problem = respelled_cue_problem(text, respell(text))
        if problem is not None:
            raise UsageError(f"{routine.source}: {problem}")


def prepare_session(routine: Routine, speech: SpeechSettings | None = None,
                    extra_lines: Iterable[str] = (), *, metronome: bool = False,
                    levels: Levels | None = None, progress: WarmProgress | None = None,
                    engines: Engines | None = None, live: bool = False) -> PreparedSession:
    """Routine -> :class:`PreparedSession` timed by real speech; see the module docstring.

    Every phrase the routine can say (its cues, then ``extra_lines``, e.g. the
    player's own lines) is synthesised or found in the phrase cache, calling
    ``progress(done, total)`` after each; then the routine is compiled with
    the measured lengths, so no two cues overlap in the audio. ``speech``
    overrides the routine's own settings (None: the routine's). ``levels`` sets
    the metronome's and cue sounds' levels (:meth:`Levels.for_routine`); the speech's
    volume scales them all (the renderer's gain: phrases are synthesised at full volume). Raises
    :class:`coach.errors.EngineError` when the engine cannot speak, and
    :class:`coach.speech.PhraseError` naming a phrase it cannot say (a native crash
    in its worker) unless ``live``: then that phrase is silent and listed in
    :attr:`PreparedSession.failures` (a live walk goes on).

    With ``live`` (a walk) only the cues of the first :data:`OPENING_S` seconds
    are synthesised now (``extra_lines`` soon after, while it plays); the session is
    placed from the cached lengths and, for the rest, from upper bounds, and
    :attr:`PreparedSession.ahead` says what is left to synthesise while it plays.
    """
    import dataclasses

    from coach import paths
    from coach.audio.clip import SAMPLE_RATE_HZ
    from coach.audio.cuesounds import CueSounds
    from coach.audio.loudness import Levels
    from coach.audio.render import SessionRenderer
    from coach.routines.library import load_lines

    opening: list[str] = []
    pending: list[str] = []
    if live:
        timeline, cache, opening, pending = _bounded(routine, speech, extra_lines, engines)
    else:
        timeline, cache = _measured(routine, speech, extra_lines, progress, engines)
    levels = dataclasses.replace((levels or Levels()).for_routine(routine.metronome_lu),
                                 volume=(speech or routine.speech).volume)

    def renderer_for(timeline: Timeline) -> SessionRenderer:
        return SessionRenderer(timeline, cache.clip, SAMPLE_RATE_HZ, metronome=metronome,
                               cue_sounds=sounds, levels=levels,
                               levels_dir=paths.cache_dir() / "levels")

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="coach-opening") as pool:
        # the opening is synthesised in the workers while the renderer is made here
        # (the cue sounds' levels: the loudness meter's import takes seconds when busy)
        warming = pool.submit(cache.warm, opening, progress)
        sounds = CueSounds.load(SAMPLE_RATE_HZ)
        renderer = renderer_for(timeline)
        warming.result()
    later = Ahead(tuple(pending), cache.warm, cache.known_s, renderer_for) if live else None
    return PreparedSession(renderer, load_lines((speech or routine.speech).language),
                           cache.failures, cache.key, later)


def _bounded(routine: Routine, speech: SpeechSettings | None, extra_lines: Iterable[str],
             engines: Engines | None
             ) -> tuple[Timeline, PhraseCache, list[str], list[str]]:
    """The timeline placed from cached lengths and upper bounds; the opening cues to
    synthesise before it plays; and the rest, in the order it is needed (``extra_lines``,
    the player's, after the next two cues)."""
    from coach.speech.base import rate_wpm

    routine, cache = _open_cache(routine, speech, engines, tolerate=True)
    rate = rate_wpm(routine.speech)

    def bound_s(text: str) -> float:
        known = cache.known_s(text)
        if known is not None:
            return known
        return bound_speech_s(cache.respell(text), rate)

    timeline = compile_with_library(routine, bound_s)
    cues = sorted(timeline.cues, key=lambda cue: cue.at_s)
    opening = [cue.text for cue in cues if cue.at_s < OPENING_S] or [c.text for c in cues[:1]]
    opening = [text for text in opening if cache.known_s(text) is None]
    rest = [text for text in dict.fromkeys(cue.text for cue in cues)
            if text not in opening and cache.known_s(text) is None]
    lines = [text for text in dict.fromkeys(extra_lines)
             if text not in opening and text not in rest and cache.known_s(text) is None]
    return timeline, cache, opening, [*rest[:2], *lines, *rest[2:]]


def _measured(routine: Routine, speech: SpeechSettings | None, extra_lines: Iterable[str],
              progress: WarmProgress | None, engines: Engines | None, tolerate: bool = False
              ) -> tuple[Timeline, PhraseCache]:
    """Every phrase synthesised (or found in the cache), then the timeline compiled with
    the measured lengths; and the cache the renderer reads the phrases from."""
    routine, cache = _open_cache(routine, speech, engines, tolerate)
    return placed_and_measured(routine, cache, extra_lines, progress)[0], cache


#: Rounds of compile-then-synthesise before a placed cue is left to the compile's own call.
PLACING_ROUNDS = 6


def placed_and_measured(routine: Routine, cache: PhraseCache, extra_lines: Iterable[str] = (),
                        progress: WarmProgress | TotalProgress | None = None
                        ) -> tuple[Timeline, int]:
    """The routine compiled with measured lengths, and how many phrases were synthesised
    for it: only the cues it places (issue 12). Compile with the cached lengths (the
    words-per-minute estimate for the rest), synthesise the placed cues not cached (and
    ``extra_lines``) in one parallel pass, and again until every placed cue is
    measured. A cue the compiler only tries (a stretch round that does not fit, a cue
    it drops) is never synthesised. ``progress`` counts every round as one total."""
    from coach.compiler.compile import estimate_speech_s
    from coach.speech.progress import TotalProgress

    counted = TotalProgress.of(progress)

    rate = routine.speech.rate_wpm

    def known_or_estimate(text: str) -> float:
        known = cache.known_s(text)
        return known if known is not None else estimate_speech_s(text, rate)

    first = list(extra_lines)
    synthesised = 0
    for _ in range(PLACING_ROUNDS):
        timeline = compile_with_library(routine, known_or_estimate)
        missing = [text for text in dict.fromkeys(
            [*(cue.text for cue in timeline.cues), *first]) if cache.known_s(text) is None]
        first = []
        if not missing:
            return timeline, synthesised
        synthesised += counted.warm(cache, missing)
    return compile_with_library(routine, cache.speech_s), synthesised


def _open_cache(routine: Routine, speech: SpeechSettings | None, engines: Engines | None,
                tolerate: bool) -> tuple[Routine, PhraseCache]:
    """The routine with the settings it is said with, and its phrase cache (its engine
    opened once per ``engines`` and its voice checked)."""
    from coach.audio.clip import SAMPLE_RATE_HZ
    from coach.routines.language import check_text_language, check_voice_language
    from coach.speech import engine_for, open_engine
    from coach.speech.phrase_cache import PhraseCache

    # volume is the renderer's gain: every engine speaks at full volume, one cached clip
    settings = dataclasses.replace(speech or routine.speech, volume=1.0)
    routine = dataclasses.replace(routine, speech=settings)
    check_text_language(settings.language)  # before opening any engine
    engines = {} if engines is None else engines
    name = engine_for(settings)
    if name not in engines:
        engines[name] = open_engine(name)
    engine = engines[name]
    try:  # a refusal names the key it came from: check says where it is (issue 12)
        if settings.voice is not None:
            for voice in engine.voices():
                if settings.voice in (voice.id, voice.name, voice.id.rsplit("/", 1)[-1]):
                    check_voice_language(settings.voice, voice.languages, settings.language)
                    break
        engine.check(settings)  # an unknown voice is refused before any synthesis
    except UsageError as err:
        raise SettingError(str(err), "voice" if settings.voice else "language") from None
    return routine, PhraseCache(engine, settings, sample_rate_hz=SAMPLE_RATE_HZ,
                                pronunciations=routine.pronunciations, tolerate=tolerate)


def placed_estimated(routine: Routine) -> list[str]:
    """The cues the compiler places with estimated lengths, in order (the first pass of
    a programme's warming: the rest, :func:`placed_and_measured`)."""
    return list(dict.fromkeys(cue.text for cue in compile_with_library(routine).cues))


def session_timeline(routine: Routine, speech: SpeechSettings | None = None, *,
                     estimate: bool = False, progress: WarmProgress | None = None,
                     engines: Engines | None = None) -> tuple[Timeline, str | None]:
    """The timeline :func:`prepare_session` plays, and a note when it is only estimated.

    With ``estimate`` the words-per-minute estimate is used as asked (no
    note). When no speech engine can be opened the estimate is used too, and
    the note (one line) says so.
    """
    import dataclasses

    from coach.errors import EngineError
    from coach.speech import check_engine_name

    if speech is not None:
        routine = dataclasses.replace(routine, speech=speech)
    if routine.speech.engine is not None:  # also when it is not opened (--estimate)
        check_engine_name(routine.speech.engine)
    if not estimate:
        try:
            return _measured(routine, None, (), progress, engines)[0], None
        except EngineError as err:
            note = (f"note: no speech engine ({err}); timing speech by words per minute "
                    f"instead (--estimate)")
            return compile_with_library(routine), note
    return compile_with_library(routine), None


def warm_routines(routines: Iterable[Routine],
                  speech: Callable[[SpeechSettings], SpeechSettings] | None = None,
                  progress: WarmProgress | None = None, engines: Engines | None = None
                  ) -> tuple[int, int]:
    """Synthesise every phrase the routines can say (their cues and the player's lines)
    into the phrase cache, all in one parallel pass per voice; (phrases, synthesised).

    ``speech`` maps a routine's settings to the ones to use (e.g. the command line's
    overrides). What :func:`prepare_session` then finds cached it does not synthesise.
    """
    from coach import paths
    from coach.audio.clip import SAMPLE_RATE_HZ
    from coach.audio.cuesounds import CueSounds
    from coach.routines.library import load_lines
    from coach.speech import engine_for, open_engine
    from coach.speech.phrase_cache import PhraseCache
    from coach.speech.progress import TotalProgress

    counted = TotalProgress(progress)  # one count over every voice's pass and round
    engines = {} if engines is None else engines
    groups: dict[tuple[SpeechSettings, tuple[tuple[str, str], ...]],
                 tuple[list[Routine], list[str]]] = {}
    for routine in routines:
        settings = speech(routine.speech) if speech else routine.speech
        routine = dataclasses.replace(routine, speech=settings)
        key = dataclasses.replace(settings, engine=engine_for(settings))
        texts = [*placed_estimated(routine), *load_lines(settings.language).player_lines]
        group = groups.setdefault((key, routine.pronunciations), ([], []))
        group[0].append(routine)
        group[1].extend(texts)
    total = synthesised = 0
    for (settings, pronunciations), (same_voice, texts) in groups.items():
        name = str(settings.engine)
        if name not in engines:
            engines[name] = open_engine(name)
        engines[name].check(settings)
        cache = PhraseCache(engines[name], settings, sample_rate_hz=SAMPLE_RATE_HZ,
                            pronunciations=pronunciations)
        unique = list(dict.fromkeys(texts))
        synthesised += counted.warm(cache, unique)
        total += len(unique)
        # the compile a walk or export makes: a cue only its measured lengths place
        # (a minutes-left line that moves past a minute) is synthesised now, not then
        for routine in same_voice:
            synthesised += placed_and_measured(routine, cache, progress=counted)[1]
    CueSounds.load(SAMPLE_RATE_HZ).measure_levels(paths.cache_dir() / "levels")  # kept once
    return total, synthesised
