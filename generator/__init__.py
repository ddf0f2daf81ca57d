"""deckgen: editable, brandable PowerPoint decks from YAML content and Jinja layout rules."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("deckgen")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
