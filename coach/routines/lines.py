"""The coach's own fixed lines (welcome, safety, closing, player and calendar lines).

Techniques and routines carry their own cue text; these are the lines the
coach says around every session. They are data, one catalogue per language in
``coach/data/lines/LANG.yaml``, read by :func:`coach.routines.library.load_lines`
and validated here into a frozen :class:`CoachLines` (pure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coach.errors import RoutineError

PACE_KEYS = ("slow", "easy", "moderate", "brisk")
REACTION_KEYS = ("high", "rise", "stopped", "flare", "morning")
PRINTED_KEYS = ("keys", "playing_on", "no_audio", "stopped", "preparing", "preparing_done",
                "status_walk", "status_left", "status_next", "status_paused", "walked",
                "walked_minutes", "walked_stretches", "completed", "ended_early", "next",
                "script_section", "section_round", "text_asked")
ENDED_KEYS = ("quit", "pain", "interrupted", "device")
REASON_KEYS = ("start", "first_step", "keep", "up", "back", "flare", "flare_not_settled",
               "flare_settling", "holding", "target", "once_a_week", "good_one", "good_more",
               "break", "last_walk", "settled", "second_rise", "good_run", "rose", "morning",
               "stopped", "logged_today", "projected", "figure8_gentle", "figure8_grows")
PROGRAMME_KEYS = ("week_walk", "walk", "file_title", "with_backward", "with_side_steps",
                  "with_pace_changes", "walk_description", "flare_title", "flare_description",
                  "figure8_title", "figure8_description", "morning", "evening", "warm_up",
                  "posture_check", "backward", "side_steps", "heel_toe", "cool_down", "brisk",
                  "easy", "easing_off", "very_easy_start", "relaxed_posture", "gentle_walking",
                  "gentle_stretches", "figure8_walking", "slow_heel_toe_intro", "flare_say")
INTAKE_KEYS = ("question", "any", "get_advice", "advice_question", "no_programme",
               "said_before", "ask_minutes", "ask_days")
COMMAND_KEYS = ("today", "no_programme_walk", "logged", "logged_stopped", "morning_added",
                "walk_name", "damaged", "fix_nothing", "fix_ask", "fixed", "delete_ask",
                "deleted", "no_programme_change", "decision_same", "decision_new", "dose",
                "dose_flare", "history_empty", "history_columns", "history_stopped",
                "history_note", "plan_saved", "plan_figure8", "start_said", "start_low",
                "start_high", "start_whole", "plan_week", "plan_next", "plan_session",
                "plan_why", "plan_days", "plan_columns", "plan_minutes", "plan_dose",
                "plan_how", "plan_phone", "progress_columns", "progress_before", "progress_note",
                "progress_trend", "falling", "steady", "rising", "too_few", "progress_empty",
                "wrote", "fix_walked_min", "fix_planned_min", "fix_started_at", "fix_completed",
                "fix_ended_reason", "fix_pain_before", "fix_pain_after", "fix_pain_next_morning",
                "fix_effort", "fix_note", "yes", "no", "plot_walked", "plot_plan", "plot_minutes",
                "plot_after", "plot_morning", "plot_pain", "plot_week", "plot_title",
                "plot_title_few")

#: A reason of the programme, said in any language: a ``reasons`` key and its values
#: (numbers, dates, or a nested reason), e.g. ``("keep", (("minutes", 8), ("why", ...)))``.
Why = tuple[str, tuple[tuple[str, Any], ...]]


@dataclass(frozen=True)
class CoachLines:
    language: str
    welcome: str  # {title}, {minutes}
    opening_safety: str
    doctor_check: str  # said before a first walk (routine briefing)
    red_flags_spoken: tuple[str, ...]  # the red flags, short, for a briefing
    pace: Mapping[str, str]
    halfway: str  # {time_left}
    five_left: str
    closing: str
    closing_stretch_hint: str
    hold_reminder: str
    release: str
    stretch_round: str  # {round}, {rounds}
    sit_down: str
    stand_up: str
    numbers: tuple[str, ...]  # "One" .. "Ten": countdowns
    minute: str  # "{n} minute": printed lines
    minutes: str  # "{n} minutes"
    paused: str
    resuming: str
    quit: tuple[str, ...]
    pain: tuple[str, ...]
    programme_start: str  # printed when a programme is set up
    calendar_reminder: str
    calendar_summary: str  # {routine}
    calendar_alarm: str  # {minutes}, {routine}
    pain_reaction: Mapping[str, str]  # REACTION_KEYS: why the coach reacts
    pain_advice: tuple[str, ...]
    red_flags: str
    next_flare: str
    next_flare_stay: str
    next_flare_end: str  # {minutes}
    next_same: str  # {minutes}
    next_shorter: str  # {minutes}
    next_longer: str  # {minutes}
    next_uncounted: str
    next_no_programme: str
    printed: Mapping[str, str]  # PRINTED_KEYS: what a walk prints (summary, status, ...)
    ended: Mapping[str, str]  # ENDED_KEYS: why a walk ended early, in its summary
    date: str  # {weekday} {day} {month}
    weekdays: tuple[str, ...]  # Monday first, short
    months: tuple[str, ...]  # January first, short
    reasons: Mapping[str, str]  # REASON_KEYS: the programme's reasons
    decimal_mark: str  # "7.5" / "7,5" minutes
    programme: Mapping[str, str]  # PROGRAMME_KEYS: the programme's titles and sections
    commands: Mapping[str, str]  # COMMAND_KEYS: what log, history, plan, progress print
    intake: Mapping[str, str]  # INTAKE_KEYS: the questions of `coach plan`'s intake
    intake_red_flags: tuple[str, ...]  # the red flags, as the intake asks about them

    def say(self, key: str, **values: Any) -> str:
        """The printed line ``key`` with its placeholders filled in."""
        return self.printed[key].format(**values)

    def said(self, key: str, **values: Any) -> str:
        """The line ``key`` of ``coach log`` / ``history`` / ``plan`` / ``progress``."""
        return self.commands[key].format(**values)

    def table(self, key: str, shape: str, rows: Sequence[tuple[str, ...]], indent: str = ""
              ) -> list[str]:
        """A table with the column names of ``key`` (``a | b | c`` in the catalogue) over
        ``rows``: each column as wide as its ``shape`` says (``>4``: right-aligned, at
        least 4 wide; ``<``: left), its name or its widest cell, two spaces apart; a last
        column without a width is not padded."""
        names = tuple(part.strip() for part in self.commands[key].split("|"))
        specs = shape.split()
        widths = [max(int(spec[1:] or 0), len(name), *(len(row[i]) for row in rows))
                  for i, (spec, name) in enumerate(zip(specs, names, strict=True))]
        if specs[-1][1:] == "":
            widths[-1] = 0

        def line(cells: tuple[str, ...]) -> str:
            return indent + "  ".join(f"{cell:{spec[0]}{width or ''}}" for cell, spec, width
                                      in zip(cells, specs, widths, strict=True))

        return [line(names), *(line(row) for row in rows)]

    def say_date(self, day: dt.date) -> str:
        return self.date.format(weekday=self.weekdays[day.weekday()], day=day.day,
                                month=self.months[day.month - 1])

    def say_why(self, why: Why) -> str:
        """A programme reason (:data:`Why`) in this language."""
        key, values = why
        filled = {name: self.say_why(v) if isinstance(v, tuple)
                  else self.say_date(v) if isinstance(v, dt.date) else v for name, v in values}
        return self.reasons[key].format(**filled)

    def decimal(self, value: float) -> str:
        """``value`` with one decimal, written as this language writes it."""
        return f"{value:.1f}".replace(".", self.decimal_mark)

    def ended_early(self, reason: str) -> str:
        return self.say("ended_early", reason=self.ended.get(reason, reason))

    def count_minutes(self, n: int) -> str:
        """``1 minute`` / ``5 minutes`` in this language, for printed lines."""
        return (self.minute if n == 1 else self.minutes).format(n=n)

    def say_minutes(self, n: int) -> str:
        """``n`` minutes in words in this language, for spoken lines: ``one minute``,
        ``zwei Minuten``, ``una hora y diez minutos`` (coach.routines.numbers)."""
        from coach.routines.numbers import say_minutes

        return say_minutes(n, self.language)

    @property
    def player_lines(self) -> tuple[str, ...]:
        """Every line the live player itself may say (warm these with the session)."""
        return (self.paused, self.resuming, *self.quit, *self.pain)


def lines_from_data(data: Any, name: str) -> CoachLines:
    """Validate a parsed catalogue (``name`` for messages) into :class:`CoachLines`."""
    if not isinstance(data, dict):
        raise RoutineError.at(name, 1, 1, "a lines catalogue must be a mapping")

    def text(key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise RoutineError.at(name, 1, 1, f"{key}: a line of text is needed")
        return value.strip()

    def texts(key: str, count: int | None = None) -> tuple[str, ...]:
        value = data.get(key)
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, str) and v.strip() for v in value)
                or (count is not None and len(value) != count)):
            size = f"{count} " if count is not None else ""
            raise RoutineError.at(name, 1, 1, f"{key}: a list of {size}lines is needed")
        return tuple(v.strip() for v in value)

    def keyed(key: str, keys: tuple[str, ...]) -> dict[str, str]:
        value = data.get(key)
        if (not isinstance(value, dict) or set(value) != set(keys)
                or not all(isinstance(v, str) and v.strip() for v in value.values())):
            raise RoutineError.at(name, 1, 1, f"{key}: one line for each of {', '.join(keys)}")
        return {k: str(value[k]).strip() for k in keys}

    pace = keyed("pace", PACE_KEYS)
    return CoachLines(
        language=text("language"), welcome=text("welcome"),
        opening_safety=text("opening_safety"), doctor_check=text("doctor_check"),
        red_flags_spoken=texts("red_flags_spoken"), stretch_round=text("stretch_round"),
        sit_down=text("sit_down"), stand_up=text("stand_up"),
        pace=pace, halfway=text("halfway"),
        five_left=text("five_left"), closing=text("closing"),
        closing_stretch_hint=text("closing_stretch_hint"), hold_reminder=text("hold_reminder"),
        release=text("release"), numbers=texts("numbers", 10), minute=text("minute"),
        minutes=text("minutes"), paused=text("paused"),
        resuming=text("resuming"),
        quit=texts("quit"), pain=texts("pain"), programme_start=text("programme_start"),
        calendar_reminder=text("calendar_reminder"), calendar_summary=text("calendar_summary"),
        calendar_alarm=text("calendar_alarm"),
        pain_reaction=keyed("pain_reaction", REACTION_KEYS), pain_advice=texts("pain_advice"),
        red_flags=text("red_flags"), next_flare=text("next_flare"),
        next_flare_stay=text("next_flare_stay"), next_flare_end=text("next_flare_end"),
        next_same=text("next_same"), next_shorter=text("next_shorter"),
        next_longer=text("next_longer"), next_uncounted=text("next_uncounted"),
        next_no_programme=text("next_no_programme"),
        printed=keyed("printed", PRINTED_KEYS), ended=keyed("ended", ENDED_KEYS),
        date=text("date"), weekdays=texts("weekdays", 7), months=texts("months", 12),
        reasons=keyed("reasons", REASON_KEYS), decimal_mark=text("decimal_mark"),
        programme=keyed("programme", PROGRAMME_KEYS), commands=keyed("commands", COMMAND_KEYS),
        intake=keyed("intake", INTAKE_KEYS), intake_red_flags=texts("intake_red_flags"))
