"""`deckgen serve`: a web page on which a speaker edits their overlay and sees their deck.

`studio.py` keeps one warm `Pipeline` and the decks the page has open; `overlays.py` reads and
writes overlay files, keeping a hand-edited file's comments and key order; `thumbs.py` renders
the slides that changed to PNGs; `watch.py` rebuilds the open decks when a file changes and
tells the page; `web.py` is the Starlette app, its JSON API and its security checks; `static/`
is the page itself (plain HTML, CSS and JS, nothing fetched from elsewhere).
"""
