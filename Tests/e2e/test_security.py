"""Transport security as an operator runs it: TLS with a certificate made here, the websocket
Origin allow-list, no cookies, and the moderator key kept out of logs, exports and the database."""
import http.client
import json
import socket
import ssl
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, binary_path
from console_support import Participant, run_script, upgrade


def self_signed(tmp_path):
    """A certificate for 127.0.0.1 and localhost, valid one day, and its key (made with openssl)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_tls_serves_https_and_wss_with_a_self_signed_certificate(live_server_factory, tmp_path):
    cert, key = self_signed(tmp_path)
    server = live_server_factory(extra=["--tls-cert", cert, "--tls-key", key])
    assert server.url.startswith("https://127.0.0.1:")
    assert f"atelier moderate wss://{server.url[len('https://'):]}/ws --code {server.code}" in server.banner

    trusted = ssl.create_default_context(cafile=str(cert))
    with urllib.request.urlopen(server.url + "/healthz", timeout=10, context=trusted) as response:
        assert response.status == 200
        assert json.loads(response.read())["status"] == "ok"
    with urllib.request.urlopen(server.url + "/", timeout=10, context=trusted) as response:
        assert response.status == 200 and b"<html" in response.read().lower()

    anne = Participant(server.ws_url, server.code, "Anne", "elu-local", language="fr", tls=trusted)
    assert server.ws_url.startswith("wss://")
    assert anne.request({"ping": {}})["ack"]
    anne.close()

    # A client that does not trust the certificate cannot connect.
    with pytest.raises(urllib.error.URLError) as untrusted:
        urllib.request.urlopen(server.url + "/healthz", timeout=10)
    assert isinstance(untrusted.value.reason, ssl.SSLCertVerificationError)

    # Plain http on the TLS port gets no page: lws answers a non-TLS hello by closing.
    port = urllib.parse.urlparse(server.url).port
    plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    with pytest.raises((ConnectionError, http.client.HTTPException, socket.timeout)):
        plain.request("GET", "/healthz")
        plain.getresponse().read()


def tls_handshake(server, version, ciphers):
    """Opens a TLS connection offering only `version` and `ciphers`; returns the cipher agreed."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = context.maximum_version = version
    # Level 0 lets this client offer what a careless or old one would; the server must refuse it.
    context.set_ciphers(ciphers + ":@SECLEVEL=0")
    port = urllib.parse.urlparse(server.url).port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with context.wrap_socket(sock) as tls:
            return tls.cipher()[0]


def test_tls_1_2_offers_only_forward_secret_aead_suites(live_server_factory, tmp_path):
    cert, key = self_signed(tmp_path)
    server = live_server_factory(extra=["--tls-cert", cert, "--tls-key", key])
    v12 = ssl.TLSVersion.TLSv1_2
    assert tls_handshake(server, v12, "ECDHE-RSA-AES128-GCM-SHA256") == "ECDHE-RSA-AES128-GCM-SHA256"
    assert tls_handshake(server, v12, "ECDHE-RSA-CHACHA20-POLY1305") == "ECDHE-RSA-CHACHA20-POLY1305"
    # RSA key exchange (no forward secrecy), CBC with SHA-1, both.
    for weak in ["AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA", "AES128-SHA256"]:
        with pytest.raises(ssl.SSLError):
            tls_handshake(server, v12, weak)


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
def test_tls_before_1_2_is_refused(live_server_factory, tmp_path):
    cert, key = self_signed(tmp_path)
    server = live_server_factory(extra=["--tls-cert", cert, "--tls-key", key])
    for old in [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1]:
        with pytest.raises(ssl.SSLError):
            tls_handshake(server, old, "ECDHE-RSA-AES128-SHA")
    assert tls_handshake(server, ssl.TLSVersion.TLSv1_3, "DEFAULT").startswith("TLS_")


def test_https_responses_ask_browsers_to_keep_to_https(live_server_factory, tmp_path):
    cert, key = self_signed(tmp_path)
    server = live_server_factory(extra=["--tls-cert", cert, "--tls-key", key])
    trusted = ssl.create_default_context(cafile=str(cert))
    for path in ["/", "/healthz", "/missing"]:
        try:
            with urllib.request.urlopen(server.url + path, timeout=10, context=trusted) as response:
                headers = response.headers
        except urllib.error.HTTPError as error:
            headers = error.headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000", path


