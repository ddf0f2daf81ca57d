"""deckgen: editable, brandable PowerPoint decks from YAML content and Jinja layout rules."""

#: The version; pyproject.toml reads it from here. It is part of every deck's input hash.
__version__ = "0.1.0"
