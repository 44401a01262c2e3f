"""Reusable UI pieces: they take Vars and event handlers as arguments; no DB, no services."""
