from django.urls import path

from webclient import views

app_name = "webclient"
urlpatterns = [
    path("", views.root, name="root"),
    path("app/", views.app_shell, name="app"),
    path("s/<str:token>", views.share_landing, name="share"),
    path("u/<str:handle>", views.link_landing, name="inbox-link"),
]
