"""Owner and relays over Redis, as docs/SCALING.md deploys them: a Redis started here on a free
loopback port, an owner (`serve --redis`) and two relays (`serve --redis --relay`), with the members
of one session spread over both relays."""
import json
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, WORKSHOPS, binary_path, start_server
from console_support import Participant, free_port, upgrade

DEMO = WORKSHOPS / "demo-en.json"


class Member(Participant):
    """A raw websocket client that enters with any message (join, moderate, rejoin) and keeps every
    event it is sent, by `seq`, in the order they came."""

    def __init__(self, ws_url):
        url = urllib.parse.urlparse(ws_url)
        import socket
        self.sock = socket.create_connection((url.hostname, url.port), timeout=10)
        self.handshake = upgrade(self.sock, url)
        assert self.handshake.startswith(b"HTTP/1.1 101"), self.handshake
        self.buffer = self.handshake.split(b"\r\n\r\n", 1)[1]
        self.next_id = 1
        self.events = []

    def enter(self, body):
        answer = self.request(body)
        assert "ack" in answer, answer
        self.id = answer["welcome"]["participant"]
        self.token = answer["welcome"].get("token")
        return answer

    def receive(self):
        message = super().receive()
        if "event" in message:
            self.events.append(message)
        for event in message.get("events", []):
            self.events.append(event)
        return message

    def wait_for(self, predicate, what):
        """Reads until an event meets `predicate`; returns it."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = next((e for e in self.events if predicate(e)), None)
            if found:
                return found
            self.receive()
        raise AssertionError(f"never received {what}")

    def seqs(self):
        return [e["seq"] for e in self.events]


def note_text(event):
    added = event["event"].get("noteAdded")
    return added and added.get("text")


class Relay:
    def __init__(self, redis_url):
        args = [binary_path(), "serve", "--redis", redis_url, "--relay", "--host", "127.0.0.1", "--port", "0",
                "--web", str(ROOT / "Web")]
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("atelier relay serving on "), line + self.process.stderr.read()
        self.url = line.split()[4].rstrip("/")
        self.ws_url = self.url.replace("http", "ws", 1) + "/ws"
        self.wait_following()

    def health(self):
        with urllib.request.urlopen(self.url + "/healthz", timeout=10) as response:
            return json.loads(response.read())

    def wait_following(self):
        deadline = time.monotonic() + 15
        while not self.health()["following"]:
            assert time.monotonic() < deadline, "the relay never reached Redis"
            time.sleep(0.05)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=30)


class Redis:
    """A redis-server on a free loopback port that keeps nothing on disk: a restart starts it empty."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.start()

    def start(self):
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True).stdout.strip() != "PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture
def redis():
    server = Redis()
    yield server
    server.kill()


@pytest.fixture
def redis_url(redis):
    return redis.url


@pytest.fixture
def deployment(redis_url, tmp_path):
    """An owner with a new session of the English demo and two relays, all on one Redis."""
    owner = start_server(tmp_path / "owner.db", DEMO, ["--new-session", "--redis", redis_url])
    relays = [Relay(redis_url), Relay(redis_url)]
    yield owner, relays
    for relay in relays:
        relay.stop()
    owner.stop()


def moderator_on(relay, owner):
    moderator = Member(relay.ws_url)
    moderator.enter({"moderate": {"code": owner.code, "key": owner.key, "name": "Mod"}})
    return moderator


def participant_on(relay, owner, name):
    member = Member(relay.ws_url)
    member.enter({"join": {"code": owner.code, "name": name, "role": "resident", "language": "en"}})
    return member


def test_a_relay_says_it_is_a_relay_following_redis_and_the_owner_that_it_publishes(deployment):
    owner, (a, b) = deployment
    assert a.health()["role"] == "relay" and a.health()["following"] is True
    _, _, body = owner.get("/healthz")
    assert json.loads(body)["role"] == "owner" and json.loads(body)["publishing"] is True


def test_redis_holds_the_sessions_record_without_its_moderator_key_nor_its_hash(redis, deployment):
    owner, _ = deployment
    keys = subprocess.run(["redis-cli", "-p", str(redis.port), "--scan", "--pattern", "atelier:s:*:record"],
                          capture_output=True, text=True).stdout.split()
    assert len(keys) == 1
    record = subprocess.run(["redis-cli", "-p", str(redis.port), "hgetall", keys[0]], capture_output=True, text=True).stdout
    assert owner.code in record and "key" not in record.lower() and "salt" not in record.lower()
    assert owner.key not in subprocess.run(["redis-cli", "-p", str(redis.port), "--scan"], capture_output=True, text=True).stdout


