"""Owner and relays over Redis, as docs/SCALING.md deploys them: a Redis started here on a free
loopback port, an owner (`serve --redis`) and two relays (`serve --redis --relay`), with the members
of one session spread over both relays. The tests that hold for any deployment run twice: members
entering each relay directly, and through HAProxy with the shipped configuration, as people reach
them (`cluster_support`)."""
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest

from cluster_support import cluster_factory  # noqa: F401 (the fixture)
from conftest import ROOT, WORKSHOPS, binary_path, start_server
from console_support import Participant, upgrade

DEMO = WORKSHOPS / "demo-en.json"


class Member(Participant):
    """A raw websocket client that enters with any message (join, moderate, rejoin) and keeps every
    message it is sent, and every event by `seq`, in the order they came."""

    def __init__(self, ws_url):
        url = urllib.parse.urlparse(ws_url)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=10)
        self.handshake = upgrade(self.sock, url)
        assert self.handshake.startswith(b"HTTP/1.1 101"), self.handshake
        self.buffer = self.handshake.split(b"\r\n\r\n", 1)[1]
        self.next_id = 1
        self.events = []
        self.messages = []

    def enter(self, body):
        answer = self.request(body)
        assert "ack" in answer, answer
        self.id = answer["welcome"]["participant"]
        self.token = answer["welcome"].get("token")
        return answer

    def receive(self):
        message = super().receive()
        self.messages.append(message)
        if "event" in message:
            self.events.append(message)
        for event in message.get("events", []):
            self.events.append(event)
        return message

    def wait_for(self, predicate, what, seconds=15):
        """Reads until an event meets `predicate`; returns it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = next((e for e in self.events if predicate(e)), None)
            if found:
                return found
            self.receive()
        raise AssertionError(f"never received {what}")

    def answers_to(self, message_id):
        return [m for m in self.messages if m.get("ack") == message_id or m.get("error") == message_id]

    def seqs(self):
        return [e["seq"] for e in self.events]


def note_text(event):
    added = event["event"].get("noteAdded")
    return added and added.get("text")


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def get_text(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def metric(text, name, labels=""):
    """The value of the sample `name{labels}` in a Prometheus text, or None."""
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    return match and float(match.group(1))


def eventually(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never {what}"
        time.sleep(0.1)


def pause(process):
    """Stops `process` (SIGSTOP) and returns once every thread of it has stopped: a busy machine may
    let its other threads run on for a while after the signal, until the one that takes it is scheduled."""
    process.send_signal(signal.SIGSTOP)
    tasks = f"/proc/{process.pid}/task"
    eventually(lambda: all(open(f"{tasks}/{task}/stat").read().rsplit(")", 1)[1].split()[0] == "T"
                           for task in os.listdir(tasks)), "stopped every thread", 10)


class Relay:
    """A relay started here, on `port` (0: a free one)."""

    def __init__(self, redis_url, port=0, env=None, wait=True):
        args = [binary_path(), "serve", "--redis", redis_url, "--relay", "--host", "127.0.0.1", "--port", str(port),
                "--web", str(ROOT / "Web")]
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                        env={**os.environ, **(env or {})})
        line = self.process.stdout.readline()
        assert line.startswith("atelier relay serving on "), line
        self.url = line.split()[4].rstrip("/")
        self.port = int(self.url.rsplit(":", 1)[1])
        self.ws_url = self.url.replace("http", "ws", 1) + "/ws"
        if wait:
            self.wait_following()

    def health(self):
        return get_json(self.url + "/healthz")

    def metrics(self):
        return get_text(self.url + "/metrics")

    def wait_following(self):
        eventually(lambda: self.health()["following"], "reached Redis")

    def connect(self):
        return Member(self.ws_url)

    def kill(self):
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=30)


class ProxiedRelay:
    """A relay of a cluster, reached as people reach it: through HAProxy's public address."""

    def __init__(self, cluster, process):
        self.cluster = cluster
        self.process = process.process
        self.url = f"http://{process.address}"

    def health(self):
        return get_json(self.url + "/healthz")

    def metrics(self):
        return get_text(self.url + "/metrics")

    def connect(self):
        """A websocket opened on the public address that HAProxy gave this relay. HAProxy gives each
        new one to the relay holding the fewest: those it gave the other relay stay open until this
        one is reached, so the next goes here."""
        others = []
        for _ in range(10):
            before = self.health()["connections"]
            member = Member(self.cluster.ws_url)
            if self.health()["connections"] > before:
                return member
            others.append(member)
        raise AssertionError("HAProxy never gave this relay a connection")

    def kill(self):
        self.process.kill()
        self.process.wait()


