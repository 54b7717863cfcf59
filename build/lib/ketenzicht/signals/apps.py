from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "ketenzicht.signals"
    label = "signals"
    default_auto_field = "django.db.models.BigAutoField"
