"""`coach check` names the translations of a user's routine that are missing or left
in the original language: one warning line each, FILE:LINE:COL, exit 0."""

GOOD = """\
title: Evening walk
segments:
  - technique: walk
    duration: 3m
    intro: ["Off we go, nice and easy."]
text:
  de:
    title: Abendgang
    segments:
      - intro: ["Los geht's, schön locker."]
"""

BROKEN = """\
title: Evening walk
segments:
  - technique: walk
    duration: 3m
    intro: ["Off we go, nice and easy."]
  - technique: walk
    duration: 2m
    say: ["Slow down now and breathe out."]
text:
  de:
    title: Abendgang
    segments:
      - intro: ["Los geht's, schön locker."]
      - {}
  fr:
    title: Marche du soir
    segments:
      - intro: ["Off we go, nice and easy."]
      - say: ["Ralentissez maintenant et soufflez."]
"""


def test_check_is_quiet_about_a_complete_translation(cli, tmp_path):
    source = tmp_path / "evening.yaml"
    source.write_text(GOOD)
    result = cli("check", "--estimate", str(source))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_check_warns_of_each_missing_or_untranslated_text_with_its_place(cli, tmp_path):
    source = tmp_path / "evening.yaml"
    source.write_text(BROKEN)
    result = cli("check", "--estimate", str(source))
    assert result.exit_code == 0, result.output  # a warning, not an error
    assert result.stdout.startswith(f"{source}: ok, ")
    warnings = result.stderr.splitlines()
    assert warnings == [
        f"{source}:14:9: warning: segment text: say is missing (the original has it)",
        f"{source}:18:9: warning: segment text: intro: 'Off we go, nice and easy.' is the "
        "original word for word; translate it into French",
    ], result.stderr
    # the German session is refused, as before: the warning named the place to fix
    walk = cli("compile", "--estimate", "--language", "de", str(source))
    assert walk.exit_code == 2 and f"{source}:14:9:" in walk.output
