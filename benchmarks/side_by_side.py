"""Issue 11's targets measured side by side with django-helpdesk 2.6.1, in one interleaved run.

Sets up the peer (../shared/bench/peer-helpdesk/setup.sh, then its load_peer.py: 100,000
tickets), loads ours (benchmarks/load_portal.py: 100,000 appeals), starts our gunicorn (2 sync
workers, DEBUG off, PostgreSQL, Redis, the privacy logger) on 127.0.0.1:8102 next to the peer's
on :8101 (2 sync workers), logs in to both admins as a superuser, then runs wrk against each
pair of pages, interleaved (ours, peer, ours, peer, …) for --rounds rounds, and prints the
medians, each ratio against its target, and the machine's load before and after. The same
table, the raw runs and the commands are written to the results file.

Usage: .venv/bin/python benchmarks/side_by_side.py [--duration 10] [--connections 8]
         [--threads 2] [--rounds 3] [--only changelist,number,iin,phone,word_ru,word_kk,
         form_get,post] [--skip-setup] [--results FILE]
Environment (each also an option): DURATION, CONNECTIONS, ROUNDS; PEER_DIR (default
/tmp/peers), DATABASE_URL (default postgres://postgres@127.0.0.1:5432/pkop_bench), REDIS_URL
(default redis://127.0.0.1:6379/12, flushed), PORT (default 8102), BENCH_ADMIN_PASSWORD,
PEER_SOURCE (the peer's scripts, default ../shared/bench/peer-helpdesk next to the checkout).
Needs wrk (apt-get install -y wrk), PostgreSQL on 127.0.0.1 and root (the peer's set-up uses
`su postgres`). Exit status 1 if a measured request failed (4xx/5xx answer, socket timeout),
a run completed no request, or a POST run created fewer records than it sent; the table is
printed and written anyway. benchmarks/README.md describes each row.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER_SOURCE = Path(
    os.environ.get("PEER_SOURCE", ROOT / ".." / "shared" / "bench" / "peer-helpdesk")
).resolve()
PEER_PORT = 8101
PEER_ADMIN = ("hdadmin", "BenchAdmin-2026-perf!")  # made by load_peer.py
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def env_default(name, default):
    return type(default)(os.environ.get(name, default))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=env_default("DURATION", 10))
    parser.add_argument("--connections", type=int, default=env_default("CONNECTIONS", 8))
    parser.add_argument("--threads", type=int, default=env_default("THREADS", 2))
    parser.add_argument("--rounds", type=int, default=env_default("ROUNDS", 3))
    parser.add_argument("--port", type=int, default=env_default("PORT", 8102))
    parser.add_argument("--only", default="", help="comma-separated test names (see --list)")
    parser.add_argument("--list", action="store_true", help="list the tests and exit")
    parser.add_argument(
        "--skip-setup",
        action="store_true",
        help="the peer is set up and both databases loaded: start the servers and measure",
    )
    parser.add_argument("--results", default="", help="results file (default under /tmp)")
    return parser.parse_args()


# ----- Processes ------------------------------------------------------------------------------


def log(message):
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(command, **kwargs):
    kwargs.setdefault("check", True)
    return subprocess.run(command, text=True, **kwargs)


def loadavg():
    return Path("/proc/loadavg").read_text().strip()


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop_pid(pid, *, group=False):
    """SIGTERM the process (or its session group) we started, then wait for it to go."""
    try:
        os.killpg(pid, signal.SIGTERM) if group else os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        if not pid_alive(pid):
            return
        time.sleep(0.1)


def wait_http(port, path, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if request(port, "GET", path)[0] < 500:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"nothing answers on 127.0.0.1:{port}{path}")


# ----- HTTP with cookies (stdlib) -------------------------------------------------------------


def request(port, method, path, *, cookies=None, body=None, headers=None):
    """(status, headers, text) of one request; cookies given as a dict are sent."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    head = dict(headers or {})
    if cookies:
        head["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        head["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=head)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, response.getheaders(), text


def set_cookies(headers, jar):
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            jar[key.strip()] = val.strip()


def hidden_inputs(page):
    found = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            found.setdefault(name[1], value[1] if value else "")
    return found


