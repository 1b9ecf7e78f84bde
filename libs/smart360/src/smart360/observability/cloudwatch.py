"""Production metrics: the CloudWatch agent scrapes the same /metrics pages and publishes them.

One CloudWatch agent task per cluster (the "CloudWatch agent with Prometheus monitoring" of
Container Insights) finds every web, worker and beat container through its ECS docker labels,
scrapes it like the local Prometheus does, and writes the samples as embedded-metric-format
(EMF) log events: CloudWatch makes metrics of the ones declared here (namespace Smart360,
dimension `job` = smart360-<service>-<role>, a few more where they stay few) and keeps every
label in the log events for Logs Insights (per route, per task).

Rendered from the registry:
- `agent_config`: the agent's JSON (CW_CONFIG_CONTENT),
- `scrape_config`: its Prometheus scrape configuration (PROMETHEUS_CONFIG_CONTENT),
- `container_settings`: the docker labels and environment each service container needs.
Wiring them into the task definitions and the agent's ECS service is the deploy renderers' job.
"""

from __future__ import annotations

from typing import Any

from smart360.registry import Registry, Role, Service

NAMESPACE = "Smart360"
WEB_PORT = 8000  # the image's gunicorn port (docker/Dockerfile EXPOSE)
METRICS_PORT = 9100  # workers and beats: SMART360_METRICS_PORT in their containers
MULTIPROC_DIR = "/tmp/prometheus"  # noqa: S108 - per-container scratch, summed per scrape
SD_RESULT_FILE = "/tmp/cwagent_ecs_auto_sd.yaml"  # noqa: S108 - inside the agent's container
PORT_LABEL = "ECS_PROMETHEUS_EXPORTER_PORT"
PATH_LABEL = "ECS_PROMETHEUS_METRICS_PATH"
JOB_LABEL = "ECS_PROMETHEUS_JOB_NAME"
SCRAPE_INTERVAL = "1m"


def job_name(svc: Service, role: Role) -> str:
    return f"smart360-{svc.name}-{role}"


def container_settings(svc: Service, role: Role) -> dict[str, dict[str, str]]:
    """What one container of `svc` running `role` needs so the agent finds and reads it."""
    if role == "web":
        labels = {PORT_LABEL: str(WEB_PORT), PATH_LABEL: f"{svc.prefix}metrics"}
        env = {"PROMETHEUS_MULTIPROC_DIR": MULTIPROC_DIR}  # gunicorn runs several workers
    else:
        labels = {PORT_LABEL: str(METRICS_PORT), PATH_LABEL: "/metrics"}
        env = {"SMART360_METRICS_PORT": str(METRICS_PORT), "SMART360_METRICS_ADDRESS": "0.0.0.0"}
        if role == "worker":  # the prefork pool's children
            env["PROMETHEUS_MULTIPROC_DIR"] = MULTIPROC_DIR
    labels[JOB_LABEL] = job_name(svc, role)
    return {"dockerLabels": labels, "environment": env}


def _declaration(role: str, metrics: list[str], dimensions: list[list[str]]) -> dict[str, Any]:
    return {
        "source_labels": ["job"],
        "label_matcher": f"^smart360-[a-z0-9]+-{role}$",
        "dimensions": dimensions,
        "metric_selectors": [f"^{name}$" for name in metrics],
    }


def metric_declarations() -> list[dict[str, Any]]:
    """Which samples become CloudWatch metrics, and by which dimensions. Few dimensions on
    purpose: each distinct combination is a billed custom metric; routes and task names stay
    in the EMF log events."""
    return [
        _declaration("web", ["smart360_http_requests_total"], [["job"], ["job", "status"]]),
        _declaration("web", ["smart360_http_request_duration_seconds_sum",
                             "smart360_http_request_duration_seconds_count",
                             "smart360_http_db_queries_total"], [["job"]]),
        _declaration("worker", ["smart360_celery_tasks_total"], [["job"], ["job", "state"]]),
        _declaration("worker", ["smart360_celery_task_duration_seconds_sum",
                                "smart360_celery_task_duration_seconds_count",
                                "smart360_celery_task_db_queries_total",
                                "smart360_outbox_pending_events",
                                "smart360_outbox_oldest_pending_age_seconds"], [["job"]]),
        _declaration("beat", ["smart360_beat_ticks_total",
                              "smart360_beat_last_tick_timestamp_seconds",
                              "smart360_celery_tasks_sent_total"], [["job"]]),
    ]


def agent_config(registry: Registry) -> dict[str, Any]:
    cluster = registry.cluster
    return {
        "agent": {"region": cluster.region},
        "logs": {
            "metrics_collected": {
                "prometheus": {
                    "cluster_name": cluster.name,
                    "log_group_name": f"/aws/ecs/containerinsights/{cluster.name}/prometheus",
                    "prometheus_config_path": "env:PROMETHEUS_CONFIG_CONTENT",
                    "ecs_service_discovery": {
                        "sd_frequency": SCRAPE_INTERVAL,
                        "sd_target_cluster": cluster.name,
                        "sd_cluster_region": cluster.region,
                        "sd_result_file": SD_RESULT_FILE,
                        "docker_label": {"sd_port_label": PORT_LABEL,
                                         "sd_metrics_path_label": PATH_LABEL,
                                         "sd_job_name_label": JOB_LABEL},
                    },
                    "emf_processor": {
                        "metric_declaration_dedup": True,
                        "metric_namespace": NAMESPACE,
                        "metric_unit": {
                            "smart360_http_request_duration_seconds_sum": "Seconds",
                            "smart360_celery_task_duration_seconds_sum": "Seconds",
                            "smart360_outbox_oldest_pending_age_seconds": "Seconds",
                            "smart360_outbox_pending_events": "Count",
                        },
                        "metric_declaration": metric_declarations(),
                    },
                }
            },
            "force_flush_interval": 5,
        },
    }


def scrape_config() -> dict[str, Any]:
    """The agent scrapes what its ECS service discovery wrote to the result file."""
    return {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "scrape_timeout": "10s"},
        "scrape_configs": [{
            "job_name": "cwagent-ecs-file-sd-config",
            "sample_limit": 10000,
            "file_sd_configs": [{"files": [SD_RESULT_FILE]}],
        }],
    }
