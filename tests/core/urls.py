"""The real URLs plus views that raise each kind of error, for the envelope tests only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from confessions_backend.urls import urlpatterns as real_urlpatterns
from core.errors import ApplicationError


class EchoApi(APIView):
    """Needs a signed-in user (the project default); validates a tiny body."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=5)
        nested = serializers.DictField(child=serializers.IntegerField(), required=False)
        items = serializers.ListField(child=serializers.IntegerField(), required=False)

        class Part(serializers.Serializer):
            size = serializers.IntegerField()

        parts = Part(many=True, required=False)

    def get(self, request):
        return Response({"username": request.user.username})

    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class RaiseApi(APIView):
    permission_classes = (AllowAny,)

    def get(self, request, kind: str):
        if kind == "application":
            raise ApplicationError("content_rejected", "This text cannot be sent.", status=400)
        if kind == "django-validation":
            raise ValidationError({"body": ["Too long."]})
        if kind == "django-validation-plain":
            raise ValidationError("Nope.")
        if kind == "http404":
            raise Http404("secret detail about the missing thing")
        if kind == "django-permission":
            raise PermissionDenied
        if kind == "unexpected":
            raise RuntimeError("secret internal detail")
        if kind == "leaky":
            # Whoever is signed in, a statement about them, and secrets in the error itself.
            user = request.user
            User.objects.filter(pk=getattr(user, "pk", 0)).exists()
            token = request.headers.get("Authorization", "")
            raise RuntimeError(f"failed with {token} for phone 13812345678, password=hunter2")
        if kind == "database":
            return Response({"users": User.objects.count()})
        return Response({"kind": kind})


def plain_django_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail from a plain view")


urlpatterns = [
    *real_urlpatterns,
    path("api/v1/_test/echo", EchoApi.as_view()),
    path("api/v1/_test/raise/<str:kind>", RaiseApi.as_view()),
    path("api/v1/_test/plain", plain_django_view),
]