def login(port, path, username, password):
    """A logged-in admin session's cookies (login form POST with its CSRF token)."""
    jar = {}
    status, headers, page = request(port, "GET", path)
    set_cookies(headers, jar)
    fields = hidden_inputs(page)
    fields.update({"username": username, "password": password})
    status, headers, _ = request(
        port,
        "POST",
        path,
        cookies=jar,
        body=urllib.parse.urlencode(fields),
        headers={"Referer": f"http://127.0.0.1:{port}{path}"},
    )
    set_cookies(headers, jar)
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"login to 127.0.0.1:{port}{path} as {username} failed ({status})")
    return jar


def rows_on_page(page):
    """Rows of an admin changelist page's result table (None: not a changelist)."""
    start = page.find('id="result_list"')
    if start < 0:
        return 0 if 'id="changelist"' in page else None
    table = page[start : page.find("</table>", start)]
    return max(len(re.findall(r"<tr[ >]", table)) - 1, 0)


def drain(port, path, cookies=None, seconds=180):
    """Wait until the server has finished the requests wrk left queued when it stopped (sync
    workers finish an abandoned request): two probes in a row answered quickly."""
    deadline, quick = time.time() + seconds, 0
    while time.time() < deadline and quick < 2:
        began = time.time()
        request(port, "GET", path, cookies=cookies)
        quick = quick + 1 if time.time() - began < 0.5 else 0


# ----- wrk ---------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output):
    def number(pattern, default=0.0):
        match = re.search(pattern, output)
        return float(match[1]) if match else default

    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", output)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": float(p50[1]) * UNITS[p50[2]] if p50 else None,
        "requests": int(number(r"(\d+) requests in")),
        "non2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "timeouts": int(timeouts[1]) if timeouts else 0,
    }


def wrk(args, url, *, cookies=None, script=None):
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    command += ["--latency", "--timeout", "60s"]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    if script:
        command += ["-s", script]
    done = run(command + [url], capture_output=True, check=False)
    out = done.stdout + done.stderr
    return parse_wrk(out), out


# ----- Our public POST: a fresh form key and IIN per request -------------------------------

POST_LUA = r"""
-- One appeal per request: each takes its own line (form key, IIN) of the keys file made for
-- this run by pkop_portal.forms.new_form_key(), so no request is a resend of another.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  keys = {}
  for line in io.lines("%(keys)s") do keys[#keys + 1] = line end
  nthreads = %(nthreads)d
  index = tid
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["Referer"] = "%(referer)s"
local body = "%(body)s"
function request()
  local line = keys[index]
  if line == nil then
    index = tid  -- out of keys: repeats are resends (the count check below reports it)
    line = keys[index]
  end
  index = index + nthreads
  local key, iin = line:match("(%%S+) (%%S+)")
  return wrk.format(nil, nil, nil, body .. "&form_key=" .. key .. "&iin=" .. iin)
end
"""


