"""Stage 6 — export: one module per output format, each with an options object."""
