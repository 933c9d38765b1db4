"""The audit log: every staff action on a member or a neighbourhood, append-only."""
