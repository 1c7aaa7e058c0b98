"""`make bench`: our stack against stock Rasa's moodbot, in one run, through the same REST path.

Modules: `stacks` starts the servers (stock moodbot, ours) and measures their memory, `stock`
makes and trains the moodbot, `load` drives concurrent scripted conversations, `report` turns the
timings into the table and build/bench/result.json. `soak` is the gateway soak (issue 10, item 4).
"""