class Deployment:
    """An owner with a new session of the English demo and two relays, `a` and `b`."""

    def __init__(self, code, key, owner, relays, public_ws_url=None, cluster=None):
        self.code, self.key, self.owner = code, key, owner
        self.relays = relays
        self.public_ws_url = public_ws_url
        self.cluster = cluster

    def owner_health(self):
        return get_json(self.owner.url + "/healthz")

    def owner_metrics(self):
        return get_text(self.owner.url + "/metrics")

    def reconnect(self, survivor):
        """A new connection after a relay died: through HAProxy when there is one, else to `survivor`."""
        return Member(self.public_ws_url) if self.public_ws_url else survivor.connect()


class Redis:
    """A redis-server on a free loopback port that keeps nothing on disk: a restart starts it empty."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}"
        self.start()

    def start(self):
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        eventually(lambda: subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                                          text=True).stdout.strip() == "PONG", "started redis-server", 10)

    def kill(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture
def redis():
    server = Redis()
    yield server
    server.kill()


@pytest.fixture
def direct(redis, tmp_path):
    """Members enter each relay on its own port."""
    owner = start_server(tmp_path / "owner.db", DEMO, ["--new-session", "--redis", redis.url])
    relays = [Relay(redis.url), Relay(redis.url)]
    yield Deployment(owner.code, owner.key, owner, relays)
    for relay in relays:
        relay.stop()
    owner.stop()


@pytest.fixture
def proxied(cluster_factory):  # noqa: F811 (the fixture)
    """Members reach the relays through HAProxy's one public address."""
    cluster = cluster_factory(relays=2, workshop=DEMO)
    return Deployment(cluster.code, cluster.key, cluster.owner,
                      [ProxiedRelay(cluster, relay) for relay in cluster.relays], cluster.ws_url, cluster)


@pytest.fixture(params=["direct", "through HAProxy"])
def deployment(request):
    return request.getfixturevalue("direct" if request.param == "direct" else "proxied")


def moderator_on(relay, deployment):
    moderator = relay.connect()
    moderator.enter({"moderate": {"code": deployment.code, "key": deployment.key, "name": "Mod"}})
    return moderator


def participant_on(relay, deployment, name):
    member = relay.connect()
    member.enter({"join": {"code": deployment.code, "name": name, "role": "resident", "language": "en"}})
    return member


def announced(text):
    return lambda e: "announced" in e["event"] and text in json.dumps(e["event"]["announced"]["text"])


def breakout(moderator, rooms):
    """Opens the demo's breakout and puts each member in their room."""
    moderator.command({"start": {}})
    moderator.command({"goToSlot": {"slot": "rooms"}})
    moderator.command({"openRooms": {"mode": "self"}})
    for member, room in rooms:
        assert "ack" in member.command({"chooseRoom": {"room": room}})


def one_room_over_both_relays(deployment):
    """A moderator and Anne on the first relay, Bram on the other, Anne and Bram in one room."""
    a, b = deployment.relays
    moderator = moderator_on(a, deployment)
    anne, bram = participant_on(a, deployment, "Anne"), participant_on(b, deployment, "Bram")
    breakout(moderator, [(anne, "night-economy"), (bram, "night-economy")])
    return moderator, anne, bram


def test_a_relay_says_it_is_a_relay_following_redis_and_the_owner_that_it_publishes(direct):
    a, _ = direct.relays
    assert a.health()["role"] == "relay" and a.health()["following"] is True
    health = direct.owner_health()
    assert health["role"] == "owner" and health["publishing"] is True


