"""The public aiohttp gateway (contract.md). For now: health and the calendar invite of a booking;
the chat page, SMS and voice webhooks and the staff console come with their issues."""
from verwijzing.gateway.app import init_app

__all__ = ["init_app"]
