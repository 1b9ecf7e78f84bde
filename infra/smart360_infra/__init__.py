"""AWS CDK app: the smart360-prod cluster, built from services.toml."""

import os

# jsii prints a banner for Node 20 on every start; the machines run Node 20 on purpose.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
