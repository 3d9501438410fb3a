"""What every service reports to Prometheus at ``GET /metrics``: one family per question an
operator asks, each labelled by service. The families are declared once here (Prometheus' client
keeps them in its process-wide registry, as its maintainers intend); the code that knows a figure
records it where it happens.

No label holds an owner, a token or anything from an event's body: routes are templates
(``/v1/contacts/{contact_id}``), channels are URL schemes.
"""

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "keepwarm_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and status.",
    ["service", "method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
OUTBOX_BACKLOG = Gauge(
    "keepwarm_outbox_backlog", "Events written but not yet published to Kafka.", ["service"]
)
OUTBOX_OLDEST_AGE = Gauge(
    "keepwarm_outbox_oldest_age_seconds",
    "Age of the oldest event not yet published (0 when none waits).",
    ["service"],
)
EVENTS_PUBLISHED = Counter(
    "keepwarm_outbox_published_total", "Events the relay published to Kafka.", ["service"]
)
CONSUMER_LAG = Gauge(
    "keepwarm_consumer_lag_records",
    "Records in a partition after the last one a consumer handled (high watermark - next offset).",
    ["consumer", "topic", "partition"],
)
BATCHES = Counter("keepwarm_consumer_batches_total", "Batches a consumer applied.", ["consumer"])
EVENTS_APPLIED = Counter("keepwarm_consumer_events_applied_total", "Events applied.", ["consumer"])
DUPLICATES = Counter("keepwarm_consumer_duplicates_total", "Events skipped as already applied.", ["consumer"])
DEAD_LETTERS = Counter(
    "keepwarm_consumer_dead_letters_total", "Records sent to the dead-letter topic.", ["consumer", "topic"]
)
NUDGES = Counter(
    "keepwarm_nudge_deliveries_total",
    "Nudge deliveries by channel kind (URL scheme) and outcome (sent, failed).",
    ["kind", "outcome"],
)
CLAIM_SECONDS = Histogram(
    "keepwarm_scheduler_claim_duration_seconds",
    "Time a scheduler job takes to claim and handle its due work.",
    ["job"],
    buckets=LATENCY_BUCKETS,
)
FEED_RENDERS = Counter(
    "keepwarm_feed_requests_total",
    "Calendar feed requests by answer: rendered, or not_modified (304).",
    ["answer"],
)


async def metrics_endpoint(request: Request) -> Response:
    """The figures, to a scraper that reached the pod directly; a request that came through a
    proxy (the ingress adds X-Forwarded-For) is answered 404: they are not the public's."""
    if "x-forwarded-for" in request.headers or "forwarded" in request.headers:
        return Response(status_code=404)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
