from django.apps import AppConfig


class JobsConfig(AppConfig):
    """The platform's own jobs and the `jobs` management command (JobRun is the platform app's)."""

    name = "smart360.jobs"
    label = "smart360_jobs"
    verbose_name = "Smart360 scheduled jobs"

    def ready(self) -> None:
        from smart360.jobs import platform  # noqa: F401  (registers the housekeeping jobs)
