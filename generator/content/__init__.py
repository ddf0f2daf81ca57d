"""Stages 2 and 3, validate and resolve: the content's typed models, every problem reported at
its line, and the Jinja in content text resolved in a bounded sandbox."""
