"""The Kubernetes base (``deploy/kubernetes/base``), written from what the code declares: every
topic a service publishes to, follows or dead-letters into becomes a Strimzi ``KafkaTopic``; each
service a ``KafkaUser`` whose ACLs allow exactly those topics and its consumer groups; each role
a Deployment of the one image. ``keepwarm deploy export`` rewrites the files after a change; a
test fails when they and the code disagree, so a new consumer can never lack its ACL.
"""

from pathlib import Path
from typing import Any

import yaml

from services.catalog import SERVICES
from shared.contracts.topics import Topics
from shared.kafka.provisioning import topic_configs
from shared.runtime import Role, ServiceRuntime
from shared.settings import KafkaSettings

BASE_DIR = Path(__file__).parent.parent / "deploy" / "kubernetes" / "base"
CLUSTER = "keepwarm"
PARTITIONS = 12
PRODUCTION_KAFKA = KafkaSettings.model_construct(topic_replication_factor=3)
"""The defaults, not this machine's environment: retention, segments and compaction as documented."""
PORT = 8000
APP = "app.kubernetes.io/name"
COMPONENT = "app.kubernetes.io/component"
ROLE_LABEL = "keepwarm.io/role"
SCALED = {Role.API: (2, 10), Role.CONSUME: (2, PARTITIONS)}
"""Roles under a HorizontalPodAutoscaler: (min, max) replicas; consumers never beyond partitions."""
RESOURCES = {
    Role.API: ({"cpu": "250m", "memory": "256Mi"}, {"memory": "512Mi"}),
    Role.RELAY: ({"cpu": "100m", "memory": "192Mi"}, {"memory": "384Mi"}),
    Role.CONSUME: ({"cpu": "250m", "memory": "256Mi"}, {"memory": "512Mi"}),
    Role.JOBS: ({"cpu": "100m", "memory": "192Mi"}, {"memory": "384Mi"}),
}
REPLICAS = {Role.RELAY: 2, Role.JOBS: 1}


def _meta(name: str, **labels: str) -> dict[str, Any]:
    return {"name": name, "labels": {"app.kubernetes.io/part-of": "keepwarm", **labels}}


def kafka() -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "Kafka",
            "metadata": {
                **_meta(CLUSTER),
                "annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"},
            },
            "spec": {
                "kafka": {
                    "version": "3.9.0",
                    "metadataVersion": "3.9-IV0",
                    "listeners": [
                        {
                            "name": "tls",
                            "port": 9093,
                            "type": "internal",
                            "tls": True,
                            "authentication": {"type": "scram-sha-512"},
                        }
                    ],
                    "authorization": {"type": "simple"},
                    "config": {
                        "auto.create.topics.enable": False,
                        "default.replication.factor": 3,
                        "min.insync.replicas": 2,
                        "offsets.topic.replication.factor": 3,
                        "transaction.state.log.replication.factor": 3,
                        "transaction.state.log.min.isr": 2,
                    },
                },
                "entityOperator": {"topicOperator": {}, "userOperator": {}},
            },
        },
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaNodePool",
            "metadata": _meta("brokers", **{"strimzi.io/cluster": CLUSTER}),
            "spec": {
                "replicas": 3,
                "roles": ["controller", "broker"],
                "storage": {
                    "type": "jbod",
                    "volumes": [
                        {
                            "id": 0,
                            "type": "persistent-claim",
                            "size": "50Gi",
                            "deleteClaim": False,
                            "kraftMetadata": "shared",
                        }
                    ],
                },
                "resources": {"requests": {"cpu": "500m", "memory": "2Gi"}, "limits": {"memory": "2Gi"}},
            },
        },
    ]


