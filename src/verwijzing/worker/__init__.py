"""`verwijzing worker`: one process for every recurring job (expire holds, send the outbox,
remind the day before, retention, the demo agenda).

schedule.py runs jobs on their own intervals; each job is a module with pure "what is due"
functions and one function that does it in its own transaction; locks.py makes a job safe with
several workers at once; jobs.py wires them to a database; main.py is the process.
"""
