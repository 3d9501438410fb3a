"""The networking tracker's rules: contacts, ties, interactions and follow-ups. Standard library only."""
