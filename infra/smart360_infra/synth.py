"""Synthesize the CDK app to `infra/cdk.out/` (`python -m smart360_infra.synth`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from aws_cdk import App, cx_api

from smart360.registry import Registry, load
from smart360_infra.stack import Smart360Stack

OUTDIR = Path(__file__).resolve().parents[1] / "cdk.out"


def build(
    registry: Registry, *, outdir: Path | None = None, certificate_arn: str | None = None
) -> tuple[App, Smart360Stack]:
    """The app and its one stack, named after the cluster (`smart360-prod`)."""
    app = App(outdir=str(outdir or OUTDIR))
    stack = Smart360Stack(
        app,
        registry.cluster.name,
        registry=registry,
        certificate_arn=certificate_arn,
        description=f"Smart360 {registry.cluster.name}: ECS cluster, ALB, RDS, PgBouncer, Redis",
    )
    return app, stack


def synth(registry: Registry | None = None, *, outdir: Path | None = None) -> cx_api.CloudAssembly:
    # A TLS listener needs a certificate; pass its ARN in the environment to get HTTPS.
    app, _ = build(
        registry or load(),
        outdir=outdir,
        certificate_arn=os.environ.get("SMART360_CERTIFICATE_ARN") or None,
    )
    return app.synth()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--outdir", type=Path, default=OUTDIR, help="cloud assembly folder")
    args = parser.parse_args(argv)
    assembly = synth(outdir=args.outdir)
    for stack in assembly.stacks:
        print(Path(assembly.directory) / stack.template_file)  # noqa: T201


if __name__ == "__main__":
    main()
