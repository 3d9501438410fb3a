"""Traces across the topics, with OpenTelemetry.

A write's trace context travels with the events it causes: the outbox row keeps the W3C
``traceparent`` of the span that staged it; the relay publishes it in a producer span, child of
that context, and sends the producer span's own context as the event's CloudEvents
``traceparent`` attribute (``ce_traceparent``, the distributed-tracing extension); a consumer
applies each event in a consumer span, child of it, and what that event causes is staged under it.
So one HTTP write is one trace through contacts, the relay, habits and the notifier.

Exporting is the operator's choice, by OpenTelemetry's own variables: with
``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) set, spans go there
over OTLP/HTTP; without, nothing is recorded. Spans carry ids, types and topics, never a body.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_PROPAGATOR = TraceContextTextMapPropagator()
tracer = trace.get_tracer("keepwarm")


def configure(*, service: str) -> None:
    """Export this process's spans over OTLP when the environment names a collector."""
    if not (
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    ):
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    provider = TracerProvider(resource=Resource.create({"service.name": f"keepwarm-{service}"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the span in progress, if one is recording."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")


def _parent(traceparent: str | None) -> context.Context | None:
    return _PROPAGATOR.extract({"traceparent": traceparent}) if traceparent else None


@contextmanager
def publishing(*, topic: str, event_type: str, traceparent: str | None) -> Iterator[str | None]:
    """A producer span, child of the context the event was staged in; yields the
    ``traceparent`` the record carries (the producer span's own)."""
    with tracer.start_as_current_span(
        f"publish {event_type}",
        context=_parent(traceparent),
        kind=SpanKind.PRODUCER,
        attributes={"messaging.system": "kafka", "messaging.destination.name": topic},
    ):
        yield current_traceparent() or traceparent


@contextmanager
def consuming(*, consumer: str, event_type: str, traceparent: str | None) -> Iterator[None]:
    """A consumer span, child of the record's context: what the event causes is staged in it."""
    with tracer.start_as_current_span(
        f"apply {event_type}",
        context=_parent(traceparent),
        kind=SpanKind.CONSUMER,
        attributes={"messaging.system": "kafka", "messaging.consumer.group.name": consumer},
    ):
        yield


@contextmanager
def batch(*, consumer: str, traceparents: list[str | None]) -> Iterator[None]:
    """A span over a batch applied at once, linked to each event's context."""
    links = [
        Link(span_context)
        for parent in traceparents
        if (found := _parent(parent)) is not None
        and (span_context := trace.get_current_span(found).get_span_context()).is_valid
    ]
    with tracer.start_as_current_span(
        f"apply batch ({consumer})", kind=SpanKind.CONSUMER, links=links, context=context.Context()
    ):
        yield
