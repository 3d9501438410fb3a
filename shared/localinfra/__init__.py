"""Real infrastructure on one machine without Docker: Apache Kafka (KRaft) and PostgreSQL."""