def test_plain_http_responses_carry_no_hsts(live_server):
    for path in ["/", "/healthz"]:
        status, headers, _ = live_server.get(path)
        assert status == 200 and headers["Strict-Transport-Security"] is None, path


def test_the_console_drives_a_tls_server_whose_certificate_it_trusts(live_server_factory, tmp_path):
    cert, key = self_signed(tmp_path)
    server = live_server_factory(extra=["--tls-cert", cert, "--tls-key", key])
    # OpenSSL's own variable names the certificate to trust, as a venue's own authority would be.
    transcript = tmp_path / "transcript.md"
    trusted = run_script(server, ["start", f"export md {transcript}"], env={"SSL_CERT_FILE": str(cert)})
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert "ok start seq=" in trusted.stdout
    # The transcript comes over the same wss connection.
    assert f"saved={transcript}" in trusted.stdout and transcript.read_text().startswith("#")
    untrusted = run_script(server, ["next"], env={"SSL_CERT_FILE": str(tmp_path / "none.pem")})
    assert untrusted.returncode == 1
    assert f"cannot reach {server.ws_url}" in untrusted.stdout + untrusted.stderr


def test_tls_needs_both_files_and_names_the_missing_one(atelier, tmp_path):
    cert, key = self_signed(tmp_path)
    alone = atelier("serve", "--db", tmp_path / "a.db", "--port", "0", "--tls-cert", cert)
    assert alone.returncode != 0 and "--tls-cert needs --tls-key" in alone.stderr
    alone = atelier("serve", "--db", tmp_path / "a.db", "--port", "0", "--tls-key", key)
    assert alone.returncode != 0 and "--tls-key needs --tls-cert" in alone.stderr
    missing = atelier("serve", "--db", tmp_path / "a.db", "--port", "0", "--tls-cert", tmp_path / "nope.pem",
                      "--tls-key", key)
    assert missing.returncode != 0 and f"--tls-cert {tmp_path / 'nope.pem'}: no such readable file" in missing.stderr
    # A key that is not the certificate's is refused when the server starts.
    (tmp_path / "other").mkdir()
    _, other_key = self_signed(tmp_path / "other")
    mismatched = atelier("serve", "--db", tmp_path / "a.db", "--port", "0", "--tls-cert", cert, "--tls-key", other_key)
    assert mismatched.returncode != 0 and "Cannot listen" in mismatched.stderr