def make_keys(env, files, count):
    """Write `count` lines "form_key iin" to each file: keys made by the portal's own
    new_form_key() (so they stay valid if it starts signing them) and valid, distinct IINs."""
    code = f"""
import random, sys
from pkop_portal.forms import new_form_key
from pkop_portal.validators import kz_check_digit
rng = random.Random()
for path in {[str(f) for f in files]!r}:
    with open(path, "w") as out:
        made = 0
        while made < {count}:
            first = f"{{rng.randrange(60, 100):02d}}{{rng.randrange(1, 13):02d}}"
            first += f"{{rng.randrange(1, 29):02d}}3{{rng.randrange(10000):04d}}"
            digit = kz_check_digit(first)
            if digit is None:
                continue
            out.write(f"{{new_form_key()}} {{first}}{{digit}}\\n")
            made += 1
"""
    run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def prepare_post(args, env, workdir):
    """The lua script body for our POST: one CSRF cookie and token (a browser tab's), the
    form's hidden fields, an applicant filling it in; form key and IIN per request."""
    port = args.port
    jar = {}
    status, headers, page = request(port, "GET", "/ru/appeals/new/")
    set_cookies(headers, jar)
    fields = hidden_inputs(page)
    fields.pop("form_key", None)
    category = re.search(r'<select[^>]*name="category"[^>]*>.*?<option value="(\d+)"', page, re.S)
    fields.update(
        {
            "applicant_type": "individual",
            "full_name": "Нурланов Ерлан",
            "address": "г. Шымкент, мкр. Нурсат, д. 12, кв. 5",
            "email": "bench.citizen@example.kz",
            "preferred_contact": "email",
            "kind": "statement",
            "category": category[1] if category else "1",
            "subject": "Запах со стороны завода в мкр. Нурсат",
            "text": "Чувствуется запах по вечерам. Прошу принять меры и ответить письменно.",
            "consent": "on",
            "website": "",
        }
    )
    body = urllib.parse.urlencode(fields)
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    count = max(5000, args.duration * 1500)
    files = [workdir / f"keys_{i}.txt" for i in range(args.rounds + 1)]
    make_keys(env, files, count)
    scripts = []
    for keys in files:
        script = workdir / (keys.stem + ".lua")
        script.write_text(
            POST_LUA
            % {
                "keys": keys,
                "nthreads": args.threads,
                "cookie": cookie,
                "referer": f"http://127.0.0.1:{port}/ru/appeals/new/",
                "body": body,
            }
        )
        scripts.append(script)
    # The first file checks one submission by hand: it must register (302 to the receipt).
    key, iin = files[0].read_text().split("\n", 1)[0].split()
    status, _, text = request(
        port,
        "POST",
        "/ru/appeals/new/",
        cookies=jar,
        body=body + "&" + urllib.parse.urlencode({"form_key": key, "iin": iin}),
        headers={"Referer": f"http://127.0.0.1:{port}/ru/appeals/new/"},
    )
    if status != 302:
        errors = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>([^<]+)', text)
        raise SystemExit(f"our appeal POST answered {status}, not 302: {errors[:5]}")
    return scripts[1:], count


def psql_count(url, sql):
    return int(run(["psql", url, "-qAtc", sql], capture_output=True).stdout.strip() or 0)


# ----- The tests -------------------------------------------------------------------------------


def tests(terms, peer_terms):
    """(name, what, our path, peer key, target ratio); peer pages by key."""
    q = urllib.parse.quote
    ours_admin = "/ru/admin/appeals/appeal/"
    peer_admin = "/admin/helpdesk/ticket/"
    peer = {
        "changelist": ("GET", peer_admin),
        "id": ("GET", f"{peer_admin}?q={peer_terms['search_id']}"),
        "email": ("GET", f"{peer_admin}?q={q(peer_terms['search_email'])}"),
        "word": ("GET", f"{peer_admin}?q={q(peer_terms['search_word'])}"),
        "form_get": ("GET", "/tickets/submit/"),
        "post": ("POST", "/tickets/submit/"),
    }
    ours = [
        ("changelist", "admin changelist", ours_admin, "changelist", 10),
        ("number", "admin search: number / id", f"{ours_admin}?q={q(terms['number'])}", "id", 10),
        ("iin", "admin search: IIN / e-mail", f"{ours_admin}?q={q(terms['iin'])}", "email", 10),
        (
            "phone",
            "admin search: phone / e-mail",
            f"{ours_admin}?q={q(terms['phone'])}",
            "email",
            10,
        ),
        (
            "word_ru",
            "admin search: Russian word / English word",
            f"{ours_admin}?q={q(terms['word_ru'])}",
            "word",
            10,
        ),
        (
            "word_kk",
            "admin search: Kazakh word / English word",
            f"{ours_admin}?q={q(terms['word_kk'])}",
            "word",
            10,
        ),
        ("form_get", "public form GET", "/ru/appeals/new/", "form_get", 10),
        ("post", "public form POST", "/ru/appeals/new/", "post", 5),
    ]
    return ours, peer


# ----- Set-up ------------------------------------------------------------------------------


def our_env(args):
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pkop_portal.settings",
            "DJANGO_IGNORE_DOTENV": "true",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECRET_KEY": os.environ.get(
                "BENCH_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
            ),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": os.environ.get(
                "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pkop_bench"
            ),
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"),
            # One client machine sends every form: lift the per-IP limit (as appeals.sh does).
            "APPEALS_SUBMIT_RATE": "100000000/h",
        }
    )
    return env


