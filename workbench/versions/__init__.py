"""Comparing the versions of a series chain, free of textual: which patch of v(N)
became which of v(N+1) (``pairing``), and what changed in each (``interdiff``)."""
