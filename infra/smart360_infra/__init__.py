"""AWS CDK app: the smart360-prod cluster, built from services.toml."""
