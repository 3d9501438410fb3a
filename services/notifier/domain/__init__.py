"""What the notifier decides: streaks and habit strength. Standard library only."""
