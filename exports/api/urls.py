from django.urls import path

from exports.api import views

urlpatterns = [path("me/export", views.ExportApi.as_view(), name="me-export")]
