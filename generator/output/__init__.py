"""Stage 6, save: decks and the manifest written atomically, and the PDFs and PNGs made from
built decks."""
