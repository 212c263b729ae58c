"""Shared pytest fixtures live in safeshare/conftest.py."""
