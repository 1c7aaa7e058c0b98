"""How every TwiML reply speaks on the phone line (the voice webhook and the rate limits alike).

The voice is Google's nl-BE Standard-A through Twilio: Twilio's own voices have no Flemish, and
Amazon Polly's only nl-BE voice (Lisa) is neural-only and dearer.
"""

LANGUAGE = "nl-BE"
VOICE = "Google.nl-BE-Standard-A"
