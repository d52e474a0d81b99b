"""The documented entry points answer: OpenAPI schema, Swagger UI, admin, the WSGI app."""

from __future__ import annotations

import io

import pytest
import yaml


def test_openapi_schema_is_openapi_3(client):
    response = client.get("/api/schema")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Confessions API"


def test_swagger_ui_is_self_hosted(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


@pytest.mark.django_db
def test_admin_login_page(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"Django administration" in response.content or b"Log in" in response.content


@pytest.mark.django_db
def test_wsgi_application_serves_http():
    from confessions_backend.wsgi import application

    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert body == b'{"status": "ok"}'
