"""``refparse serve`` as a user runs it, and the wheel carrying the page's templates and scripts."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from refparse.cli import main
from refparse.web.guard import CSP
from web_data import SEED_TEXT

ROOT = Path(__file__).resolve().parent.parent


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "refparse.cli", "serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
    )


def first_line(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "refparse serve printed nothing"
    return proc.stdout.readline()


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    return proc.returncode, err


def listening(port: int) -> list[str]:
    """The IPv4 addresses a port is listened on, from the kernel's socket table."""
    out = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            out.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return out


def test_serve_prints_its_url_binds_loopback_and_answers() -> None:
    proc = serve("--port", "0", env={"REFPARSE_MAILTO": ""})
    try:
        line = first_line(proc)
        assert line.startswith("refparse: the review page is at http://127.0.0.1:")
        url = line.split(" at ")[1].split(" ")[0]
        with urllib.request.urlopen(url) as r:
            assert r.status == 200 and r.headers["content-security-policy"] == CSP
            assert "Paste a reference list" in r.read().decode()
        body = json.dumps({"text": SEED_TEXT}).encode()
        request = urllib.request.Request(url + "api/parse", body, {"content-type": "application/json"})
        with urllib.request.urlopen(request) as r:
            assert len(json.load(r)["citations"]) == 68
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        assert listening(port) == ["127.0.0.1"]  # loopback only, not every interface
    finally:
        code, err = stop(proc)
    assert code == 0
    assert err.endswith("refparse: stopped; what was pasted is gone with the server\n")
    assert SEED_TEXT[:200] not in err  # nothing pasted is logged


def test_serve_refuses_a_port_in_use_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"refparse: cannot listen on 127.0.0.1 port {port}: ") and "choose another --port" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--page-size", "0"], "--page-size must be at least 1", id="page-size"),
        pytest.param(["--max-size", "0"], "--max-size must be more than 0", id="max-size"),
        pytest.param(["--mailto", "nobody"], "mailto must be an e-mail address", id="mailto"),
        pytest.param(["--port", "70000"], "--port 70000 is not a port", id="port"),
    ],
)
def test_serve_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", *args]) == 2
    assert message in capsys.readouterr().err


def test_serve_warns_when_published_beyond_this_machine() -> None:
    proc = serve("--host", "0.0.0.0", "--port", "0")
    try:
        assert "http://0.0.0.0:" in first_line(proc)
    finally:
        _, err = stop(proc)
    assert "anyone who can reach this machine can use the page" in err


def test_wheel_ships_the_templates_and_scripts_and_serves_from_a_plain_install(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = wheels.glob("refparse-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.name for p in (ROOT / "src/refparse/web/templates").iterdir()}
    static = {p.name for p in (ROOT / "src/refparse/web/static").iterdir()}
    assert {f"refparse/web/templates/{n}" for n in templates} <= names
    assert {f"refparse/web/static/{n}" for n in static} <= names
    assert {"refparse/web/static/htmx.min.js", "refparse/web/static/htmx.LICENSE.txt"} <= names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = (
        "import refparse.web, json;"
        "from starlette.testclient import TestClient;"
        "c = TestClient(refparse.web.create_app(), base_url='http://127.0.0.1');"
        "r = c.post('/documents', data={'text': open(__import__('sys').argv[1]).read()});"
        "print(json.dumps([refparse.web.__file__, r.text.count('<article class=\"ref'),"
        " c.get('/static/htmx.min.js').status_code]))"
    )
    env = {**os.environ, "PYTHONPATH": str(target), "REFPARSE_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "fixtures" / "seed000.txt")], check=True,
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    where, rows, htmx = json.loads(out.stdout)
    assert Path(where).is_relative_to(target)
    assert (rows, htmx) == (68, 200)