def test_redis_holds_the_sessions_record_without_its_moderator_key_nor_its_hash(redis, direct):
    # The owner publishes the record once it has connected to Redis, which may be just after it listens.
    deadline = time.monotonic() + 10
    while not (keys := subprocess.run(["redis-cli", "-p", str(redis.port), "--scan", "--pattern", "atelier:s:*:record"],
                                      capture_output=True, text=True).stdout.split()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(keys) == 1
    record = subprocess.run(["redis-cli", "-p", str(redis.port), "hgetall", keys[0]], capture_output=True, text=True).stdout
    assert direct.code in record and "key" not in record.lower() and "salt" not in record.lower()
    assert direct.key not in subprocess.run(["redis-cli", "-p", str(redis.port), "--scan"], capture_output=True, text=True).stdout


def test_a_note_written_on_one_relay_reaches_members_on_the_other_exactly_once_and_after_its_ack(deployment):
    _, anne, bram = one_room_over_both_relays(deployment)

    ack = anne.command({"addNote": {"prompt": "presence", "text": "Night mediators", "colour": "green"}})
    assert "ack" in ack
    # The writer already holds the event its ack names: acks come after the commit, on a relay too.
    assert ack["seq"] in anne.seqs()
    marker = anne.command({"addNote": {"prompt": "presence", "text": "Marker", "colour": "green"}})
    bram.wait_for(lambda e: note_text(e) == "Marker", "the marker note")
    assert [note_text(e) for e in bram.events].count("Night mediators") == 1
    assert len(bram.seqs()) == len(set(bram.seqs())) and bram.seqs() == sorted(bram.seqs())
    assert marker["seq"] == max(bram.seqs())


def test_a_rooms_notes_reach_its_members_on_every_relay_and_no_other_rooms_members(deployment):
    a, b = deployment.relays
    moderator = moderator_on(a, deployment)
    anne, bram = participant_on(a, deployment, "Anne"), participant_on(b, deployment, "Bram")
    carl = participant_on(b, deployment, "Carl")
    breakout(moderator, [(anne, "night-economy"), (bram, "public-space"), (carl, "night-economy")])

    assert "ack" in anne.command({"addNote": {"prompt": "presence", "text": "Night secret", "colour": "green"}})
    assert "ack" in moderator.command({"announce": {"text": "Ten minutes left"}})
    for member in (bram, carl):
        member.wait_for(announced("Ten minutes left"), "the announcement")
    assert [note_text(e) for e in carl.events].count("Night secret") == 1
    assert "Night secret" not in json.dumps(bram.events)


def test_a_hidden_vote_shows_members_of_another_relay_that_someone_voted_never_on_what(deployment):
    a, b = deployment.relays
    moderator = moderator_on(a, deployment)
    anne, bram = participant_on(a, deployment, "Anne"), participant_on(b, deployment, "Bram")
    moderator.command({"start": {}})
    moderator.command({"goToSlot": {"slot": "vote"}})
    note = anne.command({"addNote": {"prompt": "first-step", "text": "Lights on the square", "colour": "yellow"}})
    item = next(e for e in anne.events if e["seq"] == note["seq"])["event"]["noteAdded"]["id"]
    assert "ack" in moderator.command({"openVote": {"on": "boards", "hidden": True}})
    vote = next(e for e in moderator.events if "voteOpened" in e["event"])["event"]["voteOpened"]["id"]
    assert "ack" in anne.command({"placeDot": {"vote": vote, "item": item}})

    dot = bram.wait_for(lambda e: "dotPlaced" in e["event"], "the dot")
    assert dot["event"]["dotPlaced"]["item"] == ""
    assert item not in json.dumps([e for e in bram.events if "dotPlaced" in e["event"]])


def test_a_member_entering_a_session_its_relay_does_not_follow_is_welcomed_caught_up_and_sent_what_follows(direct):
    a, b = direct.relays
    moderator = moderator_on(a, direct)
    moderator.command({"start": {}})
    # The relay follows no session: its read waits on its replies stream alone, until it is woken.
    assert "atelier_relay_followed_seq{" not in b.metrics()

    bram = participant_on(b, direct, "Bram")
    bram.wait_for(lambda e: "sessionStarted" in e["event"], "the start, in the catch-up")
    assert "ack" in moderator.command({"announce": {"text": "Welcome, Bram"}})
    bram.wait_for(announced("Welcome, Bram"), "the announcement made after the welcome")
    assert [e for e in bram.events if announced("Welcome, Bram")(e)] == [bram.events[-1]]
    assert bram.seqs() == sorted(set(bram.seqs()))


def test_a_member_of_a_relay_asking_for_compressed_catch_ups_gets_them_from_the_relay(direct):
    a, b = direct.relays
    moderator = moderator_on(a, direct)
    moderator.command({"start": {}})
    moderator.command({"goToSlot": {"slot": "vote"}})
    for index in range(30):
        assert "ack" in moderator.command({"addNote": {"prompt": "first-step", "text": f"Relayed idea {index}"}})

    bram = b.connect()
    bram.enter({"join": {"code": direct.code, "name": "Bram", "role": "resident", "language": "en",
                         "compress": "deflate-raw"}})
    bram.wait_for(lambda e: note_text(e) == "Relayed idea 29", "the last note, in the catch-up")
    assert bram.binary_bytes > 0
    assert [note_text(e) for e in bram.events].count("Relayed idea 0") == 1


def test_a_relay_writes_nothing_to_disk_while_it_serves(redis, direct, tmp_path):
    scratch = tmp_path / "relay-tmp"
    scratch.mkdir()
    relay = Relay(redis.url, env={"TMPDIR": str(scratch)})
    try:
        moderator = moderator_on(relay, direct)
        anne = participant_on(relay, direct, "Anne")
        moderator.command({"start": {}})
        assert "ack" in moderator.command({"announce": {"text": "Served from memory"}})
        anne.wait_for(announced("Served from memory"), "the announcement")

        assert os.listdir(scratch) == []
    finally:
        relay.stop()


class ReaderHeldBack:
    """A loopback link to `redis` that holds back what Redis says to a relay's reading connection (the
    one that asks `CLIENT ID`) until `release()`, as a slow link would; its writing connection goes
    through at once. `alive` is set once a heartbeat has gone through: the relay's writer is connected."""

    def __init__(self, redis):
        self.redis_port = redis.port
        self.released = threading.Event()
        self.alive = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.redis_port))
            reading = threading.Event()
            threading.Thread(target=self.pump, args=(client, upstream, reading, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, reading, False), daemon=True).start()

    def pump(self, source, target, reading, from_relay):
        try:
            while data := source.recv(65536):
                if from_relay:
                    if b"CLIENT\r\n$2\r\nID" in data:
                        reading.set()
                    if b"alive" in data:
                        self.alive.set()
                elif reading.is_set():
                    self.released.wait()
                target.sendall(data)
        except OSError:
            pass
        finally:
            target.close()

    def release(self):
        self.released.set()

    def close(self):
        self.release()
        self.listener.close()


