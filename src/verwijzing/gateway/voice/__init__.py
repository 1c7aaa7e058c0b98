"""The phone line: Twilio's Voice webhook and text made fit to be spoken."""
