"""Developer tooling: the lint gate and the test runner behind `make lint` / `make test`."""
