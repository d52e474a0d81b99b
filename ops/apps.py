from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = gettext_lazy("Operations")
