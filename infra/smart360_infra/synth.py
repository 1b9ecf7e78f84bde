"""Synthesize the CDK app to `infra/cdk.out/` (`python -m smart360_infra.synth`).

Two environments, prod and staging, each a platform stack and a services stack. Every
environment needs its ACM certificate (HTTPS only): `SMART360_CERTIFICATE_ARN_PROD`,
`SMART360_CERTIFICATE_ARN_STAGING`, or `-c certificate_arn_prod=...` with `cdk`. Optional admin
allow-lists: `SMART360_ADMIN_CIDRS_PROD=203.0.113.0/24,...` (default: admin not routed at all).
The AwsSolutions rule pack (cdk-nag) checks every stack; `--nag` makes its errors fatal.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path

from aws_cdk import App, Aspects, cx_api
from aws_cdk import Environment as CdkEnvironment

from smart360.deploy.names import Environment, environments
from smart360.registry import Registry, load
from smart360_infra import names
from smart360_infra.stack import PlatformStack, Profile, ServicesStack

OUTDIR = Path(__file__).resolve().parents[1] / "cdk.out"
PROTECTED = {"prod"}  # deletion protection on the ALB and RDS


class MissingCertificate(ValueError):
    pass


def profiles(
    registry: Registry,
    certificates: Mapping[str, str],
    admin_cidrs: Mapping[str, tuple[str, ...]] | None = None,
    only: tuple[str, ...] | None = None,
) -> dict[str, Profile]:
    found = {}
    missing = []
    for name, env in environments(registry).items():
        if only is not None and name not in only:
            continue
        arn = certificates.get(name, "")
        if not arn:
            missing.append(name)
            continue
        found[name] = Profile(
            env, arn, protect=name in PROTECTED, admin_cidrs=(admin_cidrs or {}).get(name, ())
        )
    if missing:
        variables = ", ".join(f"SMART360_CERTIFICATE_ARN_{m.upper()}" for m in missing)
        raise MissingCertificate(f"no ACM certificate for {', '.join(missing)}: HTTPS only; set {variables}")
    return found


def build(
    registry: Registry,
    *,
    certificates: Mapping[str, str],
    outdir: Path | None = None,
    only: tuple[str, ...] | None = None,
    admin_cidrs: Mapping[str, tuple[str, ...]] | None = None,
    nag: bool = False,
) -> tuple[App, dict[str, tuple[PlatformStack, ServicesStack]]]:
    """The app and, per environment, its (platform, services) stacks."""
    app = App(outdir=str(outdir or OUTDIR))
    stacks = {}
    for name, profile in profiles(registry, certificates, admin_cidrs, only).items():
        cluster = profile.cluster
        # The region is fixed (ALB access logs need it); the account stays whatever deploys.
        where = CdkEnvironment(region=registry.cluster.region)
        platform = PlatformStack(
            app,
            names.platform_stack(cluster),
            registry=registry,
            profile=profile,
            env=where,
            description=f"Smart360 {cluster}: network, ECS cluster, ALB, RDS, PgBouncer, Redis, ECR",
        )
        services = ServicesStack(
            app,
            names.services_stack(cluster),
            registry=registry,
            platform=platform,
            env=where,
            description=f"Smart360 {cluster}: the web, worker and beat ECS services of every service",
        )
        stacks[name] = (platform, services)
    if nag:
        from cdk_nag import AwsSolutionsChecks

        from smart360_infra.nag import suppress

        for platform, services in stacks.values():
            suppress(platform, services)
        Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app, stacks


def certificates_from_environment(registry: Registry) -> dict[str, str]:
    return {
        name: os.environ.get(f"SMART360_CERTIFICATE_ARN_{name.upper()}", "")
        for name in environments(registry)
    }


def admin_cidrs_from_environment(registry: Registry) -> dict[str, tuple[str, ...]]:
    found = {}
    for name in environments(registry):
        raw = os.environ.get(f"SMART360_ADMIN_CIDRS_{name.upper()}", "")
        found[name] = tuple(c.strip() for c in raw.split(",") if c.strip())
    return found


def synth(
    registry: Registry | None = None, *, outdir: Path | None = None, nag: bool = True
) -> cx_api.CloudAssembly:
    registry = registry or load()
    app, _ = build(
        registry,
        certificates=certificates_from_environment(registry),
        admin_cidrs=admin_cidrs_from_environment(registry),
        outdir=outdir,
        nag=nag,
    )
    return app.synth()


def environment_names(registry: Registry) -> dict[str, Environment]:
    return environments(registry)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--outdir", type=Path, default=OUTDIR, help="cloud assembly folder")
    args = parser.parse_args(argv)
    try:
        assembly = synth(outdir=args.outdir)
    except MissingCertificate as exc:
        raise SystemExit(f"error: {exc}") from None
    for stack in assembly.stacks:
        print(Path(assembly.directory) / stack.template_file)  # noqa: T201


if __name__ == "__main__":
    main()
