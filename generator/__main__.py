"""Run deckgen as `python -m generator`."""

from .cli import main

main()
