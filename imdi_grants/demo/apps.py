from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "imdi_grants.demo"
    label = "demo"
    verbose_name = "Demo data"
