"""Rasa plug-ins for verwijzing, installed into .venv-rasa by `make setup`."""
