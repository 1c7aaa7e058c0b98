"""The SMS line: Twilio's Messaging webhook and the wording of replies as SMS."""
