"""Messages to citizens outside the chat: SMS through the outbox, calendar invites."""
from verwijzing.notify.ics import booking_invite
from verwijzing.notify.phone import InvalidPhone, can_receive_sms, normalise_phone
from verwijzing.notify.sms import LocalOutboxSender, SmsSender, dispatch_outbox, queue_sms

__all__ = [
    "InvalidPhone",
    "LocalOutboxSender",
    "SmsSender",
    "booking_invite",
    "can_receive_sms",
    "dispatch_outbox",
    "normalise_phone",
    "queue_sms",
]
