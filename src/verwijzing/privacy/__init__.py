"""Personal data handled with care: the national number, sealed values, the audit trail."""
