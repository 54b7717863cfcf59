from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ketenzicht.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import retention, schema  # noqa: F401 - schema registers the security scheme

        retention.register()  # the retry keys' period (privacy.retention)
