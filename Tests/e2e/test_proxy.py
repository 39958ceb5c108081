"""atelier behind HAProxy with the shipped deploy/haproxy.cfg: the page, the HTTP routes and the websocket
through one public address, the proxy's timeouts, and each person known by their own address."""
import http.client
import os
import signal
import socket
import subprocess
import time
import urllib.parse

import pytest

from cluster_support import HAPROXY_CONFIG, cluster_factory  # noqa: F401 (the fixture)
from conftest import ROOT, binary_path
from console_support import Participant, free_port, free_ports, run_script

WRONG_KEY = "AAAA-BBBB-CCCC-DDDD"

# A plenary with a board from the start, so that a note can be written as soon as it starts.
WORKSHOP = """{"format": 1, "id": "plenary", "title": "Plenary", "organiser": "City", "date": "2026-11-21",
 "timezone": "Europe/Brussels", "languages": ["en"], "roles": [{"id": "resident", "label": "Resident"}],
 "rooms": [{"id": "mobility", "theme": "Mobility"}],
 "agenda": [{"id": "welcome", "title": "Welcome", "minutes": 30, "kind": "plenary",
             "prompts": [{"id": "hopes", "text": "Your hopes"}]}],
 "voting": {"dotsPerPerson": 3, "maxDotsPerNote": 2, "hiddenUntilReveal": true}, "assignment": "self"}"""


def get(url, headers=None, source=None):
    """GET `url` from the loopback address `source` (127.0.0.x) with `headers`; returns status, headers, body."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10,
                                            source_address=(source, 0) if source else None)
    try:
        connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""), headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def export(cluster, key, source=None, headers=None):
    return get(f"{cluster.url}/export?code={cluster.code}&format=md",
               {"Authorization": f"Bearer {key}", **(headers or {})}, source)[0]


def test_the_shipped_configuration_is_valid():
    result = subprocess.run(["haproxy", "-c", "-f", str(HAPROXY_CONFIG), "-f", str(ROOT / "deploy" / "relays.cfg")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration file is valid" in result.stdout


def test_the_page_healthz_and_metrics_answer_through_the_proxy(cluster_factory):
    cluster = cluster_factory()
    status, headers, page = get(f"{cluster.url}/?code={cluster.code}")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"<html" in page
    status, _, health = get(f"{cluster.url}/healthz")
    assert status == 200 and b'"status":"ok"' in health and b'"sessions":1' in health
    status, _, metrics = get(f"{cluster.url}/metrics")
    assert status == 200 and b"atelier_connections " in metrics


def test_the_transcript_downloads_through_the_proxy_only_with_the_key(cluster_factory):
    cluster = cluster_factory()
    status, headers, transcript = get(f"{cluster.url}/export?code={cluster.code}&format=md",
                                      {"Authorization": f"Bearer {cluster.key}"})
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert transcript.startswith(b"#")
    assert export(cluster, WRONG_KEY) == 401


def test_a_participant_joins_writes_a_note_and_has_it_acknowledged_through_the_proxy(cluster_factory, tmp_path):
    workshop = tmp_path / "plenary.json"
    workshop.write_text(WORKSHOP)
    cluster = cluster_factory(workshop=workshop)
    started = run_script(cluster, ["start"], "--yes")
    assert started.returncode == 0, started.stdout + started.stderr
    anne = Participant(cluster.ws_url, cluster.code, "Anne", "resident")
    bert = Participant(cluster.ws_url, cluster.code, "Bert", "resident")
    answer = anne.command({"addNote": {"prompt": "hopes", "text": "Benches in the park", "colour": "yellow"}})
    assert "ack" in answer, answer
    seen = []
    while not seen:
        message = bert.receive()
        seen = [m["event"]["noteAdded"] for m in message.get("events", [message])
                if "noteAdded" in m.get("event", {})]
    assert seen[0]["text"] == "Benches in the park"


def test_a_websocket_outlives_the_proxys_http_timeouts_and_only_the_tunnel_timeout_ends_it(cluster_factory):
    cluster = cluster_factory(http_timeout="1s", tunnel_timeout="3s")
    anne = Participant(cluster.ws_url, cluster.code, "Anne", "elu-local", language="fr")
    time.sleep(2)  # past the client and server timeouts, within the tunnel's
    assert "ack" in anne.request({"ping": {}})
    time.sleep(4)  # silent past the tunnel's
    with pytest.raises((ConnectionError, socket.timeout)):
        anne.request({"ping": {}})


def test_two_people_behind_the_proxy_are_each_paused_for_their_own_wrong_keys_only(cluster_factory):
    cluster = cluster_factory()
    assert [export(cluster, WRONG_KEY, source="127.0.0.2") for _ in range(6)] == [401] * 5 + [429]
    assert export(cluster, cluster.key, source="127.0.0.2") == 429
    assert export(cluster, cluster.key, source="127.0.0.3") == 200
    _, log = cluster.stop()
    logged = [line for line in log.splitlines() if "wrong moderator key" in line]
    assert len(logged) == 5 and all("peer=127.0.0.2" in line for line in logged), logged


def test_an_address_a_client_forges_in_x_forwarded_for_does_not_escape_its_pause(cluster_factory):
    cluster = cluster_factory()
    statuses = [export(cluster, WRONG_KEY, source="127.0.0.2", headers={"X-Forwarded-For": f"10.0.0.{n}"})
                for n in range(6)]
    assert statuses == [401] * 5 + [429]
    assert export(cluster, cluster.key, source="127.0.0.2", headers={"X-Forwarded-For": "10.0.0.99"}) == 429


def test_without_trusting_the_proxy_everyone_behind_it_is_one_address(cluster_factory):
    cluster = cluster_factory(trust_proxy=False)
    assert [export(cluster, WRONG_KEY, source="127.0.0.2") for _ in range(6)] == [401] * 5 + [429]
    assert export(cluster, cluster.key, source="127.0.0.3") == 429


def test_a_trusted_proxy_must_be_an_ip_address(atelier, tmp_path):
    result = atelier("serve", "--db", tmp_path / "atelier.db", "--trusted-proxy", "proxy.example.org")
    assert result.returncode != 0
    assert "--trusted-proxy proxy.example.org: give the proxy's IP address" in result.stderr


def test_the_cluster_script_serves_through_haproxy_and_stops_everything_it_started_on_ctrl_c(tmp_path):
    # One block of free ports, so no two of the five processes are given the same one.
    public = free_ports(5)
    owner, relays, redis = public + 1, public + 2, public + 4
    run = tmp_path / "cluster"
    env = {**os.environ, "RUN_DIR": str(run), "PUBLIC_PORT": str(public), "PUBLIC_HOST": "127.0.0.1",
           "OWNER_PORT": str(owner), "RELAY_PORT": str(relays), "REDIS_PORT": str(redis),
           "PUBLIC_URL": f"http://127.0.0.1:{public}"}
    script = subprocess.Popen([str(ROOT / "Scripts" / "cluster.sh"), binary_path()], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    printed = []
    for line in script.stdout:
        printed.append(line)
        if line.startswith("Public address:"):
            break
    assert any(f"Participants: http://127.0.0.1:{public}/?code=" in line for line in printed), printed
    pids = [int(p.read_text()) for p in run.glob("*.pid")]
    assert len(pids) >= 2  # the owner and HAProxy, with Redis and the relays when this atelier has them
    status, _, health = get(f"http://127.0.0.1:{public}/healthz")
    assert status == 200 and b'"sessions":1' in health

    script.send_signal(signal.SIGINT)
    assert script.wait(timeout=60) != 0
    assert not list(run.glob("*.pid"))
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