def topics_of(runtime: ServiceRuntime, topics: Topics) -> tuple[list[str], list[str], list[str], list[str]]:
    """(published, followed, dead-letter topics, consumer groups) of a service."""
    published = [topics.of(stream) for stream in runtime.publishes]
    followed = [topics.of(f.stream) for f in runtime.follows]
    dead = [Topics.dead_letter(topic) for topic in followed]
    followed += [topics.of(r.stream) for r in runtime.rebuilds]  # read without a group
    groups = [f"keepwarm-{f.name}" for f in runtime.follows]
    return published, followed, dead, groups


def kafka_topic(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaTopic",
        "metadata": _meta(name, **{"strimzi.io/cluster": CLUSTER}),
        "spec": {
            "topicName": name,
            "partitions": PARTITIONS,
            "replicas": 3,
            "config": {
                key: int(value) if value.isdigit() else value
                for key, value in topic_configs(PRODUCTION_KAFKA, name).items()
            },
        },
    }


def kafka_user(name: str, runtime: ServiceRuntime, topics: Topics) -> dict[str, Any]:
    published, followed, dead, groups = topics_of(runtime, topics)

    def acl(kind: str, resource: str, *operations: str) -> dict[str, Any]:
        return {
            "resource": {"type": kind, "name": resource, "patternType": "literal"},
            "operations": list(operations),
            "host": "*",
        }

    acls = [acl("topic", topic, "Write", "Describe") for topic in [*published, *dead]]
    acls += [acl("topic", topic, "Read", "Describe") for topic in followed]
    acls += [acl("group", group, "Read") for group in groups]
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaUser",
        "metadata": _meta(f"keepwarm-{name}", **{"strimzi.io/cluster": CLUSTER}),
        "spec": {
            "authentication": {"type": "scram-sha-512"},
            "authorization": {"type": "simple", "acls": acls},
        },
    }


def database(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": _meta(f"keepwarm-{name}-db", **{APP: name}),
        "spec": {
            "instances": 2,
            "storage": {"size": "10Gi"},
            "bootstrap": {"initdb": {"database": name, "owner": name}},
            "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
            "monitoring": {"enablePodMonitor": True},
        },
    }


def _env(name: str) -> list[dict[str, Any]]:
    prefix = f"KEEPWARM_{name.upper()}_"

    def secret(variable: str, secret_name: str, key: str) -> dict[str, Any]:
        return {"name": variable, "valueFrom": {"secretKeyRef": {"name": secret_name, "key": key}}}

    found = [
        {"name": f"{prefix}HTTP_HOST", "value": "0.0.0.0"},
        {"name": f"{prefix}HTTP_PORT", "value": str(PORT)},
        {"name": f"{prefix}SERVE_PROBES", "value": "true"},
        {"name": "KAFKA_SASL_USERNAME", "value": f"keepwarm-{name}"},
        {"name": "KAFKA_SSL_CAFILE", "value": "/etc/kafka-ca/ca.crt"},
        secret(f"{prefix}DATABASE_URL", f"keepwarm-{name}-db-app", "uri"),
        secret("KAFKA_SASL_PASSWORD", f"keepwarm-{name}", "password"),
    ]
    if name == "notifier":
        found += [
            secret(f"{prefix}SECRET_KEYS", "keepwarm-notifier", "secret-keys"),
            secret(f"{prefix}CAMPUS_KEY", "keepwarm-notifier", "campus-key"),
        ]
    return found


def _probe(path: str, *, period: int, failures: int) -> dict[str, Any]:
    return {"httpGet": {"path": path, "port": "http"}, "periodSeconds": period, "failureThreshold": failures}


