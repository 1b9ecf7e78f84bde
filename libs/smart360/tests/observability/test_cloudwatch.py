"""The production path: the CloudWatch agent's configuration, rendered from the registry.

The agent itself cannot run here; what is checked is that the configuration only uses keys the
agent documents (its published JSON schema, transcribed below for the parts used), that every
container is discovered under a job a declaration matches, and that every metric selector
matches samples this code really exposes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from smart360.celery.app import app
from smart360.events.lag import OutboxLag
from smart360.observability import cloudwatch, metrics
from smart360.observability.celery import beat_ticked
from smart360.registry import ROLES, parse

REPO = Path(__file__).resolve().parents[4]


@app.task(name="demo.cloudwatch_probe")
def probe() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
REGISTRY = parse(REPO / "services.toml")

# amazon-cloudwatch-agent translator/config/schema.json: logs.metrics_collected.prometheus
PROMETHEUS_KEYS = {"cluster_name", "log_group_name", "prometheus_config_path", "emf_processor",
                   "ecs_service_discovery", "disable_metric_extraction"}
DISCOVERY_KEYS = {"docker_label", "task_definition_list", "service_name_list_for_tasks",
                  "sd_cluster_region", "sd_frequency", "sd_result_file", "sd_target_cluster"}
DOCKER_LABEL_KEYS = {"sd_job_name_label", "sd_metrics_path_label", "sd_port_label"}
EMF_KEYS = {"metric_declaration_dedup", "metric_namespace", "metric_unit", "metric_declaration"}
DECLARATION_KEYS = {"source_labels", "label_matcher", "label_separator", "metric_selectors",
                    "dimensions"}


def test_the_agent_config_uses_only_documented_keys():
    config = cloudwatch.agent_config(REGISTRY)
    assert set(config) <= {"agent", "metrics", "logs", "traces"}
    prom = config["logs"]["metrics_collected"]["prometheus"]
    assert set(prom) <= PROMETHEUS_KEYS
    discovery = prom["ecs_service_discovery"]
    assert set(discovery) <= DISCOVERY_KEYS
    assert set(discovery["docker_label"]) <= DOCKER_LABEL_KEYS
    assert discovery["sd_target_cluster"] == REGISTRY.cluster.name
    assert discovery["sd_cluster_region"] == REGISTRY.cluster.region
    emf = prom["emf_processor"]
    assert set(emf) <= EMF_KEYS
    for declaration in emf["metric_declaration"]:
        assert set(declaration) <= DECLARATION_KEYS
        assert all(isinstance(d, list) and "job" in d for d in declaration["dimensions"])
        re.compile(declaration["label_matcher"])
        for selector in declaration["metric_selectors"]:
            re.compile(selector)


def test_every_container_is_discovered_under_a_job_that_declarations_match():
    declarations = cloudwatch.metric_declarations()
    for svc in REGISTRY.services.values():
        for role in ROLES:
            settings = cloudwatch.container_settings(svc, role)
            labels = settings["dockerLabels"]
            job = labels[cloudwatch.JOB_LABEL]
            assert job == f"smart360-{svc.name}-{role}"
            assert any(re.match(d["label_matcher"], job) for d in declarations), job
            if role == "web":
                assert labels[cloudwatch.PATH_LABEL] == f"/{svc.name}/metrics"
                assert labels[cloudwatch.PORT_LABEL] == str(cloudwatch.WEB_PORT)
            else:
                assert settings["environment"]["SMART360_METRICS_PORT"] == labels[cloudwatch.PORT_LABEL]
            if role in ("web", "worker"):  # several processes: summed from their files
                assert settings["environment"]["PROMETHEUS_MULTIPROC_DIR"]


def test_the_web_port_is_the_one_the_image_serves_on():
    dockerfile = (REPO / "docker" / "Dockerfile").read_text()
    assert f"EXPOSE {cloudwatch.WEB_PORT}" in dockerfile


@pytest.mark.django_db(transaction=True)
def test_every_metric_selector_matches_samples_this_code_exposes():
    client = Client()
    client.get("/demo/api/v1/ping/")
    probe.apply()
    with warnings.catch_warnings():  # the test settings run tasks eagerly; send_task never does
        warnings.simplefilter("ignore")
        app.send_task("demo.cloudwatch_probe", queue="observability-test", expires=5)
    beat_ticked()
    text = metrics.exposition([OutboxLag()]).decode()
    exposed = {s.name for family in text_string_to_metric_families(text) for s in family.samples}
    for declaration in cloudwatch.metric_declarations():
        for selector in declaration["metric_selectors"]:
            assert any(re.match(selector, name) for name in exposed), selector
    assert set(cloudwatch.agent_config(REGISTRY)["logs"]["metrics_collected"]["prometheus"][
        "emf_processor"]["metric_unit"]) <= exposed


def test_the_agents_scrape_config_is_valid_prometheus(tmp_path):
    config = cloudwatch.scrape_config()
    assert config["scrape_configs"][0]["file_sd_configs"][0]["files"] == [cloudwatch.SD_RESULT_FILE]
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.skip("promtool comes with the prometheus package (`smart360 up --with-metrics`)")
    path = tmp_path / "scrape.yml"
    path.write_text(yaml.safe_dump(config))
    check = subprocess.run([promtool, "check", "config", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
