"""HTTP doors of the confessions app: parse, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from accounts.authentication import (
    CheckedByThePage,
    CheckedByTheView,
    SignedIn,
    confirm_viewer,
    signed_in,
)
from accounts.throttles import (
    InboxLinkThrottle,
    InboxLinkWriterThrottle,
    SettingsWriteThrottle,
    SharedLinkThrottle,
    SignedOutIpThrottle,
    client_address,
)
from core.pagination import Keyset, KeysetPagination, OldestFirst
from core.parsing import parse
from media_app.rendering import Urls
from messages_app import selectors, services
from messages_app.api import serializers as s
from messages_app.models import Hint, InboxLink
from messages_app.rendering import (
    ConfessionPayload,
    CrushListPayload,
    InboxLinkCardPayload,
    InboxLinkPayload,
    ShareScenePayload,
    confession_render,
    crush_list_render,
    inbox_link_card_render,
    inbox_link_render,
    match_render,
    reply_render,
    reply_row,
)
from moderation.rendering import report_render


def _fresh(request: SignedIn, confession_id: int) -> ConfessionPayload:
    """Read through the visibility selector, so what is shown is what the rules allow."""
    row, viewing = selectors.confession_shown(user_id=request.user.pk, confession_id=confession_id)
    return confession_render(row, viewing=viewing, urls=Urls(request))


class ConfessionSendApi(CheckedByTheView, APIView):
    @extend_schema(
        operation_id="confessions_send",
        request=s.ConfessionSendInput,
        responses={201: s.ConfessionOutput},
    )
    def post(self, request: SignedIn) -> Response:
        """Send a confession to a user, or without `recipient` as a share link. With
        `anonymous: true` the recipient never learns who sent it, unless you reveal it."""
        data = parse(s.ConfessionSendInput, request)
        # The writer's account and the recipient's, in one statement.
        sender, recipient = account_selectors.active_user_and_named(
            user_id=request.user.pk, username=data.get("recipient")
        )
        confession = services.confession_send(
            sender=signed_in(request, sender),
            body=data["body"],
            anonymous=data["anonymous"],
            recipient_username=data.get("recipient"),
            recipient_read=recipient,
            media_ids=data["media"],
            deliver_at=data.get("deliver_at"),
        )
        return Response(_fresh(request, confession.pk), status=status.HTTP_201_CREATED)


# A page of the read model (`selectors.inbox_page` and the like), read and rendered by the one
# `Keyset`; DRF's generic view names its serializer and pagination for the schema.
class _ConfessionListApi(CheckedByThePage, generics.GenericAPIView):
    serializer_class = s.ConfessionOutput
    pagination_class = KeysetPagination
    page: Callable[..., tuple[list[selectors.Row], list[tuple[selectors.Row, selectors.Viewing]]]]

    def list(self, request: SignedIn) -> Response:
        keyset = Keyset.of(request)
        rows, shown = self.page(user_id=request.user.pk, keyset=keyset)
        if not rows:
            confirm_viewer(request)
        urls = Urls(request)
        return keyset.response(
            request,
            rows,
            [confession_render(row, viewing=viewing, urls=urls) for row, viewing in shown],
        )


class ConfessionInboxApi(_ConfessionListApi):
    page = staticmethod(selectors.inbox_page)

    @extend_schema(operation_id="confessions_inbox", responses={200: s.ConfessionOutput(many=True)})
    def get(self, request: SignedIn) -> Response:
        """The confessions you received, newest first."""
        return self.list(request)


class ConfessionSentApi(_ConfessionListApi):
    page = staticmethod(selectors.sent_page)

    @extend_schema(operation_id="confessions_sent", responses={200: s.ConfessionOutput(many=True)})
    def get(self, request: SignedIn) -> Response:
        """The confessions you sent, newest first."""
        return self.list(request)


class ConfessionDetailApi(CheckedByThePage, APIView):
    @extend_schema(operation_id="confessions_get", responses={200: s.ConfessionOutput})
    def get(self, request: SignedIn, confession_id: int) -> Response:
        """One confession you sent or received, as your side sees it."""
        return Response(_fresh(request, confession_id))

    @extend_schema(operation_id="confessions_delete", responses={204: None})
    def delete(self, request: SignedIn, confession_id: int) -> Response:
        """The sender retracts it (gone for the recipient too); the recipient removes it
        from the inbox."""
        services.confession_delete(user=request.user, confession_id=confession_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="confessions_reschedule",
        request=s.ConfessionRescheduleInput,
        responses={200: s.ConfessionOutput},
    )
    def patch(self, request: SignedIn, confession_id: int) -> Response:
        """Its sender moves a scheduled confession's time, until it is delivered (409 after).
        PUT does the same, for clients without PATCH (wx.request)."""
        data = parse(s.ConfessionRescheduleInput, request)
        services.confession_reschedule(
            user=request.user, confession_id=confession_id, deliver_at=data["deliver_at"]
        )
        return Response(_fresh(request, confession_id))

    @extend_schema(
        operation_id="confessions_reschedule_put",
        request=s.ConfessionRescheduleInput,
        responses={200: s.ConfessionOutput},
    )
    def put(self, request: SignedIn, confession_id: int) -> Response:
        """Move a scheduled confession's time, like PATCH (for wx.request, which has no PATCH)."""
        return self.patch(request, confession_id)


