from django.urls import path

from wechat.api import views

urlpatterns = [
    path("wechat/subscriptions", views.SubscriptionsApi.as_view(), name="wechat-subscriptions"),
]
