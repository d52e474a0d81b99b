from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WeChatConfig(AppConfig):
    name = "wechat"
    verbose_name = gettext_lazy("WeChat")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from realtime import hooks
        from wechat import checks, receivers  # noqa: F401  (checks registers itself)

        hooks.notification_stored.register(receivers.notification_stored)