class ConfessionReadApi(APIView):
    @extend_schema(
        operation_id="confessions_read", request=None, responses={200: s.ConfessionOutput}
    )
    def post(self, request: SignedIn, confession_id: int) -> Response:
        """Mark a confession and its thread read up to now; the recipient's first read
        tells the sender. Idempotent."""
        services.confession_mark_read(user=request.user, confession_id=confession_id)
        return Response(_fresh(request, confession_id))


class ConfessionRepliesApi(CheckedByThePage, generics.GenericAPIView):
    serializer_class = s.ReplyOutput
    pagination_class = OldestFirst

    @extend_schema(
        operation_id="confessions_replies_list", responses={200: s.ReplyOutput(many=True)}
    )
    def get(self, request: SignedIn, confession_id: int) -> Response:
        """The thread of a confession, oldest first."""
        keyset = Keyset.of(request)
        confession, viewing, rows = selectors.thread_page(
            user_id=request.user.pk, confession_id=confession_id, keyset=keyset
        )
        urls, sender_id = Urls(request), confession["sender_id"]
        return keyset.response(
            request,
            rows,
            [
                reply_render(row, sender_id=sender_id, viewing=viewing, urls=urls)
                for row in rows[: keyset.limit]
            ],
        )

    @extend_schema(
        operation_id="confessions_replies_create",
        request=s.ReplyInput,
        responses={201: s.ReplyOutput},
    )
    def post(self, request: SignedIn, confession_id: int) -> Response:
        """Answer in a confession's thread. An anonymous sender stays anonymous in it."""
        confession, reply = services.reply_create(
            user=request.user, confession_id=confession_id, **parse(s.ReplyInput, request)
        )
        viewing = selectors.viewing_of(confession, viewer=request.user)
        rendered = reply_render(
            reply_row(reply), sender_id=confession.sender_id, viewing=viewing, urls=Urls(request)
        )
        return Response(rendered, status=status.HTTP_201_CREATED)


