"""ALB: one target group and one `/<name>/*` rule per service, health checks from the registry."""

from __future__ import annotations

from .conftest import CERTIFICATE_ARN, Synthesized, logical_id


def _rules(stack: Synthesized) -> dict[str, dict]:
    """Path pattern -> listener rule properties."""
    out = {}
    for rule in stack.resources("AWS::ElasticLoadBalancingV2::ListenerRule").values():
        props = rule["Properties"]
        ((condition,),) = [props["Conditions"]]
        (pattern,) = condition["PathPatternConfig"]["Values"]
        out[pattern] = props
    return out


def test_internet_facing_alb_with_one_listener_and_404_default(stack: Synthesized) -> None:
    stack.template.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 1)
    stack.template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer", {"Scheme": "internet-facing", "Type": "application"}
    )
    listener = stack.one("AWS::ElasticLoadBalancingV2::Listener")
    assert listener["Port"] == 80
    (action,) = listener["DefaultActions"]
    assert action["FixedResponseConfig"]["StatusCode"] == "404"


def test_one_target_group_and_path_rule_per_service_in_registry_order(stack: Synthesized) -> None:
    stack.template.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", 9)
    stack.template.resource_count_is("AWS::ElasticLoadBalancingV2::ListenerRule", 9)
    rules = _rules(stack)
    services = list(stack.registry.services.values())
    assert set(rules) == {f"/{s.name}/*" for s in services}
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
        # ... and the web service (only the web service) is registered with it.
        (balancer,) = web_services[f"{svc.name}-web"]["LoadBalancers"]
        assert logical_id(balancer["TargetGroupArn"]) == group_id
        assert (balancer["ContainerName"], balancer["ContainerPort"]) == ("web", 8000)
        assert "LoadBalancers" not in web_services[f"{svc.name}-worker"]
        assert "LoadBalancers" not in web_services[f"{svc.name}-beat"]


def test_with_a_certificate_https_carries_the_rules_and_http_redirects(grown: Synthesized) -> None:
    listeners = {
        r["Properties"]["Port"]: (k, r["Properties"])
        for k, r in grown.resources("AWS::ElasticLoadBalancingV2::Listener").items()
    }
    https_id, https = listeners[443]
    assert https["Protocol"] == "HTTPS"
    assert https["Certificates"] == [{"CertificateArn": CERTIFICATE_ARN}]
    (redirect,) = listeners[80][1]["DefaultActions"]
    assert redirect["RedirectConfig"]["Port"] == "443"
    for rule in _rules(grown).values():
        assert logical_id(rule["ListenerArn"]) == https_id
