"""Reflex State classes: thin, they verify the caller and call services."""
