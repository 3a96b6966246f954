"""Scheduling: walks at set times, the scheduler the caller drives, and the calendar file."""
