from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "ketenzicht.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the retention settings check)
        from .jobs import register_jobs

        register_jobs()  # the worker's periodic jobs (common.periodic)
