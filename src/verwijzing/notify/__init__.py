"""Messages to citizens outside the chat: SMS through the outbox, calendar invites."""
from verwijzing.notify.ics import booking_invite
from verwijzing.notify.optout import is_opted_out, opt_in, opt_out, phone_key
from verwijzing.notify.phone import InvalidPhone, can_receive_sms, normalise_phone
from verwijzing.notify.sender_choice import sender_from_settings
from verwijzing.notify.senders import (
    LocalLogSender,
    LocalOutboxSender,
    SendFailed,
    SmsSender,
)
from verwijzing.notify.sms import (
    DispatchReport,
    OutboxDispatcher,
    queue_sms,
)

__all__ = [
    "DispatchReport",
    "InvalidPhone",
    "LocalLogSender",
    "LocalOutboxSender",
    "OutboxDispatcher",
    "SendFailed",
    "SmsSender",
    "booking_invite",
    "can_receive_sms",
    "is_opted_out",
    "normalise_phone",
    "opt_in",
    "opt_out",
    "phone_key",
    "queue_sms",
    "sender_from_settings",
]