def test_a_member_entering_a_relay_before_it_reads_its_replies_is_answered_once_it_does(redis, direct):
    link = ReaderHeldBack(redis)
    relay = Relay(link.url, wait=False)
    try:
        assert link.alive.wait(10), "the relay never reached Redis"
        # Connected to Redis both ways, it does not yet know where its replies stream ends.
        assert relay.health()["following"] is False
        threading.Timer(1, link.release).start()

        moderator = moderator_on(relay, direct)
        assert moderator.id
        relay.wait_following()
    finally:
        relay.stop()
        link.close()


def test_a_member_rejoins_on_the_other_relay_and_gets_what_it_missed_once(direct):
    a, b = direct.relays
    moderator = moderator_on(a, direct)
    anne = participant_on(a, direct, "Anne")
    moderator.command({"start": {}})
    anne.wait_for(lambda e: "sessionStarted" in e["event"], "the start")
    last = max(anne.seqs())
    anne.close()
    assert "ack" in moderator.command({"announce": {"text": "While Anne was away"}})

    back = b.connect()
    answer = back.enter({"rejoin": {"code": direct.code, "token": anne.token, "after": last}})
    assert answer["welcome"]["participant"] == anne.id and answer["welcome"]["reset"] is False
    back.wait_for(announced("While Anne was away"), "the announcement made while away")
    assert min(back.seqs()) == last + 1 and back.seqs() == sorted(set(back.seqs()))


def test_when_a_relay_is_killed_its_members_rejoin_on_the_other_and_miss_and_repeat_nothing(deployment):
    a, b = deployment.relays
    moderator = moderator_on(b, deployment)
    anne = participant_on(a, deployment, "Anne")
    moderator.command({"start": {}})
    assert "ack" in moderator.command({"announce": {"text": "Before the fall"}})
    anne.wait_for(announced("Before the fall"), "the first announcement")
    a.kill()
    assert "ack" in moderator.command({"announce": {"text": "After the fall"}})

    back = deployment.reconnect(b)
    back.enter({"rejoin": {"code": deployment.code, "token": anne.token, "after": max(anne.seqs())}})
    back.wait_for(announced("After the fall"), "the announcement made while the relay was down")
    assert sorted(set(anne.seqs() + back.seqs())) == anne.seqs() + back.seqs()
    assert anne.seqs() + back.seqs() == list(range(1, max(back.seqs()) + 1))
    assert b.health()["connections"] == 2