def deployment(name: str, role: Role) -> dict[str, Any]:
    labels = {APP: name, COMPONENT: role.value, ROLE_LABEL: f"{name}-{role.value}"}
    requests, limits = RESOURCES[role]
    container = {
        "name": role.value,
        "image": "keepwarm",
        "args": ["python", "-m", f"services.{name}", role.value],
        "ports": [{"name": "http", "containerPort": PORT}],
        "envFrom": [{"configMapRef": {"name": "keepwarm"}}],
        "env": _env(name),
        "readinessProbe": _probe("/readyz", period=5, failures=3),
        "livenessProbe": _probe("/healthz", period=10, failures=3),
        "startupProbe": _probe("/healthz", period=2, failures=30),
        "resources": {"requests": requests, "limits": limits},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "kafka-ca", "mountPath": "/etc/kafka-ca", "readOnly": True}],
    }
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {ROLE_LABEL: labels[ROLE_LABEL]}},
        "template": {
            "metadata": {"labels": labels, "annotations": {"prometheus.io/scrape": "true"}},
            "spec": {
                "automountServiceAccountToken": False,
                "securityContext": {
                    "runAsNonRoot": True,
                    "runAsUser": 10001,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "containers": [container],
                "volumes": [{"name": "kafka-ca", "secret": {"secretName": f"{CLUSTER}-cluster-ca-cert"}}],
            },
        },
    }
    if role not in SCALED:
        spec["replicas"] = REPLICAS[role]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(f"keepwarm-{name}-{role.value}", **labels),
        "spec": spec,
    }


def scaling(name: str, role: Role) -> list[dict[str, Any]]:
    least, most = SCALED[role]
    target = f"keepwarm-{name}-{role.value}"
    return [
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": _meta(target),
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
                "minReplicas": least,
                "maxReplicas": most,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 70},
                        },
                    }
                ],
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": _meta(target),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {ROLE_LABEL: f"{name}-{role.value}"}}},
        },
    ]


def migration(name: str) -> dict[str, Any]:
    """The schema brought up to date: run once per release, before the Deployments roll."""
    pod = deployment(name, Role.JOBS)["spec"]["template"]["spec"]
    container = {
        **pod["containers"][0],
        "name": "migrate",
        "args": ["python", "-m", f"services.{name}", "migrate"],
    }
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        container.pop(probe)
    container.pop("ports")
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": _meta(f"keepwarm-{name}-migrate", **{APP: name, COMPONENT: "migrate"}),
        "spec": {
            "backoffLimit": 6,
            "template": {
                "metadata": {"labels": {APP: name, COMPONENT: "migrate"}},
                "spec": {**pod, "restartPolicy": "OnFailure", "containers": [container]},
            },
        },
    }


def service(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(f"keepwarm-{name}", **{APP: name}),
        "spec": {
            "selector": {ROLE_LABEL: f"{name}-api"},
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }


def network_policies(name: str) -> list[dict[str, Any]]:
    """A service's pods reach its own database, the Kafka brokers and DNS, nothing else (the
    notifier's senders also reach mail and push servers outside the cluster); only the ingress
    controller and Prometheus reach them."""
    egress: list[dict[str, Any]] = [
        {
            "to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": f"keepwarm-{name}-db"}}}],
            "ports": [{"protocol": "TCP", "port": 5432}],
        },
        {
            "to": [
                {"podSelector": {"matchLabels": {"strimzi.io/cluster": CLUSTER, "strimzi.io/kind": "Kafka"}}}
            ],
            "ports": [{"protocol": "TCP", "port": 9093}],
        },
        {
            "to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
        },
    ]
    if name == "notifier":
        egress.append(
            {
                "to": [
                    {
                        "ipBlock": {
                            "cidr": "0.0.0.0/0",
                            "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
                        }
                    }
                ],
                "ports": [{"protocol": "TCP", "port": port} for port in (25, 443, 465, 587)],
            }
        )
    return [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": _meta(f"keepwarm-{name}"),
            "spec": {
                "podSelector": {"matchLabels": {APP: name}},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}
                                }
                            },
                            {
                                "namespaceSelector": {
                                    "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}
                                }
                            },
                        ],
                        "ports": [{"protocol": "TCP", "port": PORT}],
                    }
                ],
                "egress": egress,
            },
        }
    ]


PAGE_CONFIG = Path(__file__).parent.parent / "deploy" / "page" / "config.json.example"
DASHBOARD = Path(__file__).parent.parent / "deploy" / "monitoring" / "keepwarm-dashboard.json"

