from django.apps import AppConfig


class WeChatConfig(AppConfig):
    name = "wechat"
    verbose_name = "WeChat"

    def ready(self) -> None:
        from realtime import hooks
        from wechat import checks, receivers  # noqa: F401  (checks registers itself)

        hooks.on_notification_stored(receivers.notification_stored)
