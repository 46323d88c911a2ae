"""Writes: the only code that changes state, checks the rules and writes the audit log."""
