"""Answerers: turn retrieved passages into a cited answer; the extractive one needs no LLM."""
