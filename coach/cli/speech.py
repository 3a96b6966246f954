"""Speech commands: voices."""

from __future__ import annotations

import click

ENGINE_HELP = "Speech engine: espeak (the default on Linux) or pyttsx3."


def register(group: click.Group) -> None:
    group.add_command(voices)


@click.command()
@click.option("--engine", metavar="NAME", default=None, help=ENGINE_HELP)
@click.option("--language", metavar="CODE", default=None,
              help="Only voices for this language, e.g. en (also matches en-gb, en-us).")
def voices(engine: str | None, language: str | None) -> None:
    """List the voices the speech engine offers.

    Put a voice's ID under `speech: voice:` in a routine to use it.

    \b
    Examples:
      coach voices --language en
      coach voices --engine pyttsx3
    """
    from coach.speech import open_engine

    tts = open_engine(engine)
    rows = [v for v in tts.voices() if language is None or _speaks(v.languages, language)]
    if not rows:
        click.echo(f"No voices for language {language!r}.", err=True)
        return
    id_width = max(len(v.id) for v in rows)
    name_width = max(len(v.name) for v in rows)
    for v in sorted(rows, key=lambda v: v.id):
        click.echo(f"{v.id:<{id_width}}  {v.name:<{name_width}}  {', '.join(v.languages)}")


def _speaks(languages: tuple[str, ...], wanted: str) -> bool:
    wanted = wanted.casefold()
    return any(lang.casefold() == wanted or lang.casefold().startswith(wanted + "-")
               for lang in languages)
