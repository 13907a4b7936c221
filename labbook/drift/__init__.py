"""Drift: pure comparisons of the inventory with what a source observed, producing a ``Report``."""