def test_after_redis_restarts_empty_the_owner_publishes_again_and_relays_carry_on(redis, direct):
    a, b = direct.relays
    moderator = moderator_on(a, direct)
    bram = participant_on(b, direct, "Bram")
    moderator.command({"start": {}})
    redis.kill()
    redis.start()
    for relay in (a, b):
        relay.wait_following()

    answer = moderator.command({"announce": {"text": "Redis is back"}})
    deadline = time.monotonic() + 15
    # Commands forwarded before the relays are back get a refusal that says so; sent again, they pass.
    while "error" in answer:
        assert answer["code"] == "server.unavailable" and time.monotonic() < deadline, answer
        answer = moderator.command({"announce": {"text": "Redis is back"}})
    bram.wait_for(announced("Redis is back"), "the announcement after the restart")
    assert bram.seqs() == list(range(1, max(bram.seqs()) + 1))


def command_until_acked(member, command, seconds=30):
    """Sends `command` until it is acked; every other answer on the way must be `server.unavailable`."""
    deadline = time.monotonic() + seconds
    while True:
        answer = member.command(command)
        if "ack" in answer:
            return answer
        assert answer["code"] == "server.unavailable" and time.monotonic() < deadline, answer


def redis_connections(redis):
    """The established connections to `redis`, as `ss` shows them with their timers."""
    return subprocess.run(["ss", "-tnoH", "state", "established", "dport", "=", f":{redis.port}"],
                          capture_output=True, text=True, check=True).stdout.splitlines()


def test_every_connection_to_redis_keeps_tcp_keepalive_on_so_a_dead_link_is_found_with_nothing_waiting(redis, direct):
    # While a connection has data in flight ss shows its retransmission timer instead: each is looked
    # at until it is seen idle, with its keepalive timer.
    kept_alive = set()

    def every_connection_seen_kept_alive():
        lines = redis_connections(redis)
        kept_alive.update(line.split()[2] for line in lines if "timer:(keepalive" in line)
        # The owner's two connections and each relay's two: one writes, one waits on a blocking read.
        return len(lines) == 6 and {line.split()[2] for line in lines} <= kept_alive
    eventually(every_connection_seen_kept_alive, "saw a keepalive timer on every connection to Redis", 10)


REDIS_SILENT = "Redis did not answer"


def test_while_redis_stops_answering_every_server_says_so_and_refuses_and_once_it_answers_nothing_acked_is_lost(
        redis, tmp_path):
    owner = start_server(tmp_path / "owner.db", DEMO, ["--new-session", "--redis", redis.url])
    relays = [Relay(redis.url), Relay(redis.url)]
    deployment = Deployment(owner.code, owner.key, owner, relays)
    try:
        moderator, anne, bram = one_room_over_both_relays(deployment)
        # Carl is on the owner itself, which stores what its own members write with or without Redis.
        carl = Member(owner.ws_url)
        carl.enter({"join": {"code": owner.code, "name": "Carl", "role": "resident", "language": "en"}})
        assert "ack" in carl.command({"chooseRoom": {"room": "night-economy"}})
        acked = [anne.command({"addNote": {"prompt": "presence", "text": "Before Redis stopped", "colour": "green"}})["seq"]]
        for member in (moderator, bram, carl):
            member.wait_for(lambda e: note_text(e) == "Before Redis stopped", "the note written before Redis stopped")

        pause(redis.process)
        try:
            acked.append(carl.command({"addNote": {"prompt": "presence", "text": "Stored while Redis was silent",
                                                   "colour": "yellow"}})["seq"])
            eventually(lambda: not any(relay.health()["following"] for relay in relays), "said it follows no more", 60)
            eventually(lambda: not deployment.owner_health()["publishing"], "said it publishes no more", 60)
            # Both of the owner's connections were given up, the one that had Carl's note to publish too.
            eventually(lambda: owner.logged(REDIS_SILENT) == 2, "logged the silence of each connection", 60)
            refused = anne.command({"addNote": {"prompt": "presence", "text": "Written while Redis was silent",
                                                "colour": "green"}})
            assert refused["code"] == "server.unavailable"
        finally:
            redis.process.send_signal(signal.SIGCONT)

        for relay in relays:
            relay.wait_following()
        eventually(lambda: deployment.owner_health()["publishing"], "published to Redis again")
        acked.append(command_until_acked(bram, {"addNote": {"prompt": "presence", "text": "After Redis answered again",
                                                            "colour": "yellow"}})["seq"])
        for member in (moderator, anne, bram, carl):
            member.wait_for(lambda e: note_text(e) == "After Redis answered again", "the note written after Redis answered")
            texts = [note_text(e) for e in member.events]
            for text in ("Before Redis stopped", "Stored while Redis was silent", "After Redis answered again"):
                assert texts.count(text) == 1, (text, texts)
            # Refused, it may still have been done (Redis took it before it stopped answering): never twice.
            assert texts.count("Written while Redis was silent") <= 1
            assert member.seqs() == sorted(set(member.seqs())), "an event repeated or out of order"
            assert set(acked) <= set(member.seqs())
        # Once for each connection, however many tries it took to be answered again.
        assert owner.logged(REDIS_SILENT) == 2
    finally:
        for relay in relays:
            relay.stop()
        owner.stop()


