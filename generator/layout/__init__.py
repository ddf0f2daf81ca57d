"""Stage 4, lay out: each slide kind's Jinja template turns a slide into a layout spec, checked
against the master spec."""
