from django.urls import path

from realtime.api import views

urlpatterns = [
    path("notifications", views.NotificationListApi.as_view(), name="notifications"),
    path("notifications/read", views.NotificationReadApi.as_view(), name="notifications-read"),
    path(
        "me/notification-settings",
        views.NotificationSettingsApi.as_view(),
        name="me-notification-settings",
    ),
]