def handshake_status(server, origin):
    url = urllib.parse.urlparse(server.ws_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        return upgrade(sock, url, origin).split(b"\r\n", 1)[0].decode()


def test_the_origin_allow_list_refuses_other_pages_with_403(live_server_factory):
    server = live_server_factory(extra=["--allow-origin", "https://atelier.example.org",
                                        "--allow-origin", "http://127.0.0.1:8080/"])
    assert handshake_status(server, "https://atelier.example.org").startswith("HTTP/1.1 101")
    assert handshake_status(server, "HTTP://127.0.0.1:8080").startswith("HTTP/1.1 101")
    assert handshake_status(server, "https://evil.example.com").split()[1] == "403"
    assert handshake_status(server, "null").split()[1] == "403"
    # Non-browser clients (the console, scripts) send no Origin and are not concerned.
    assert handshake_status(server, None).startswith("HTTP/1.1 101")
    status, _, metrics = server.get("/metrics")
    assert "\natelier_origin_refusals_total 2\n" in metrics
    # The allowed page's participants are served as usual.
    anne = Participant(server.ws_url, server.code, "Anne", "elu-local", language="fr", origin="https://atelier.example.org")
    assert anne.request({"ping": {}})["ack"]


def test_without_an_allow_list_any_origin_may_connect(live_server):
    assert handshake_status(live_server, "https://elsewhere.example").startswith("HTTP/1.1 101")
    assert "\natelier_origin_refusals_total 0\n" in live_server.get("/metrics")[2]


def test_a_malformed_origin_option_is_refused(atelier, tmp_path):
    result = atelier("serve", "--db", tmp_path / "a.db", "--port", "0", "--allow-origin", "atelier.example.org")
    assert result.returncode != 0 and "an origin is scheme://host[:port]" in result.stderr


def test_no_response_sets_a_cookie(live_server):
    """Tokens live in the page's localStorage and travel only inside the websocket: no cookie, ever."""
    responses = []
    for path in ["/", "/index.html", "/screen", f"/?code={live_server.code}", "/healthz", "/metrics",
                 "/missing", f"/export?code={live_server.code}&format=md"]:
        request = urllib.request.Request(live_server.url + path)
        if path.startswith("/export"):
            request.add_header("Authorization", f"Bearer {live_server.key}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                responses.append((path, response.status, response.headers))
        except urllib.error.HTTPError as error:
            responses.append((path, error.code, error.headers))
    unauthorised = urllib.request.Request(f"{live_server.url}/export?code={live_server.code}&format=md")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unauthorised, timeout=10)
    responses.append(("/export without key", refused.value.code, refused.value.headers))
    assert {status for _, status, _ in responses} == {200, 401, 404}
    for path, _, headers in responses:
        assert headers.get_all("Set-Cookie") is None, path
    anne = Participant(live_server.ws_url, live_server.code, "Anne", "elu-local", language="fr")
    assert b"set-cookie" not in anne.handshake.lower()


def test_wrong_export_keys_are_logged_with_the_address_and_never_the_key(live_server):
    guesses = ["AAAA-BBBB-CCCC-DDDD", "EEEE-FFFF-GGGG-HHHH", "JJJJ-KKKK-LLLL-MMMM"]
    for guess in guesses:
        request = urllib.request.Request(f"{live_server.url}/export?code={live_server.code}&format=md")
        request.add_header("Authorization", f"Bearer {guess}")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
    _, log = live_server.stop()
    logged = [line for line in log.splitlines() if "wrong moderator key" in line]
    assert len(logged) == 3
    assert all("peer=127.0.0.1" in line and f"session={live_server.code}" in line for line in logged), logged
    for guess in guesses:
        assert guess not in log


def test_the_moderator_key_never_appears_in_logs_exports_or_the_database(live_server_factory, tmp_path):
    """Nor a participant's reconnect token: both are stored only as hashes."""
    server = live_server_factory(extra=["--log-level", "trace"])
    key = server.key
    anne = Participant(server.ws_url, server.code, "Anne", "elu-local", language="fr", organisation="Ville de Liège")
    lines = ["start", "announce Bienvenue", "next", "pause", "resume",
             "rec draft Ouvrir les maisons de quartier le soir", f"export md {tmp_path / 'console.md'}"]
    result = run_script(server, lines, "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    wrong = run_script(server, ["start"], "--new-identity", key="AAAA-BBBB-CCCC-DDDD")
    assert wrong.returncode == 1

    exports = [(tmp_path / "console.md").read_bytes()]
    for query in ["format=md", "format=html", "format=json", "format=csv&table=notes",
                  "format=csv&table=comments", "format=csv&table=votes"]:
        request = urllib.request.Request(f"{server.url}/export?code={server.code}&{query}")
        request.add_header("Authorization", f"Bearer {key}")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            exports.append(response.read())
    offline = tmp_path / "offline"
    subprocess.run([binary_path(), "export", server.code, "--db", str(server.database), "--out", str(offline)],
                   check=True, capture_output=True, cwd=ROOT, timeout=60)
    exports += [path.read_bytes() for path in offline.iterdir()]
    anne.close()

    code, log = server.stop()
    assert code == 0
    assert "joined" in log and "session started" in log, "the log was written"
    assert key not in log and anne.token not in log
    assert key not in result.stdout + result.stderr
    for exported in exports:
        assert key.encode() not in exported
    stored = list(tmp_path.glob("atelier.db*"))
    assert stored
    for path in stored:
        assert key.encode() not in path.read_bytes(), path.name
        assert anne.token.encode() not in path.read_bytes(), path.name