def test_through_haproxy_after_redis_restarts_empty_every_member_gets_the_next_note_once_and_nothing_acked_is_lost(
        proxied):
    moderator, anne, bram = one_room_over_both_relays(proxied)
    acked = [anne.command({"addNote": {"prompt": "presence", "text": "Before the restart", "colour": "green"}})["seq"]]
    bram.wait_for(lambda e: note_text(e) == "Before the restart", "the note written before the restart")

    proxied.cluster.redis.restart(empty=True)
    for relay in proxied.relays:
        eventually(lambda: relay.health()["following"], "followed Redis again")
    eventually(lambda: proxied.owner_health()["publishing"], "published to Redis again")

    # The same connections, through HAProxy, neither rejoined nor reopened.
    acked.append(command_until_acked(bram, {"addNote": {"prompt": "presence", "text": "After the restart",
                                                        "colour": "yellow"}})["seq"])
    for member in (moderator, anne, bram):
        member.wait_for(lambda e: note_text(e) == "After the restart", "the note written after the restart")
        assert [note_text(e) for e in member.events].count("After the restart") == 1
        assert member.seqs() == sorted(set(member.seqs())), "an event repeated or out of order"
        assert set(acked) <= set(member.seqs())
    # The owner published the whole log again into the empty Redis.
    session = next(m for m in anne.messages if "welcome" in m)["welcome"]["session"]
    stream = f"atelier:s:{session}:events"
    first = subprocess.run(["redis-cli", "-p", str(proxied.cluster.redis.port), "xrange", stream, "-", "+", "COUNT", "1"],
                           capture_output=True, text=True).stdout.split()
    assert first[0] == "1-0"


def test_when_the_owner_is_killed_its_members_are_told_unavailable_and_carry_on_after_its_restart_losing_nothing(
        proxied):
    _, anne, bram = one_room_over_both_relays(proxied)
    acked = [anne.command({"addNote": {"prompt": "presence", "text": "Before the crash", "colour": "green"}})["seq"]]

    proxied.cluster.kill_owner()
    # Never silence: the relay answers for the owner that cannot.
    refused = anne.command({"addNote": {"prompt": "presence", "text": "While it is down", "colour": "green"}})
    assert refused["code"] == "server.unavailable"
    proxied.cluster.start_owner()

    # The same connections, neither rejoined nor reopened: the owner knows them again from their relay.
    acked.append(command_until_acked(bram, {"addNote": {"prompt": "presence", "text": "After the restart",
                                                        "colour": "yellow"}})["seq"])
    acked.append(command_until_acked(anne, {"addNote": {"prompt": "presence", "text": "Anne again",
                                                        "colour": "green"}})["seq"])
    for member in (anne, bram):
        member.wait_for(lambda e: note_text(e) == "Anne again", "the note written after the restart")
        assert member.seqs() == sorted(set(member.seqs())), "an event repeated or out of order"
        assert set(acked) <= set(member.seqs())
        assert "While it is down" not in json.dumps(member.events)
    assert [note_text(e) for e in bram.events].count("Before the crash") == 1


