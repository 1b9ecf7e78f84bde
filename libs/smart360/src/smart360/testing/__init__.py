"""Test support shared by the services: a pytest plugin and the platform contract tests."""
