"""ALB: one target group and one `/<name>/*` rule per service, health checks from the registry."""

from __future__ import annotations

from smart360_infra.edge import ADMIN_PATH

from .conftest import CERTIFICATE_ARN, Synthesized, logical_id


def _rule_by_pattern(stack: Synthesized) -> dict[str, dict]:
    out = {}
    for rule in stack.resources("AWS::ElasticLoadBalancingV2::ListenerRule").values():
        props = rule["Properties"]
        for condition in props["Conditions"]:
            if condition["Field"] == "path-pattern":
                out.setdefault(condition["PathPatternConfig"]["Values"][0], props)
    return out


def test_https_only_http_redirects_and_the_default_is_404(stack: Synthesized) -> None:
    stack.template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer", {"Scheme": "internet-facing", "Type": "application"}
    )
    listeners = {r["Properties"]["Port"]: r["Properties"]
                 for r in stack.resources("AWS::ElasticLoadBalancingV2::Listener").values()}
    assert set(listeners) == {80, 443}
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[443]["Certificates"] == [{"CertificateArn": CERTIFICATE_ARN}]
    (action,) = listeners[443]["DefaultActions"]
    assert action["FixedResponseConfig"]["StatusCode"] == "404"
    (redirect,) = listeners[80]["DefaultActions"]
    assert redirect["RedirectConfig"]["Port"] == "443"


def test_no_environment_synthesizes_without_a_certificate(registry) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from smart360_infra.synth import MissingCertificate, build

    with pytest.raises(MissingCertificate, match="SMART360_CERTIFICATE_ARN_STAGING"):
        build(registry, certificates={"prod": CERTIFICATE_ARN})


def test_one_target_group_and_path_rule_per_service_in_registry_order(stack: Synthesized) -> None:
    stack.services_template.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", 9)
    rules = _rule_by_pattern(stack)
    services = list(stack.registry.services.values())
    priorities = [rules[f"/{s.name}/*"]["Priority"] for s in services]
    assert priorities == sorted(priorities)
    assert len(set(priorities)) == len(priorities)
    groups = stack.resources("AWS::ElasticLoadBalancingV2::TargetGroup")
    web_services = stack.app_services()
    for svc in services:
        (forward,) = rules[f"/{svc.name}/*"]["Actions"]
        group_id = logical_id(forward["TargetGroupArn"])
        group = groups[group_id]["Properties"]
        assert group["HealthCheckPath"] == svc.health_path == f"/{svc.name}/healthz"
        assert group["HealthCheckPort"] == "traffic-port"  # dynamic host ports
        assert group["TargetType"] == "instance"
        (balancer,) = web_services[f"{svc.name}-web"]["LoadBalancers"]
        assert logical_id(balancer["TargetGroupArn"]) == group_id
        assert (balancer["ContainerName"], balancer["ContainerPort"]) == ("web", 8000)
        assert "LoadBalancers" not in web_services[f"{svc.name}-worker"]


def test_django_admin_is_not_routed_from_the_internet(stack: Synthesized) -> None:
    rules = _rule_by_pattern(stack)
    block = rules[ADMIN_PATH]
    (action,) = block["Actions"]
    assert action["FixedResponseConfig"]["StatusCode"] == "404"
    services = [r for pattern, r in rules.items() if pattern.endswith("/*") and pattern != ADMIN_PATH]
    assert block["Priority"] < min(r["Priority"] for r in services)  # evaluated first
    assert not any(c["Field"] == "source-ip" for r in rules.values() for c in r["Conditions"])


def test_an_admin_allow_list_forwards_admin_only_from_it(grown: Synthesized) -> None:
    allowed = [r["Properties"] for r in grown.resources("AWS::ElasticLoadBalancingV2::ListenerRule").values()
               if any(c["Field"] == "source-ip" for c in r["Properties"]["Conditions"])]
    assert len(allowed) == 10
    block = _rule_by_pattern(grown)[ADMIN_PATH]
    for rule in allowed:
        (source,) = [c for c in rule["Conditions"] if c["Field"] == "source-ip"]
        assert source["SourceIpConfig"]["Values"] == ["203.0.113.0/24"]
        assert rule["Priority"] < block["Priority"]


def test_access_logs_everywhere_deletion_protection_in_prod(stack: Synthesized, staging: Synthesized) -> None:
    def attributes(env: Synthesized) -> dict[str, str]:
        alb = env.one("AWS::ElasticLoadBalancingV2::LoadBalancer")
        return {a["Key"]: a["Value"] for a in alb["LoadBalancerAttributes"]}

    prod, stage = attributes(stack), attributes(staging)
    assert prod["access_logs.s3.enabled"] == stage["access_logs.s3.enabled"] == "true"
    assert prod["deletion_protection.enabled"] == "true"
    assert stage.get("deletion_protection.enabled", "false") == "false"
    # the access-log bucket (cx's documents bucket logs into it too)
    (bucket,) = [r["Properties"] for k, r in stack.resources("AWS::S3::Bucket").items() if "AccessLogs" in k]
    assert bucket["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    assert "BucketEncryption" in bucket
