"""``python -m coach.cli`` runs the CLI (as the ``coach`` script does)."""

from coach.cli import main

main()
