"""docker-compose.yml and README.md stay in step with what settings read.

`docker` here is a client without an engine, so the compose file is checked by parsing it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from confessions_backend import settings as settings_module
from realtime.protocol import DOTTED_PATH

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "ws", "worker")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def environment_of(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return environment


def test_settings_know_the_variables_they_read():
    # The registry the other tests rely on is real, not empty.
    assert {"DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "DJANGO_SECRET_KEY"} <= (
        settings.ENVIRONMENT_VARIABLES
    )


def test_compose_sets_only_variables_settings_read(compose):
    for name in APP_SERVICES:
        variables = set(environment_of(compose["services"][name]))
        assert variables, f"{name} sets no environment"
        unknown = variables - settings.ENVIRONMENT_VARIABLES
        assert not unknown, f"{name} sets variables settings never read: {sorted(unknown)}"


def test_compose_app_services_share_the_production_configuration(compose):
    environments = [environment_of(compose["services"][name]) for name in APP_SERVICES]
    assert all(environment == environments[0] for environment in environments)
    environment = environments[0]
    assert environment["DJANGO_DEBUG"] == "0"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["DATABASE_URL"].split("@")[1].startswith("postgres:")
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert environment["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    for service in ("postgres", "redis", "minio", "create-bucket"):
        assert service in compose["services"]


def test_compose_migrates_once_before_the_app(compose):
    services = compose["services"]
    assert "migrate" in services["migrate"]["command"]
    for name in ("web", "ws", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["create-bucket"]["condition"] == "service_completed_successfully"


def test_compose_runs_a_worker_outside_the_servers(compose):
    services = compose["services"]
    assert services["worker"]["command"][:3] == ["python", "manage.py", "worker"]
    for name in APP_SERVICES:
        assert environment_of(services[name]).get("TASKS_WORKER_IN_SERVER", "0") == "0"


def nginx_locations(config: str) -> dict[str, str]:
    """`location` path -> the upstream it proxies to."""
    return dict(re.findall(r"location\s+(\S+)\s*\{[^}]*?proxy_pass\s+http://(\w+);", config))


def nginx_upstreams(config: str) -> dict[str, str]:
    """upstream name -> the compose service it names."""
    return dict(re.findall(r"upstream\s+(\w+)\s*\{\s*server\s+([\w-]+):\d+;", config))


def test_proxy_routes_websockets_to_asgi_and_the_rest_to_wsgi(compose):
    services = compose["services"]
    volume = next(v for v in services["proxy"]["volumes"] if "nginx" in v)
    config = (ROOT / volume.split(":")[0]).read_text()
    locations, upstreams = nginx_locations(config), nginx_upstreams(config)

    websocket_service = services[upstreams[locations["/ws/"]]]
    http_service = services[upstreams[locations["/"]]]
    assert websocket_service["command"][:2] == ["uvicorn", "confessions_backend.asgi:application"]
    assert "--ws-per-message-deflate=false" in websocket_service["command"]
    assert f"--ws={DOTTED_PATH}" in websocket_service["command"]  # realtime/protocol.py
    assert http_service["command"][:2] == ["gunicorn", "confessions_backend.wsgi:application"]
    ws_block = config[config.index("location /ws/") :]
    assert "proxy_set_header Upgrade $http_upgrade;" in ws_block.split("}")[0]


def test_readme_documents_every_variable_and_both_commands():
    readme = (ROOT / "README.md").read_text()
    table = (ROOT / "docs" / "configuration.md").read_text()
    missing = [name for name in settings.ENVIRONMENT_VARIABLES if f"`{name}`" not in table]
    assert not missing, f"docs/configuration.md's table lacks {missing}"
    assert "make run" in readme
    assert "make test" in readme


def test_compose_compresses_json_in_nginx_not_in_the_app(compose):
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"^\s*gzip on;", nginx, re.M)
    assert re.search(r"gzip_types[^;]*application/json", nginx)
    assert re.search(r"gzip_min_length 1024;", nginx)
    assert re.search(r"gzip_proxied any;", nginx)  # nginx sees every request via the proxy
    assert environment_of(compose["services"]["web"])["DJANGO_GZIP"] == "0"


def test_the_proxy_logs_no_query_strings():
    """Signed WeChat push URLs, cursors and socket tokens (?token=) stay out of nginx's log."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    formats = re.findall(r"log_format\s+(\w+)((?:\s+'[^']*')+)\s*;", conf)
    assert formats, "no log_format"
    used = re.findall(r"^\s*access_log\s+\S+\s+(\w+)\s*;", conf, re.MULTILINE)
    assert used
    assert set(used) <= {name for name, _ in formats}
    for _, text in formats:
        for variable in (
            "$request ",
            '$request"',
            "$request_uri",
            "$args",
            "$query_string",
            "$http_referer",
            "$arg_",
        ):
            assert variable not in text, variable


def test_compose_has_no_default_for_any_secret(compose, tmp_path):
    """`docker compose up` without a .env ran DJANGO_DEBUG=0 on keys published here: every
    secret is now required (${NAME:?...}) and bin/compose-env writes random ones."""
    text = (ROOT / "docker-compose.yml").read_text()
    secrets = ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD",
               "METRICS_TOKEN")  # fmt: skip
    for name in secrets:
        uses = re.findall(r"\$\{" + name + r"(:?[-?]?)", text)
        assert uses, name
        assert set(uses) == {":?"}, f"{name} has a default in docker-compose.yml"
    environment = environment_of(compose["services"]["web"])
    assert "AWS_SECRET_ACCESS_KEY" in environment
    assert environment["AWS_SECRET_ACCESS_KEY"].startswith("${MINIO_ROOT_PASSWORD:?")
    copy = tmp_path / "repo"
    (copy / "bin").mkdir(parents=True)
    (copy / "bin" / "compose-env").write_bytes((ROOT / "bin" / "compose-env").read_bytes())
    subprocess.run(["bash", str(copy / "bin" / "compose-env")], check=True, capture_output=True)
    written = dict(line.split("=", 1) for line in (copy / ".env").read_text().split())
    assert set(written) == set(secrets)
    assert len(set(written.values())) == len(secrets)
    assert all(
        len(value) >= 48 and not settings_module.published_key(value) for value in written.values()
    )
    assert (copy / ".env").stat().st_mode & 0o077 == 0


