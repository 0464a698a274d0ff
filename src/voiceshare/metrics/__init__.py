"""Measurements over a `Meeting`: pure functions, no I/O, no heavy imports."""
