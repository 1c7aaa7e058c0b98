"""The citizen's web chat: the page, its static files and its JSON API."""
