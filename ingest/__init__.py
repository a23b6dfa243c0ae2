"""Turns council papers on disk into structured, embedded chunks in the index."""