class ConfessionBlockSenderApi(APIView):
    @extend_schema(operation_id="confessions_block_sender", request=None, responses={204: None})
    def post(self, request: SignedIn, confession_id: int) -> Response:
        """Block whoever sent this confession, without learning who they are."""
        services.confession_block_sender(user=request.user, confession_id=confession_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedConfessionApi(APIView):
    # Anyone holding the link may see its card, signed in or not (the web client's landing
    # page); claiming it takes an account. Signed out, it is throttled per link, and per
    # address far above what a campus behind one sends.
    permission_classes = (AllowAny,)
    throttle_classes = (SharedLinkThrottle, SignedOutIpThrottle)
    throttle_scope = "shared"

    @extend_schema(
        operation_id="confessions_shared_get",
        responses={200: s.ConfessionOutput},
        # Signed in or out: drf-spectacular takes these requirements as they are (its stubs
        # say names).
        auth=[{"jwtAuth": []}, {}],  # type: ignore[list-item]
    )
    def get(self, request: Request, token: str) -> Response:
        """The card of a share link, signed in or not. Throttled per link and per address."""
        row, viewing = selectors.shared_shown(user_id=request.user.pk, token=token)
        return Response(confession_render(row, viewing=viewing, urls=Urls(request)))


class SharedConfessionClaimApi(APIView):
    @extend_schema(
        operation_id="confessions_shared_claim", request=None, responses={200: s.ConfessionOutput}
    )
    def post(self, request: SignedIn, token: str) -> Response:
        """Claim a share link: the confession becomes yours, in your inbox."""
        confession = services.confession_claim(user=request.user, token=token)
        return Response(_fresh(request, confession.pk))


class ConfessionReportApi(APIView):
    @extend_schema(
        operation_id="confessions_report", request=s.ReportInput, responses={201: s.ReportOutput}
    )
    def post(self, request: SignedIn, confession_id: int) -> Response:
        """Report a confession you received to the moderators, once per confession."""
        report = services.report_create(
            reporter=request.user, confession_id=confession_id, **parse(s.ReportInput, request)
        )
        return Response(report_render(report), status=status.HTTP_201_CREATED)


class ShareCodeApi(APIView):
    @extend_schema(
        operation_id="confessions_share_code",
        responses={(200, "image/png"): OpenApiTypes.BINARY},
    )
    def get(self, request: SignedIn, confession_id: int) -> HttpResponse:
        """The share link's mini program code, a PNG (its sender only, while nobody has claimed
        it). Its scene leads back to the link: GET /confessions/by-scene/{scene}."""
        image = services.share_code(user=request.user, confession_id=confession_id)
        response = HttpResponse(image, content_type="image/png")
        response["Cache-Control"] = "private, max-age=86400"
        return response


class ShareSceneApi(APIView):
    @extend_schema(operation_id="confessions_by_scene", responses={200: s.ShareSceneOutput})
    def get(self, request: SignedIn, scene: str) -> Response:
        """The share token a mini program code's `scene` stands for, while the link is open."""
        return Response(ShareScenePayload(share_token=services.share_token_of_scene(scene=scene)))


class MeCountsApi(APIView):
    @extend_schema(operation_id="me_counts", responses={200: s.CountsOutput})
    def get(self, request: SignedIn) -> Response:
        """Badge numbers in one request."""
        return Response(selectors.unread_counts(user_id=request.user.pk))


class MatchListApi(generics.GenericAPIView):
    serializer_class = s.MatchOutput
    pagination_class = KeysetPagination

    @extend_schema(operation_id="matches_list", responses={200: s.MatchOutput(many=True)})
    def get(self, request: SignedIn) -> Response:
        """Who you matched with (both confessed to each other), newest first, and the
        confessions between you."""
        me = request.user.pk
        page = self.paginate_queryset(selectors.matches_of(user_id=me)) or []
        others = [m.user_high if m.user_low_id == me else m.user_low for m in page]
        between = selectors.match_confessions(user_id=me, others=[o.pk for o in others])
        urls = Urls(request)
        return self.get_paginated_response(
            [
                match_render(match.created_at, other, between[other.pk], urls)
                for match, other in zip(page, others, strict=True)
            ]
        )


def _hint(hint: Hint) -> dict:
    return {"id": hint.pk, "text": hint.text, "created_at": hint.created_at}


class ConfessionHintsApi(APIView):
    @extend_schema(operation_id="confessions_hints", responses={200: s.HintListOutput})
    def get(self, request: SignedIn, confession_id: int) -> Response:
        """The hints its anonymous sender gave, oldest first (to its sender and recipient)."""
        hints = services.hints_of(user=request.user, confession_id=confession_id)
        return Response({"results": [_hint(hint) for hint in hints]})

    @extend_schema(
        operation_id="confessions_hint", request=s.HintInput, responses={201: s.HintOutput}
    )
    def post(self, request: SignedIn, confession_id: int) -> Response:
        """Its anonymous sender gives a hint of who they are (at most 3; the recipient is told:
        `confession.hinted`)."""
        text = parse(s.HintInput, request)["text"]
        hint = services.hint_add(user=request.user, confession_id=confession_id, text=text)
        return Response(_hint(hint), status=status.HTTP_201_CREATED)


class ConfessionRevealApi(APIView):
    @extend_schema(
        operation_id="confessions_reveal", request=None, responses={200: s.ConfessionOutput}
    )
    def post(self, request: SignedIn, confession_id: int) -> Response:
        """Its anonymous sender chooses to be known to the recipient, for good
        (`confession.revealed`)."""
        services.confession_reveal(user=request.user, confession_id=confession_id)
        return Response(_fresh(request, confession_id))


class CrushListApi(APIView):
    @extend_schema(operation_id="crushes_list", responses={200: s.CrushListOutput})
    def get(self, request: SignedIn) -> Response:
        """Your secret-crush list, yours alone: who is on it (and whether they have you on
        theirs), the removed ones still holding their place, and the places left."""
        return Response(_crush_list(request))

    @extend_schema(
        operation_id="crushes_add", request=s.CrushInput, responses={201: s.CrushListOutput}
    )
    def post(self, request: SignedIn) -> Response:
        """Put someone on your list. They are told only that someone has a crush on them;
        if they have you on theirs, both of you are told who (`crush.matched`)."""
        username = parse(s.CrushInput, request)["username"]
        services.crush_add(user=request.user, username=username)
        return Response(_crush_list(request), status=status.HTTP_201_CREATED)


class CrushDetailApi(APIView):
    @extend_schema(operation_id="crushes_remove", responses={204: None})
    def delete(self, request: SignedIn, username: str) -> Response:
        """Take them off your list (idempotent); their place stays taken for the cool-down."""
        services.crush_remove(user=request.user, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _crush_list(request: SignedIn) -> CrushListPayload:
    state = services.crushes_of(user=request.user)
    return crush_list_render(state, limit=settings.CRUSHES_MAX, urls=Urls(request))


class MeInboxLinkApi(APIView):
    throttle_classes = (SettingsWriteThrottle,)

    @extend_schema(operation_id="me_inbox_link", responses={200: s.InboxLinkOutput})
    def get(self, request: SignedIn) -> Response:
        """Your personal inbox link: where anyone may write to you anonymously."""
        return Response(_own_link(request, services.link_of(user=request.user)))

    @extend_schema(
        operation_id="me_inbox_link_set",
        request=s.InboxLinkInput,
        responses={200: s.InboxLinkOutput},
    )
    def put(self, request: SignedIn) -> Response:
        """Make or change it (what you leave out stays); its handle is made once and kept."""
        changes = parse(s.InboxLinkInput, request)
        return Response(
            _own_link(request, services.link_update(user=request.user, changes=changes))
        )


def _own_link(request: SignedIn, link: InboxLink | None) -> InboxLinkPayload:
    return inbox_link_render(link, url_of=request.build_absolute_uri)


class InboxLinkCardApi(APIView):
    permission_classes = (AllowAny,)
    throttle_classes = (SignedOutIpThrottle,)
    throttle_scope = "inbox_link_card"

    @extend_schema(
        operation_id="inbox_links_get",
        responses={200: s.InboxLinkCardOutput},
        auth=[{"jwtAuth": []}, {}],  # type: ignore[list-item]
    )
    def get(self, request: Request, handle: str) -> Response:
        """A link's public card: its owner's name and picture, and what they ask (404 when
        the link is off, as for none)."""
        card: InboxLinkCardPayload = inbox_link_card_render(
            services.link_open(handle=handle), Urls(request)
        )
        return Response(card)


class InboxLinkMessagesApi(APIView):
    permission_classes = (AllowAny,)
    throttle_classes = (InboxLinkWriterThrottle, InboxLinkThrottle)

    @extend_schema(
        operation_id="inbox_links_write",
        request=s.LinkMessageInput,
        responses={201: s.LinkMessageOutput},
        auth=[{"jwtAuth": []}, {}],  # type: ignore[list-item]
    )
    def post(self, request: Request, handle: str) -> Response:
        """Write to the link's owner, signed in or out: it reaches them as an anonymous
        confession, who you are unknown to them. Signed out, their reply cannot reach you."""
        body = parse(s.LinkMessageInput, request)["body"]
        user = request.user if request.user.is_authenticated else None
        address = client_address(request)
        services.link_message(handle=handle, body=body, writer=user, address=address)
        return Response({"sent": True}, status=status.HTTP_201_CREATED)
