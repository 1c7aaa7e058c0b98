"""A person when the assistant is not enough (issue 20): a case with a short code, the staff
queue, a consulent who takes the conversation over and hands it back.

- codes.py: the case code a person can say at a counter (no look-alike letters);
- duty.py: office hours and who is available: whether a hand-over can be offered now;
- queue.py: the cases in the database (the queue lives there, never in one process's memory);
- texts.py: what the person reads, per channel.
"""
