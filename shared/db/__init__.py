"""Database plumbing shared by the services: engines, the outbox, the inbox and migrations."""