def test_compose_terminates_tls_and_scrapes_its_metrics(compose):
    """TLS was left to the operator and nothing read the metrics: Caddy now fronts the proxy
    (automatic HTTPS for SITE_ADDRESS) and Prometheus scrapes both app services with the
    token compose mounts as a secret, never written in a file of the repository."""
    tls = compose["services"]["tls"]
    assert {"80:80", "443:443"} <= set(tls["ports"])
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "{$SITE_ADDRESS}" in caddyfile
    assert "reverse_proxy proxy:8080" in caddyfile
    prometheus = compose["services"]["prometheus"]
    assert prometheus["secrets"] == ["metrics_token"]
    assert compose["secrets"]["metrics_token"] == {"environment": "METRICS_TOKEN"}
    assert all(port.startswith("127.0.0.1:") for port in prometheus["ports"])
    config = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    [job] = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["authorization"] == {
        "type": "Bearer",
        "credentials_file": "/run/secrets/metrics_token",
    }
    assert job["static_configs"][0]["targets"] == ["web:8000", "ws:8001"]
    assert environment_of(compose["services"]["web"])["METRICS_TOKEN"].startswith(
        "${METRICS_TOKEN:?"
    )


def test_make_test_is_what_ci_runs():
    """`make test` skipped 37 tests on a fresh machine (no browser, no wrk, no services) while
    CI ran them: the README's command now finds or starts what the suite needs and lets no
    test skip, and CI runs exactly it."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "bin/test-services" in recipe
    assert "REQUIRE_SERVICES=1" in recipe
    assert "S3_TESTS=1" in recipe
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "pytest" not in ci.replace("make test", "")
    services = (ROOT / "bin" / "test-services").read_text()
    for needed in ("chromium", "wrk", "msgfmt", "redis-server", "pg_ctlcluster"):
        assert needed in services, needed


def test_the_readme_points_inside_the_repository():
    """The README is short and links the rest (docs/); every link of both resolves."""
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        text = page.read_text()
        if page.name != "DESIGN.md":
            assert "../shared" not in text, page
        for link in re.findall(r"\]\(([^)#]+)\)", text):
            if not link.startswith("http"):
                assert (page.parent / link).exists(), (page, link)
    assert "Staff status" in readme  # moderators need it to enter the admin


def test_the_formatter_wins_in_app_code():
    """No `# fmt: skip` in app code (tests and the bench may align a table by hand)."""
    files = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()  # fmt: skip
    app = [name for name in files if not name.startswith(("tests/", "bench/"))]
    assert len(app) > 100
    skipping = [name for name in app if "# fmt: skip" in (ROOT / name).read_text()]
    assert not skipping, skipping


def test_where_each_rule_lives_names_modules_and_names_that_exist():
    """docs/architecture.md answers "who may see this" with a module and its names: each is
    there (a rename that forgets the page fails here)."""
    import importlib

    page = (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text()
    table = page.split("## Where each rule lives", 1)[1].split("\n## ", 1)[0]
    checked = 0
    for row in table.splitlines()[2:]:
        if not row.startswith("|"):
            continue
        place = row.rsplit("|", 2)[-2]
        for path, names in re.findall(r"`([\w/]+\.py)`(?:: ((?:`\w+`[^`|]*)+))?", place):
            assert (Path(settings.BASE_DIR) / path).is_file(), path
            module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
            for name in re.findall(r"`(\w+)`", names or ""):
                assert hasattr(module, name), f"{path} has no {name}"
                checked += 1
    assert checked >= 10


def test_the_image_carries_pg_dump_of_the_servers_major(compose):
    """`manage.py backup` runs pg_dump in the app image (compose, the Kubernetes CronJob), and a
    pg_dump older than its server refuses to dump it: the image's PostgreSQL client is the
    compose server's major (Debian's own client, 15, is not)."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    client = re.search(r"^ARG PG_MAJOR=(\d+)$", dockerfile, re.M)
    assert client, "the Dockerfile names the PostgreSQL major of its client (ARG PG_MAJOR)"
    assert '"postgresql-client-${PG_MAJOR}"' in dockerfile
    assert "apt.postgresql.org.sh" in dockerfile  # PGDG: Debian's repository stops at 15
    server = re.fullmatch(r"postgres:(\d+)(?:[.-].*)?", compose["services"]["postgres"]["image"])
    assert server, compose["services"]["postgres"]["image"]
    assert client.group(1) == server.group(1)


def test_compose_makes_the_bucket_backups_go_to(compose):
    """BACKUP_BUCKET's default is `<AWS_STORAGE_BUCKET_NAME>-backups`: the bucket compose makes,
    versioned, so `manage.py backup` has somewhere to write."""
    bucket = environment_of(compose["services"]["web"])["AWS_STORAGE_BUCKET_NAME"]
    script = " ".join(compose["services"]["create-bucket"]["entrypoint"])
    assert f"mc mb --ignore-existing --with-versioning local/{bucket}-backups" in script
    assert f"mc anonymous set none local/{bucket}-backups" in script
