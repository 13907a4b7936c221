"""Models: pure descriptions of the world, with no I/O."""
