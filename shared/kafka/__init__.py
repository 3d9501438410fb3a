"""Kafka plumbing: CloudEvents envelopes, producers and the consumer's batch/retry/dead-letter loop."""
