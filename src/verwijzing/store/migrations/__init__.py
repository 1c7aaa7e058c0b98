"""Alembic migrations of the store. A package so that they ship with an installed wheel."""
