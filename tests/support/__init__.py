"""Helpers shared by the tests (a real database, valid national numbers)."""
