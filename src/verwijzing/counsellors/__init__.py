"""The counsellors with a mandate: their register (docs/counsellors.md)."""
