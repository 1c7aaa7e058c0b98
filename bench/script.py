"""What the benchmarks say to our stack, and the reply that shows a conversation reached its decision.

Kept apart from `bench/__main__.py` so that `tests/bench/test_soak.py` can import it in the test
environment, which does not install the bench extras (psutil, py-spy).
"""
from tests.conversation.test_booking_e2e import DAY, INTAKE

# Ours: the booking test's free-text intake (golden answers) from "hallo" to the decision, read on
# that test's reference day (VERWIJZING_PEILDATUM of the stack), which its answers are right for.
OUR_SCRIPT = INTAKE
SCRIPT_DAY = DAY
# The decision's booking offer, after the intake.
DECISION_MARK = "Wil je meteen een eerste"
