"""Staff of VDAB using the console: accounts, passwords and sessions (no citizen data here)."""
