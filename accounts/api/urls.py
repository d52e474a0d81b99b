from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/register", views.AuthRegisterApi.as_view(), name="auth-register"),
    path("auth/login", views.AuthLoginApi.as_view(), name="auth-login"),
    path("auth/wechat", views.AuthWeChatApi.as_view(), name="auth-wechat"),
    path("auth/refresh", views.AuthRefreshApi.as_view(), name="auth-refresh"),
    path("auth/logout", views.AuthLogoutApi.as_view(), name="auth-logout"),
    path("auth/web/register", views.WebRegisterApi.as_view(), name="auth-web-register"),
    path("auth/web/login", views.WebLoginApi.as_view(), name="auth-web-login"),
    path("auth/web/refresh", views.WebRefreshApi.as_view(), name="auth-web-refresh"),
    path("auth/web/logout", views.WebLogoutApi.as_view(), name="auth-web-logout"),
    path("me", views.MeApi.as_view(), name="me"),
    path("me/phone", views.PhoneApi.as_view(), name="me-phone"),
    path("users/<str:username>", views.UserDetailApi.as_view(), name="user-detail"),
    path("blocks", views.BlockListCreateApi.as_view(), name="blocks"),
    path("blocks/<int:block_id>", views.BlockDeleteApi.as_view(), name="block-delete"),
]
