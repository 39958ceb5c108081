"""A whole deployment on loopback ports for the end-to-end tests: redis-server, the owner, relays and
HAProxy with the shipped deploy/haproxy.cfg, each with its log in the test's folder, all stopped after
the test.

`cluster_factory(relays=0)` starts the owner alone behind HAProxy (it then serves the websockets too);
`relays=N` starts redis-server, the owner with `--redis` and N relays (`atelier serve --redis URL
--relay --port P`), which needs a binary whose `serve` has `--relay`."""
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, binary_path, start_server
from console_support import free_port

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
# The address HAProxy connects to the servers from, which they trust for X-Forwarded-For.
PROXY_ADDRESS = "127.0.0.1"


def relay_support():
    """Whether this atelier binary can run as a relay."""
    help_text = subprocess.run([binary_path(), "serve", "--help"], capture_output=True, text=True, cwd=ROOT)
    return "--relay" in help_text.stdout


def wait_until_healthy(url, process, what, timeout=30):
    """Polls `url`/healthz until it answers 200; fails with the process's exit if it dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer {url}/healthz")


class Process:
    """A started program whose standard output and error go to `folder/name.log`."""

    def __init__(self, name, args, folder, env=None):
        self.name = name
        self.log_path = folder / f"{name}.log"
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT,
                                        env={**os.environ, **(env or {})})

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()

    def log(self):
        return self.log_path.read_text()


class Redis(Process):
    """redis-server on a free loopback port, appending to its file in `folder` so that a restart keeps the
    streams."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self._start()

    def _start(self):
        super().__init__("redis", ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                   "--dir", str(self.folder), "--appendonly", "yes", "--save", ""], self.folder)
        deadline = time.monotonic() + 15
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                             text=True).stdout.strip() != "PONG":
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: {self.log()}")
            time.sleep(0.05)

    def restart(self, empty=False):
        """Stops and starts it again on its port: with its streams, or `empty`, its append-only files lost."""
        self.stop()
        if empty:
            shutil.rmtree(self.folder / "appendonlydir", ignore_errors=True)
        self._start()


class HAProxy(Process):
    """HAProxy with deploy/haproxy.cfg on the public `port` in front of `owner` and `relays` (addresses
    `host:port`); the timeouts override ATELIER_HTTP_TIMEOUT and ATELIER_TUNNEL_TIMEOUT."""

    def __init__(self, folder, port, owner, relays, http_timeout=None, tunnel_timeout=None):
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        relays_file = folder / "relays.cfg"
        relays_file.write_text("backend relays from relay\n"
                               + "".join(f"    server relay{n} {address}\n" for n, address in enumerate(relays, 1)))
        env = {"ATELIER_PUBLIC": f"127.0.0.1:{self.port}", "ATELIER_OWNER": owner,
               # A test holds a few connections; the shipped 12,000 would need a larger ulimit than a user has.
               "ATELIER_MAXCONN": "1000"}
        if http_timeout:
            env["ATELIER_HTTP_TIMEOUT"] = http_timeout
        if tunnel_timeout:
            env["ATELIER_TUNNEL_TIMEOUT"] = tunnel_timeout
        super().__init__("haproxy", ["haproxy", "-db", "-f", str(HAPROXY_CONFIG), "-f", str(relays_file)],
                         folder, env)
        wait_until_healthy(self.url, self.process, "haproxy")


class Cluster:
    """The owner, its relays and HAProxy in front; `url`, `ws_url`, `code` and `key` are the public
    address's and the owner's new session's."""

    def __init__(self, folder, relays=0, workshop=None, http_timeout=None, tunnel_timeout=None, trust_proxy=True):
        self.folder = folder
        self.processes = []
        self.redis = None
        self.relays = []
        proxy_port = free_port()
        public = f"http://127.0.0.1:{proxy_port}"
        common = ["--public-url", public] + (["--trusted-proxy", PROXY_ADDRESS] if trust_proxy else [])
        if relays:
            if not relay_support():
                raise RuntimeError(f"{binary_path()} serve has no --relay: this build cannot run relays")
            self.redis = Redis(folder)
            self.processes.append(self.redis)
            common += ["--redis", self.redis.url]
        # Its banner prints the public address: the owner's own port is chosen here.
        owner_port = free_port()
        self.workshop = workshop
        self.owner_arguments = [*common, "--port", str(owner_port)]
        self.start_owner()
        self.owner_address = f"127.0.0.1:{owner_port}"
        for n in range(1, relays + 1):
            port = free_port()
            relay = Process(f"relay{n}", [binary_path(), "serve", "--relay", "--host", "127.0.0.1", "--port", str(port),
                                          "--web", str(ROOT / "Web"), *common], folder)
            self.processes.append(relay)
            wait_until_healthy(f"http://127.0.0.1:{port}", relay.process, relay.name)
            relay.address = f"127.0.0.1:{port}"
            self.relays.append(relay)
        self.haproxy = HAProxy(folder, proxy_port, self.owner_address, [r.address for r in self.relays] or [self.owner_address],
                               http_timeout, tunnel_timeout)
        self.processes.append(self.haproxy)
        self.url = public
        self.ws_url = public.replace("http", "ws", 1) + "/ws"
        self.code, self.key = self.owner.code, self.owner.key

    def start_owner(self):
        """Starts the owner on its database and port: the first time, or again after `kill_owner`."""
        self.owner = start_server(self.folder / "owner.db", self.workshop, self.owner_arguments)

    def kill_owner(self):
        """Kills the owner with SIGKILL, as a crash would: nothing is stored on the way out."""
        self.owner.stop(signal.SIGKILL)

    def stop(self):
        """Stops everything, HAProxy and the relays first; returns the owner's exit code and log."""
        for process in reversed(self.processes):
            process.stop()
        return self.owner.stop()


@pytest.fixture
def cluster_factory(tmp_path):
    """Starts clusters (`factory(relays=…, http_timeout=…, …)`) and stops them after the test."""
    clusters = []

    def factory(**options):
        cluster = Cluster(tmp_path, **options)
        clusters.append(cluster)
        return cluster

    yield factory
    for cluster in clusters:
        cluster.stop()