ALERTS = [
    (
        "KeepWarmConsumerLagging",
        "max by (consumer) (keepwarm_consumer_lag_records) > 5000",
        "10m",
        "{{ $labels.consumer }} is more than 5,000 records behind: add consumers (up to the partitions) "
        "or look for a slow database.",
    ),
    (
        "KeepWarmOutboxStuck",
        "max by (service) (keepwarm_outbox_oldest_age_seconds) > 300",
        "5m",
        "{{ $labels.service }} has an event waiting over 5 minutes to reach Kafka: is the relay running, "
        "can it reach the brokers?",
    ),
    (
        "KeepWarmDeadLetters",
        "sum by (consumer, topic) (increase(keepwarm_consumer_dead_letters_total[15m])) > 0",
        "0m",
        "{{ $labels.consumer }} dead-lettered records of {{ $labels.topic }}: read dlq_error on the .dlq "
        "topic.",
    ),
    (
        "KeepWarmChannelsFailing",
        'sum by (kind) (rate(keepwarm_nudge_deliveries_total{outcome="failed"}[30m])) > '
        'sum by (kind) (rate(keepwarm_nudge_deliveries_total{outcome="sent"}[30m]))',
        "30m",
        "Nudges to {{ $labels.kind }} channels fail more often than they go out: is the mail or push "
        "server reachable?",
    ),
]


def monitoring() -> list[dict[str, Any]]:
    """Scraping every KeepWarm pod, the alerts on lag, outbox age, dead letters and failing
    channels (Prometheus Operator), and the dashboard (a Grafana sidecar picks it up)."""
    return [
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PodMonitor",
            "metadata": _meta("keepwarm"),
            "spec": {
                "selector": {"matchExpressions": [{"key": ROLE_LABEL, "operator": "Exists"}]},
                "podMetricsEndpoints": [{"port": "http", "path": "/metrics", "interval": "30s"}],
            },
        },
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": _meta("keepwarm"),
            "spec": {
                "groups": [
                    {
                        "name": "keepwarm",
                        "rules": [
                            {
                                "alert": alert,
                                "expr": expression,
                                "for": wait,
                                "labels": {"severity": "warning"},
                                "annotations": {"summary": summary},
                            }
                            for alert, expression, wait, summary in ALERTS
                        ],
                    }
                ]
            },
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta("keepwarm-dashboard", grafana_dashboard="1"),
            "data": {"keepwarm.json": DASHBOARD.read_text()},
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta("keepwarm-page", **{APP: "page"}),
            "data": {"config.json": PAGE_CONFIG.read_text()},
        },
    ]


def resources() -> dict[str, list[dict[str, Any]]]:
    """File name → the resources it holds."""
    topics = Topics()
    runtimes = {name: build() for name, build in SERVICES.items()}
    all_topics: set[str] = set()
    for runtime in runtimes.values():
        published, followed, dead, _ = topics_of(runtime, topics)
        all_topics |= {*published, *followed, *dead}
    files: dict[str, list[dict[str, Any]]] = {
        "kafka.yaml": kafka(),
        "topics.yaml": [kafka_topic(topic) for topic in sorted(all_topics)],
        "users.yaml": [kafka_user(name, runtime, topics) for name, runtime in runtimes.items()],
        "databases.yaml": [database(name) for name in runtimes],
        "monitoring.yaml": monitoring(),
    }
    for name in runtimes:
        files[f"{name}.yaml"] = [
            service(name),
            migration(name),
            *[deployment(name, role) for role in Role],
            *[item for role in SCALED for item in scaling(name, role)],
            *network_policies(name),
        ]
    return files


def render(documents: list[dict[str, Any]]) -> str:
    return "---\n".join(yaml.safe_dump(d, sort_keys=False, default_flow_style=False) for d in documents)


def base_files() -> dict[Path, str]:
    return {BASE_DIR / name: render(documents) for name, documents in resources().items()}
