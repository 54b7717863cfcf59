from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "ketenzicht.followup"
    label = "followup"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Routing and the combination rules react to events of the apps below.
        from . import receivers  # noqa: F401
        from .jobs import register_jobs

        register_jobs()  # the worker's periodic jobs (common.periodic)
