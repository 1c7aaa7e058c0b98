"""Decisions: the facts, the rules that screen them, and the words that explain them (pure)."""
