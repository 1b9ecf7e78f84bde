"""Django settings for the library's own tests: the `demo` service of tests/services.toml."""

import os
from pathlib import Path

os.environ.setdefault("SMART360_REGISTRY", str(Path(__file__).with_name("services.toml")))

from smart360.settings import service_settings

# Declared for type checkers (django-stubs reads names, not globals().update()).
SMART360_SERVICE: str
SMART360_ROLE: str

globals().update(service_settings("demo", apps=["demoapp"]))
ROOT_URLCONF = "lib_test_urls"
