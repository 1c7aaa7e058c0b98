"""The staff dashboard's figures: who the credit reaches, and where people drop out.

Pure functions over plain rows and the policy (intakes.py, budget.py, scenarios.py, put together
by figures.py); queries.py is the only module here that reads the database."""
