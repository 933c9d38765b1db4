"""Matches: a helper and an asker agree, do it, confirm it and book the time."""