def test_a_relay_that_falls_behind_catches_up_from_the_stream_and_its_members_get_every_event_once_in_order(direct):
    a, b = direct.relays
    moderator = moderator_on(a, direct)
    writers = [participant_on(a, direct, f"Writer {n}") for n in range(8)]
    bram = participant_on(b, direct, "Bram")
    moderator.command({"start": {}})
    moderator.command({"goToSlot": {"slot": "vote"}})
    bram.wait_for(lambda e: "slotStarted" in e["event"], "the vote slot")

    pause(b.process)
    try:
        def write(writer, count):
            for n in range(count):
                body = {"addNote": {"prompt": "first-step", "text": f"{writer.id} {n}", "colour": "green"}}
                # Past the participant's rate the note is refused, and written again a moment later.
                while (answer := writer.command(body)).get("code") == "rate.limited":
                    time.sleep(0.05)
                assert "ack" in answer, answer
        # More than one read of the stream (1,000 entries) while the relay is stopped.
        threads = [threading.Thread(target=write, args=(writer, 140)) for writer in writers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        b.process.send_signal(signal.SIGCONT)
    assert "ack" in moderator.command({"announce": {"text": "All written"}})

    bram.wait_for(announced("All written"), "the announcement after the notes", seconds=60)
    written = {f"{writer.id} {n}" for writer in writers for n in range(140)}
    notes = [note_text(e) for e in bram.events if note_text(e) in written]
    assert len(notes) == len(written) and set(notes) == written
    # Every event once and in order, but the other participants' joins, which a participant is not sent.
    joins = {e["seq"] for e in moderator.events if "participantJoined" in e["event"] and "Writer " in json.dumps(e)}
    assert bram.seqs() == [seq for seq in range(1, max(bram.seqs()) + 1) if seq not in joins]
    assert metric(b.metrics(), "atelier_queue_drops_total") == 0


def test_an_answer_the_owner_gives_after_the_relay_said_unavailable_is_not_sent_but_its_event_is(direct):
    a, _ = direct.relays
    moderator = moderator_on(a, direct)
    pause(direct.owner.process)
    try:
        late = moderator.command({"announce": {"text": "Said late"}})
    finally:
        direct.owner.process.send_signal(signal.SIGCONT)
    assert late["code"] == "server.unavailable"

    moderator.wait_for(announced("Said late"), "the event of the command answered unavailable")
    # Answers come in the order the owner gave them: the next one's comes after the late one's would.
    assert "ack" in moderator.command({"announce": {"text": "Said in time"}})
    assert moderator.answers_to(late["error"]) == [late]


def test_a_note_told_unavailable_and_sent_again_under_its_once_key_is_done_once(direct):
    a, b = direct.relays
    _, anne, bram = one_room_over_both_relays(direct)
    note = {"command": {"addNote": {"prompt": "presence", "text": "Sent twice, done once", "colour": "green"}},
            "once": "note-1"}
    pause(direct.owner.process)
    try:
        late = anne.request(note)
    finally:
        direct.owner.process.send_signal(signal.SIGCONT)
    assert late["code"] == "server.unavailable"

    # As a page does with what its outbox holds: sent again, under the same key.
    again = anne.request(note)
    assert "ack" in again, again
    marker = anne.command({"addNote": {"prompt": "presence", "text": "Marker", "colour": "green"}})
    bram.wait_for(lambda e: e["seq"] == marker["seq"], "the marker note")
    for member in (anne, bram):
        assert [note_text(e) for e in member.events].count("Sent twice, done once") == 1
    done = next(e for e in bram.events if note_text(e) == "Sent twice, done once")
    assert again["seq"] == done["seq"]


def test_a_join_welcomed_after_the_relay_said_unavailable_leaves_the_connection_free_to_join_again(direct):
    a, b = direct.relays
    moderator = moderator_on(b, direct)
    pause(direct.owner.process)
    try:
        late = a.connect()
        refused = late.request({"join": {"code": direct.code, "name": "Late", "role": "resident", "language": "en"}})
    finally:
        direct.owner.process.send_signal(signal.SIGCONT)
    assert refused["code"] == "server.unavailable"
    moderator.wait_for(lambda e: "participantJoined" in e["event"] and "Late" in json.dumps(e), "the late join")

    late.enter({"join": {"code": direct.code, "name": "Late again", "role": "resident", "language": "en"}})
    assert late.answers_to(refused["error"]) == [refused]
    assert "ack" in moderator.command({"announce": {"text": "Hello"}})
    late.wait_for(announced("Hello"), "the announcement, as a member")


def relay_connections(deployment, relay_id):
    return metric(deployment.owner_metrics(), "atelier_relay_connections", f'{{relay="{relay_id}"}}') or 0


def test_the_owner_forgets_the_connections_of_a_relay_silent_past_its_bound(direct):
    a, b = direct.relays
    dead = a.health()["relay"]
    moderator = moderator_on(a, direct)
    anne = participant_on(a, direct, "Anne")
    moderator.command({"start": {}})
    anne.wait_for(lambda e: "sessionStarted" in e["event"], "the start")
    assert relay_connections(direct, dead) == 2
    a.kill()

    eventually(lambda: relay_connections(direct, dead) == 0, "forgot the dead relay's connections")
    assert relay_connections(direct, b.health()["relay"]) == 0


@pytest.mark.parametrize("options, refusal", [
    (["--redis", "redis://127.0.0.1:6379", "--relay-silence", "2"], "--relay-silence 2: give at least 3 seconds"),
    (["--relay-silence", "10"], "--relay-silence is the owner's: give it with --redis, without --relay."),
    (["--redis", "redis://127.0.0.1:6379", "--relay", "--relay-silence", "10"],
     "--relay-silence is the owner's: give it with --redis, without --relay."),
])
def test_the_relay_silence_is_the_owners_and_at_least_three_heartbeats(atelier, tmp_path, options, refusal):
    result = atelier("serve", "--db", tmp_path / "a.db", "--port", "0", *options)
    assert result.returncode != 0 and refusal in result.stderr


def test_the_owner_forgets_a_relay_silent_past_the_bound_it_was_given_and_its_members_carry_on(redis, tmp_path):
    owner = start_server(tmp_path / "owner.db", DEMO, ["--new-session", "--redis", redis.url, "--relay-silence", "3"])
    deployment = Deployment(owner.code, owner.key, owner, [])
    relay = Relay(redis.url)
    try:
        relay_id = relay.health()["relay"]
        moderator = moderator_on(relay, deployment)
        moderator.command({"start": {}})
        assert relay_connections(deployment, relay_id) == 1
        pause(relay.process)
        try:
            eventually(lambda: relay_connections(deployment, relay_id) == 0, "forgot the stopped relay's connections")
        finally:
            relay.process.send_signal(signal.SIGCONT)
        # The owner takes the connection as the member its relay says it is, without a rejoin.
        assert "ack" in command_until_acked(moderator, {"announce": {"text": "Carrying on"}})
        moderator.wait_for(announced("Carrying on"), "the announcement after the relay resumed")
    finally:
        relay.stop()
        _, log = owner.stop()
    assert "relay silent past 3000 ms; its connections forgotten" in log and relay_id in log


def test_a_relay_restarted_with_the_same_id_starts_clean(redis, direct):
    a, _ = direct.relays
    moderator = moderator_on(a, direct)
    moderator.command({"start": {}})
    relay_id = a.health()["relay"]
    assert relay_connections(direct, relay_id) == 1
    a.kill()
    restarted = Relay(redis.url, port=a.port)
    direct.relays[0] = restarted
    assert restarted.health()["relay"] == relay_id

    # Its first connection has the id the dead one's first had: it is a new guest, not the moderator.
    guest = restarted.connect()
    refused = guest.command({"announce": {"text": "Who am I?"}})
    assert refused["code"] == "protocol.notJoined"
    eventually(lambda: relay_connections(direct, relay_id) == 1, "counted the new relay's one connection")


def test_a_moderator_on_a_relay_takes_the_transcript_through_haproxy_in_parts(proxied):
    a, b = proxied.relays
    moderator = moderator_on(a, proxied)
    anne = participant_on(b, proxied, "Anne")
    breakout(moderator, [(anne, "night-economy")])
    note = anne.command({"addNote": {"prompt": "presence", "text": "Street lights", "colour": "green"}})
    assert "ack" in note

    answer = moderator.request({"transcript": {"format": "md"}})
    assert answer["transcript"]["parts"] > 0
    parts = [m for m in moderator.messages if m.get("transcriptPart") == answer["ack"]]
    assert [p["index"] for p in parts] == list(range(answer["transcript"]["parts"]))
    text = "".join(p["text"] for p in parts)
    assert "Street lights" in text and note["seq"] <= max(moderator.seqs())


def test_metrics_say_each_servers_role_and_how_far_a_relay_is_behind_its_streams(direct):
    a, _ = direct.relays
    moderator = moderator_on(a, direct)
    moderator.command({"start": {}})
    assert metric(direct.owner_metrics(), "atelier_role", '{role="owner"}') == 1
    assert metric(a.metrics(), "atelier_role", '{role="relay"}') == 1
    last = max(moderator.seqs())
    eventually(lambda: metric(a.metrics(), "atelier_relay_stream_seq", f'{{session="{direct.code}"}}') == last,
               "saw the end of the stream")
    text = a.metrics()
    assert metric(text, "atelier_relay_followed_seq", f'{{session="{direct.code}"}}') == last
    assert metric(text, "atelier_relay_lag_events", f'{{session="{direct.code}"}}') == 0


def test_a_single_process_says_so_in_its_metrics(live_server):
    _, _, text = live_server.get("/metrics")
    assert metric(text, "atelier_role", '{role="single"}') == 1
