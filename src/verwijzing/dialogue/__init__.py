"""Conversation turns the assistant shares across channels: re-asks and menus, numbered
choices, the booking's questions and offers."""
