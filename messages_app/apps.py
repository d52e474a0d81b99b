from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MessagesAppConfig(AppConfig):
    name = "messages_app"
    verbose_name = gettext_lazy("Confessions")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from messages_app import desk, events, selectors
        from messages_app.models import Confession, Reply
        from messages_app.services import decisions
        from moderation import appeals, images
        from moderation import desk as moderation_desk
        from realtime import previews

        images.kinds.register(
            images.ImageKind(
                Confession, approve=decisions.image_approve, reject=decisions.image_reject
            )
        )
        appeals.kinds.register(
            appeals.AppealableKind("confession", Confession, restore=decisions.appeal_restore)
        )
        appeals.kinds.register(
            appeals.AppealableKind("reply", Reply, restore=decisions.reply_restore)
        )
        for desk_kind in (desk.CONFESSIONS, desk.REPLIES):
            moderation_desk.kinds.register(desk_kind)
        for event_type in (
            events.RECEIVED,
            events.READ,
            events.MATCHED,
            events.CLAIMED,
            events.REVEALED,
        ):
            previews.providers.register(selectors.confession_previews, key=event_type)
        previews.providers.register(selectors.reply_previews, key=events.REPLIED)
        previews.providers.register(selectors.hint_previews, key=events.HINTED)
