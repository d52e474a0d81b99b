"""The TypeScript SDK (clients/js): its generated parts are the code's, it type-checks against
miniprogram-api-typings, and its `wx` adapter carries a mini program's whole journey against
a real server (clients/js/test/journey.test.mjs, run by Node's test runner)."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest
from PIL import Image

from tests.servers import AsgiServer, image_check_passed, mini_program_environment

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "clients" / "js"
TEMPLATE = "TPL_RECEIVED"

pytestmark = [pytest.mark.service("node")]


def run(command: list[str], *, cwd: Path = ROOT, env: dict | None = None, timeout: int = 300):
    try:
        return subprocess.run(  # noqa: S603 - our own commands
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode() + (exc.stderr or b"").decode()
        raise AssertionError(f"{command} ran past {timeout} s:\n{output[-20_000:]}") from None


def test_the_generated_types_and_the_bundle_are_the_codes(tmp_path):
    """bin/sdk-build regenerates them; what is committed must be what it writes."""
    result = run([str(ROOT / "bin" / "sdk-build"), str(tmp_path)])
    assert result.returncode == 0, result.stderr
    stale = [
        name
        for name, committed in (
            ("schema.d.ts", SDK / "src" / "schema.d.ts"),
            ("confessions.js", SDK / "dist" / "confessions.js"),
        )
        if (tmp_path / name).read_bytes() != committed.read_bytes()
    ]
    assert not stale, f"run bin/sdk-build and commit: {stale} are stale"


def test_the_sdk_type_checks_against_the_mini_program_typings():
    result = run(["npx", "--no-install", "tsc", "--noEmit", "-p", "."], cwd=SDK)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_call_the_schema_does_not_allow_does_not_compile(tmp_path):
    """The types are not `any`: a wrong body, a path that is not the API's and a misspelled
    error code are compile errors."""
    probe = SDK / "src" / f"probe_{os.getpid()}.ts"
    probe.write_text(
        'import { createClient, browserAdapter, ApiError, ErrorCode } from "./index";\n'
        'import type { operations } from "./schema";\n'
        'const api = createClient({ baseUrl: "https://x", adapter: browserAdapter() });\n'
        'api.post("/confessions", { body: { body: 12 } });\n'
        'api.get("/no/such/path");\n'
        'const code: ErrorCode<operations["walls_join"]> = "not_a_code";\n'
        'const fine: ErrorCode<operations["walls_join"]> = "invalid_invite_code";\n'
        "export { ApiError, code, fine };\n"
    )
    try:
        result = run(["npx", "--no-install", "tsc", "--noEmit", "-p", "."], cwd=SDK)
    finally:
        probe.unlink()
    errors = [line for line in result.stdout.splitlines() if probe.name in line]
    assert result.returncode != 0
    assert len(errors) == 3, result.stdout
    assert [line.split(",")[0].split("(")[1] for line in errors] == ["4", "5", "6"], errors


def wechat_passes_each_image(server, wechat, openid: str, done: threading.Event) -> None:
    """WeChat's part: each image the server hands to its check is judged `pass`, pushed back
    to /wechat/push as WeChat pushes it (the photo's confession is delivered then)."""
    judged: set[str] = set()
    while not done.wait(0.05):
        for trace_id in [t for t in wechat.trace_ids if t not in judged]:
            judged.add(trace_id)
            image_check_passed(server.http_url, trace_id, openid)


@pytest.fixture
def server(tmp_path, s3_server, wechat):
    server = AsgiServer(
        tmp_path,
        env={
            **mini_program_environment(s3_server, wechat, TEMPLATE),
            # Short tokens: the socket's renewal comes 5 s after it opens.
            "JWT_ACCESS_MINUTES": "1",
            # Two looks at one share link a second: the third is a 429 of a second.
            "SHARED_LINK_THROTTLE_RATE": "2/s",
        },
    )
    yield server
    server.stop()


@pytest.mark.service("postgres")
@pytest.mark.service("redis")
@pytest.mark.service("s3")
@pytest.mark.django_db(transaction=True)
def test_a_mini_programs_journey_through_the_wx_adapter(server, wechat, tmp_path):
    photo = tmp_path / "tmp_3f9a.png"
    Image.effect_noise((320, 240), 60).convert("RGB").save(photo)
    busy = wechat.issue_code("busy-openid")
    wechat.fail_next(-1, path="/sns/jscode2session")
    env = {
        **os.environ,
        "SERVER_URL": server.http_url,
        "BUSY_CODE": busy,
        "ALICE_CODE": wechat.issue_code("alice-openid"),
        "BOB_CODE": wechat.issue_code("bob-openid"),
        "PHOTO_PATH": str(photo),
        "TEMPLATE_ID": TEMPLATE,
    }
    verdicts = threading.Event()
    wechat_pushes = threading.Thread(
        target=wechat_passes_each_image, args=(server, wechat, "alice-openid", verdicts)
    )
    wechat_pushes.start()
    try:
        result = run(
            ["node", "--test", "--test-reporter=spec", "--test-timeout=120000",
             "test/journey.test.mjs"],
            cwd=SDK, env=env, timeout=180,
        )  # fmt: skip
    finally:
        verdicts.set()
        wechat_pushes.join()
    report = result.stdout[-20_000:] + result.stderr[-5_000:]
    assert result.returncode == 0, report
    assert "# fail 0" in result.stdout or "ℹ fail 0" in result.stdout, report
    assert "a 429 is waited out" in result.stdout, report
