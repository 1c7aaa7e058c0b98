"""Fictional demo data: counsellors with free moments, and intakes for the dashboard."""