def test_a_note_written_on_one_relay_reaches_members_on_the_other_exactly_once_and_after_its_ack(deployment):
    owner, (a, b) = deployment
    moderator = moderator_on(a, owner)
    anne = participant_on(a, owner, "Anne")
    bram = participant_on(b, owner, "Bram")
    moderator.command({"start": {}})
    moderator.command({"goToSlot": {"slot": "rooms"}})
    moderator.command({"openRooms": {"mode": "self"}})
    assert "ack" in anne.command({"chooseRoom": {"room": "night-economy"}})
    assert "ack" in bram.command({"chooseRoom": {"room": "night-economy"}})

    ack = anne.command({"addNote": {"prompt": "presence", "text": "Night mediators", "colour": "green"}})
    assert "ack" in ack
    # The writer already holds the event its ack names: acks come after the commit, on a relay too.
    assert ack["seq"] in anne.seqs()
    marker = anne.command({"addNote": {"prompt": "presence", "text": "Marker", "colour": "green"}})
    bram.wait_for(lambda e: note_text(e) == "Marker", "the marker note")
    assert [note_text(e) for e in bram.events].count("Night mediators") == 1
    assert len(bram.seqs()) == len(set(bram.seqs())) and bram.seqs() == sorted(bram.seqs())
    assert marker["seq"] == max(bram.seqs())


def announced(text):
    return lambda e: "announced" in e["event"] and text in json.dumps(e["event"]["announced"]["text"])


def breakout(moderator, rooms):
    """Opens the demo's breakout and puts each member in their room."""
    moderator.command({"start": {}})
    moderator.command({"goToSlot": {"slot": "rooms"}})
    moderator.command({"openRooms": {"mode": "self"}})
    for member, room in rooms:
        assert "ack" in member.command({"chooseRoom": {"room": room}})


def test_a_rooms_notes_reach_its_members_on_every_relay_and_no_other_rooms_members(deployment):
    owner, (a, b) = deployment
    moderator = moderator_on(a, owner)
    anne, bram, carl = participant_on(a, owner, "Anne"), participant_on(b, owner, "Bram"), participant_on(b, owner, "Carl")
    breakout(moderator, [(anne, "night-economy"), (bram, "public-space"), (carl, "night-economy")])

    assert "ack" in anne.command({"addNote": {"prompt": "presence", "text": "Night secret", "colour": "green"}})
    assert "ack" in moderator.command({"announce": {"text": "Ten minutes left"}})
    for member in (bram, carl):
        member.wait_for(announced("Ten minutes left"), "the announcement")
    assert [note_text(e) for e in carl.events].count("Night secret") == 1
    assert "Night secret" not in json.dumps(bram.events)


def test_a_hidden_vote_shows_members_of_another_relay_that_someone_voted_never_on_what(deployment):
    owner, (a, b) = deployment
    moderator = moderator_on(a, owner)
    anne, bram = participant_on(a, owner, "Anne"), participant_on(b, owner, "Bram")
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


def test_a_member_rejoins_on_the_other_relay_and_gets_what_it_missed_once(deployment):
    owner, (a, b) = deployment
    moderator = moderator_on(a, owner)
    anne = participant_on(a, owner, "Anne")
    moderator.command({"start": {}})
    anne.wait_for(lambda e: "sessionStarted" in e["event"], "the start")
    last = max(anne.seqs())
    anne.close()
    assert "ack" in moderator.command({"announce": {"text": "While Anne was away"}})

    back = Member(b.ws_url)
    answer = back.enter({"rejoin": {"code": owner.code, "token": anne.token, "after": last}})
    assert answer["welcome"]["participant"] == anne.id and answer["welcome"]["reset"] is False
    back.wait_for(announced("While Anne was away"), "the announcement made while away")
    assert min(back.seqs()) == last + 1 and back.seqs() == sorted(set(back.seqs()))


def test_when_a_relay_is_killed_its_members_rejoin_on_the_other_and_miss_and_repeat_nothing(deployment):
    owner, (a, b) = deployment
    moderator = moderator_on(b, owner)
    anne = participant_on(a, owner, "Anne")
    moderator.command({"start": {}})
    assert "ack" in moderator.command({"announce": {"text": "Before the fall"}})
    anne.wait_for(announced("Before the fall"), "the first announcement")
    a.process.kill()
    a.process.wait()
    assert "ack" in moderator.command({"announce": {"text": "After the fall"}})

    back = Member(b.ws_url)
    back.enter({"rejoin": {"code": owner.code, "token": anne.token, "after": max(anne.seqs())}})
    back.wait_for(announced("After the fall"), "the announcement made while the relay was down")
    assert sorted(set(anne.seqs() + back.seqs())) == anne.seqs() + back.seqs()
    assert anne.seqs() + back.seqs() == list(range(1, max(back.seqs()) + 1))


def test_after_redis_restarts_empty_the_owner_publishes_again_and_relays_carry_on(redis, deployment):
    owner, (a, b) = deployment
    moderator = moderator_on(a, owner)
    bram = participant_on(b, owner, "Bram")
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