def setup_peer(peer_dir, *, load):
    pid_file = peer_dir / "hd_gunicorn.pid"
    if pid_file.exists() and pid_alive(int(pid_file.read_text())):
        log("stopping the peer's earlier gunicorn")
        stop_pid(int(pid_file.read_text()), group=True)
    env = os.environ.copy()
    env.update({"PEER_DIR": str(peer_dir), "PEER_WORKERS": "2"})
    if load:
        log("peer: setup.sh")
        run(["bash", str(PEER_SOURCE / "setup.sh")], env=env, stdout=subprocess.DEVNULL)
        log("peer: load_peer.py (100,000 tickets; skipped if its marker exists)")
        env.update({"PGDB": "hdpeer", "DJANGO_SETTINGS_MODULE": "hdsite.settings_peer"})
        done = run(
            [str(peer_dir / "hd" / "bin" / "python"), str(PEER_SOURCE / "load_peer.py")],
            cwd=peer_dir / "hdsite",
            env=env,
            check=False,
            capture_output=True,
        )
        if done.returncode and "already loaded" not in done.stderr:
            stop_pid(int(pid_file.read_text()), group=True)  # setup.sh started it
            raise SystemExit(f"load_peer.py failed:\n{done.stderr}")
    else:
        # The peer's gunicorn alone, as setup.sh starts it.
        env.update({"PGDB": "hdpeer", "DJANGO_SETTINGS_MODULE": "hdsite.settings_peer"})
        with open(peer_dir / "hd_gunicorn.log", "a") as out:
            server = subprocess.Popen(
                [
                    str(peer_dir / "hd" / "bin" / "gunicorn"),
                    "hdsite.wsgi",
                    "-b",
                    f"127.0.0.1:{PEER_PORT}",
                    "-w",
                    "2",
                    "--no-control-socket",
                    "--access-logfile",
                    "/dev/null",
                ],
                cwd=peer_dir / "hdsite",
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        pid_file.write_text(str(server.pid))
    wait_http(PEER_PORT, "/tickets/submit/")
    return int(pid_file.read_text()), json.loads((peer_dir / "peer_loaded.json").read_text())


def vacuum_peer():
    # Ours is vacuumed by its loader; the peer's loader only analyses: vacuum both alike.
    for table in ("helpdesk_ticket", "helpdesk_followup"):
        run(
            [
                "psql",
                "postgres://postgres@127.0.0.1:5432/hdpeer",
                "-qc",
                f"VACUUM (ANALYZE) {table}",
            ]
        )


def setup_ours(args, env, *, load):
    if load:
        log("ours: load_portal.py (100,000 appeals; skipped if its marker is valid)")
        out = run([PYTHON, "benchmarks/load_portal.py"], cwd=ROOT, env=env, capture_output=True)
        info = json.loads(out.stdout)
    else:
        out = run(
            [PYTHON, "benchmarks/load_portal.py", "--no-migrate"],
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        info = json.loads(out.stdout)
    log("ours: migrate, collectstatic, compilemessages")
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env)
    run(
        [PYTHON, "manage.py", "compilemessages", "--ignore=.venv", "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    run(["redis-cli", "-u", env["REDIS_URL"], "flushdb"], stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "pkop_portal.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--logger-class",
            "pkop_portal.gunicorn_logging.PrivacyLogger",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    wait_http(args.port, "/healthz")
    return server, info


# ----- Main ---------------------------------------------------------------------------------


def fmt_ms(value):
    if value is None:
        return "-"
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def main():
    args = parse_args()
    if args.list:
        for name, what, *_ in tests(
            dict.fromkeys(("number", "iin", "phone", "word_ru", "word_kk"), "x"),
            {"search_id": 1, "search_email": "x", "search_word": "x"},
        )[0]:
            print(f"{name:12} {what}")
        return 0
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 1
    started = time.time()
    peer_dir = Path(os.environ.get("PEER_DIR", "/tmp/peers"))
    results = Path(
        args.results
        or f"/tmp/pkop_bench_results/side_by_side_{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
    )
    results.parent.mkdir(parents=True, exist_ok=True)
    load_before = loadavg()
    log(f"loadavg {load_before}; {os.cpu_count()} cores")
    env = our_env(args)
    workdir = Path(tempfile.mkdtemp(prefix="pkop_side_by_side_"))
    ours_server = None
    peer_pid = None
    try:
        peer_pid, peer_terms = setup_peer(peer_dir, load=not args.skip_setup)
        if not args.skip_setup:
            vacuum_peer()
        ours_server, info = setup_ours(args, env, load=not args.skip_setup)
        terms = info["search"]
        setup_seconds = time.time() - started
        log(f"set-up done in {setup_seconds:.0f} s; logging in")
        ours_cookies = login(
            args.port,
            "/ru/admin/login/",
            "benchadmin",
            os.environ.get("BENCH_ADMIN_PASSWORD", "BenchAdmin-2026-perf!"),
        )
        peer_cookies = login(PEER_PORT, "/admin/login/", *PEER_ADMIN)
        ours_tests, peer_pages = tests(terms, peer_terms)
        if args.only:
            wanted = set(args.only.split(","))
            ours_tests = [t for t in ours_tests if t[0] in wanted]
        post_scripts, keys_per_run = ([], 0)
        if any(t[0] == "post" for t in ours_tests):
            post_scripts, keys_per_run = prepare_post(args, env, workdir)

        # Warm both up and check every page answers (and how many rows the admin pages show).
        checks = {}
        for name, _, path, peer_key, _ in ours_tests:
            if name == "post":
                continue
            for _ in range(2):
                status, _, page = request(args.port, "GET", path, cookies=ours_cookies)
            checks[f"ours {name}"] = (status, rows_on_page(page))
            method, peer_path = peer_pages[peer_key]
            if method == "GET":
                for _ in range(2):
                    status, _, page = request(PEER_PORT, "GET", peer_path, cookies=peer_cookies)
                checks[f"peer {peer_key}"] = (status, rows_on_page(page))
        bad = {k: v for k, v in checks.items() if v[0] != 200}
        if bad:
            raise SystemExit(f"pages not answering 200: {bad}")

        runs = {}  # ("ours", name) / ("peer", key) -> [parsed wrk results]
        raw, posts, odd_outputs = [], [], []
        peer_db = "postgres://postgres@127.0.0.1:5432/hdpeer"
        count_sql = {
            "ours": (env["DATABASE_URL"], "select count(*) from appeals_appeal"),
            "peer": (peer_db, "select count(*) from helpdesk_ticket"),
        }
        probes = {
            "ours": (args.port, "/healthz", None),
            "peer": (PEER_PORT, "/admin/login/", None),
        }

        def measure(side, key, round_no, url, *, cookies=None, script=None):
            if script:
                before = psql_count(*count_sql[side])
            result, out = wrk(args, url, cookies=cookies, script=script)
            drain(*probes[side])
            if script:
                made = psql_count(*count_sql[side]) - before
                posts.append((side, round_no, result["requests"], made))
            if not result["requests"]:
                odd_outputs.append(f"round {round_no} {side} {key}:\n{out}")
            runs.setdefault((side, key), []).append(result)
            raw.append((round_no, f"{side} {key}", result))
            log(
                f"round {round_no} {side} {key}: {result['rps']:.1f} req/s "
                f"p50 {fmt_ms(result['p50_ms'])}"
            )

        ours_base = f"http://127.0.0.1:{args.port}"
        peer_base = f"http://127.0.0.1:{PEER_PORT}"
        for round_no in range(1, args.rounds + 1):
            done_peer = set()
            for name, _, path, peer_key, _ in ours_tests:
                if name == "post":
                    script = str(post_scripts[round_no - 1])
                    measure("ours", name, round_no, ours_base + path, script=script)
                else:
                    measure("ours", name, round_no, ours_base + path, cookies=ours_cookies)
                if peer_key in done_peer:
                    continue
                done_peer.add(peer_key)
                method, peer_path = peer_pages[peer_key]
                if method == "POST":
                    script = str(peer_dir / "hd_post.lua")
                    measure("peer", peer_key, round_no, peer_base + peer_path, script=script)
                else:
                    url = peer_base + peer_path
                    measure("peer", peer_key, round_no, url, cookies=peer_cookies)
        load_after = loadavg()

        def median(side, key, field):
            values = [r[field] for r in runs[(side, key)] if r[field] is not None]
            return statistics.median(values) if values else None

        header = (
            "what",
            "ours req/s",
            "ours p50",
            "peer req/s",
            "peer p50",
            "ratio",
            "target",
            "met?",
            "each round",
        )
        rows = []
        for name, what, _, peer_key, target in ours_tests:
            ours_rps, peer_rps = median("ours", name, "rps"), median("peer", peer_key, "rps")
            ratio = ours_rps / peer_rps if peer_rps else float("inf")
            # The ratio within each round (ours and the peer measured next to each other).
            rounds = zip(runs[("ours", name)], runs[("peer", peer_key)], strict=False)
            each = " / ".join(f"{o['rps'] / p['rps']:.1f}" if p["rps"] else "-" for o, p in rounds)
            rows.append(
                (
                    what,
                    f"{ours_rps:.1f}",
                    fmt_ms(median("ours", name, "p50_ms")),
                    f"{peer_rps:.1f}",
                    fmt_ms(median("peer", peer_key, "p50_ms")),
                    f"{ratio:.2f}×",
                    f"≥ {target}×",
                    "yes" if ratio >= target else "no",
                    each,
                )
            )
        failures = [
            f"round {r} {who}: {res['non2xx']} non-2xx/3xx, {res['timeouts']} timeouts"
            for r, who, res in raw
            if res["non2xx"] or res["timeouts"]
        ]
        failures += [
            f"round {r} {side} POST: {sent} requests, {made} records created"
            for side, r, sent, made in posts
            if made < sent
        ]
        failures += [
            f"round {r} ours POST: {sent} requests > {keys_per_run} keys (resends)"
            for side, r, sent, _ in posts
            if side == "ours" and sent > keys_per_run
        ]
        lines = [
            "| " + " | ".join(header) + " |",
            "| " + " | ".join("---" for _ in header) + " |",
            *("| " + " | ".join(row) + " |" for row in rows),
        ]
        failures += [f"{o.splitlines()[0]} no request completed" for o in odd_outputs]

        def shell(*command):
            return run(list(command), cwd=ROOT, capture_output=True).stdout.strip()

        changed = len(shell("git", "status", "--porcelain").splitlines())
        our_terms = {k: terms[k] for k in ("number", "iin", "phone", "word_ru", "word_kk")}
        their_terms = {k: peer_terms[k] for k in ("search_id", "search_email", "search_word")}
        summary = [
            f"# Side by side with django-helpdesk 2.6.1, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            "",
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --timeout 60s, "
            f"{args.rounds} rounds interleaved (ours, peer), medians; gunicorn 2 sync workers "
            f"each, PostgreSQL 15, nproc {shell('nproc')}",
            f"loadavg before: {load_before}",
            f"loadavg after:  {load_after}",
            f"set-up {setup_seconds:.0f} s, total {time.time() - started:.0f} s; "
            f"git {shell('git', 'rev-parse', '--short', 'HEAD')} + {changed} changed files",
            f"command: {' '.join([sys.executable, *sys.argv])}",
            "",
            *lines,
            "",
            "Search terms: ours " + json.dumps(our_terms, ensure_ascii=False),
            "  peer " + json.dumps(their_terms),
            "Rows on the first admin page (status, rows): " + json.dumps(checks),
            "POST runs (side, round, requests, records created): " + json.dumps(posts),
            "Failures: " + ("; ".join(failures) if failures else "none"),
            "",
            "Runs (round, what: req/s, p50 ms, requests, non-2xx/3xx, timeouts):",
            *(
                f"  {r} {who}: {res['rps']:.1f}, {res['p50_ms']}, {res['requests']}, "
                f"{res['non2xx']}, {res['timeouts']}"
                for r, who, res in raw
            ),
            *odd_outputs,
        ]
        text = "\n".join(summary) + "\n"
        print()
        print(text)
        results.write_text(text)
        print(f"written to {results}")
        return 1 if failures else 0
    finally:
        if ours_server is not None:
            stop_pid(ours_server.pid, group=True)
        if peer_pid is not None:
            stop_pid(peer_pid, group=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
