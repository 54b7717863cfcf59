from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ketenzicht.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (records unexpected errors)
        from .jobs import register_jobs

        register_jobs()  # the worker's periodic jobs (common.periodic)
