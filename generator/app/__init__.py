"""The app layer: the command line, the commands behind it, the choice of decks and the pool of
processes that builds them."""
