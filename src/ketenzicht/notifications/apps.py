from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ketenzicht.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .jobs import register_jobs

        register_jobs()  # the worker's periodic jobs (common.periodic)
