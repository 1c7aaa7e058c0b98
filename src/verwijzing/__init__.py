"""verwijzing: intake assistant for Flemish career guidance."""
