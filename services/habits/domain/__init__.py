"""Networking habits: schedules, periods, pauses, and which interactions earn a check-in. Standard
library only."""
