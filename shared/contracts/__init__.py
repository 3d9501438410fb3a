"""Event contracts shared by every service: topics, type names and frozen payload models."""

from shared.contracts.base import EventData
from shared.contracts.registry import EVENT_TYPES, event_class
from shared.contracts.topics import Stream, Topics

__all__ = ["EVENT_TYPES", "EventData", "Stream", "Topics", "event_class"]
