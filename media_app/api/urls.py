from django.urls import path

from media_app.api import views

urlpatterns = [
    path("media", views.MediaUploadApi.as_view(), name="media-upload"),
    path("media/<int:media_id>", views.MediaDetailApi.as_view(), name="media-detail"),
]
