"""rasa_sdk actions: thin adapters between the Rasa tracker and the verwijzing package.

They map slots to facts and decisions to events and messages; the rules themselves live in
verwijzing.decision.screening and the policy data.
"""
