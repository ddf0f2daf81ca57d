"""Run deckgen as `python -m generator`."""

from generator.app.cli import main

main()
