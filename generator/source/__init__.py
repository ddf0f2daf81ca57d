"""Stage 1, load: YAML files to plain data that remembers each value's file, line and column;
region files and speakers' overlays merged into the base deck."""
