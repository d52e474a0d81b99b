from django.urls import path

from moderation.api import views

urlpatterns = [
    path("me/sanctions", views.MySanctionsApi.as_view(), name="me-sanctions"),
    path("appeals", views.AppealsApi.as_view(), name="appeals"),
]
