"""The files of Web/ as served: types and security headers, translation catalogs that agree,
no way for text to become markup, and the event-folding model's idempotence by seq."""
import gzip
import json
import re
import urllib.error
import urllib.request

import pytest

from web_support import ROOT, chromium_path

WEB = ROOT / "Web"
CATALOGS = sorted((WEB / "i18n").glob("*.json"))
VERSION = re.compile(rb'src="/v/([0-9a-f]{12})/')


def test_every_catalog_has_the_same_keys_and_placeholders():
    assert [c.stem for c in CATALOGS] == ["en", "fr", "nl"]
    loaded = {c.stem: json.loads(c.read_text()) for c in CATALOGS}

    def placeholders(value):
        text = json.dumps(value)
        return set(re.findall(r"\{(\w+)\}", text))

    for language, catalog in loaded.items():
        assert catalog.keys() == loaded["en"].keys(), language
        for key, value in catalog.items():
            assert placeholders(value) == placeholders(loaded["en"][key]), f"{language}: {key}"
            if isinstance(value, dict):
                assert "other" in value, f"{language}: {key} needs an 'other' form"


def test_every_key_the_code_uses_is_in_the_catalogs():
    used = set()
    for path in WEB.rglob("*.js"):
        used |= set(re.findall(r"t\.t\('([\w.]+)'", path.read_text()))
    english = json.loads((WEB / "i18n" / "en.json").read_text())
    assert used and used <= english.keys(), sorted(used - english.keys())


def imported_modules(entry):
    """Every module `entry` imports, directly or not, as paths under Web/ (e.g. `js/dom.js`)."""
    seen, waiting = set(), [entry]
    while waiting:
        module = waiting.pop()
        for target in re.findall(r"from '(\.{1,2}/[^']+)'", (WEB / module).read_text()):
            path = (WEB / module).parent.joinpath(target).resolve().relative_to(WEB.resolve()).as_posix()
            if path not in seen:
                seen.add(path)
                waiting.append(path)
    return seen


@pytest.mark.parametrize("page,entry", [("index.html", "js/app.js"), ("screen.html", "js/screen.js")])
def test_a_page_preloads_every_module_it_imports(page, entry):
    """On a slow link each level of imports costs a round trip; preloaded, they come at once."""
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/([^"]+)">', (WEB / page).read_text()))
    assert preloaded == imported_modules(entry)


def test_no_script_ever_writes_html():
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc|new Function|eval\(")
    for path in list(WEB.rglob("*.js")) + list(WEB.rglob("*.html")):
        text = path.read_text()
        assert not sinks.search(text), f"{path.relative_to(ROOT)} uses an HTML sink"
        if path.suffix == ".html":
            assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"{path.name}: inline script"
            assert " style=" not in text and "<style" not in text, f"{path.name}: inline style"
            assert "http://" not in text and "https://" not in text, f"{path.name}: external resource"


@pytest.mark.parametrize("path, content_type", [
    ("/", "text/html"), ("/screen", "text/html"), ("/js/app.js", "text/javascript"),
    ("/js/views/board.js", "text/javascript"), ("/css/atelier.css", "text/css"),
    ("/i18n/fr.json", "application/json"), ("/favicon.svg", "image/svg+xml"),
])
def test_the_page_is_served_with_its_type_and_a_strict_policy(live_server, path, content_type):
    status, headers, body = live_server.get(path)
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy
    if path == "/":
        assert re.search(r'src="/v/[0-9a-f]{12}/js/app\.js"', body)


MODEL_CHECK = r"""async () => {
  const { SessionModel } = await import('/js/model.js');
  const workshop = { languages: ['en'], roles: [], rooms: [{ id: 'a', theme: 'A' }], prompts: [{ id: 'q', text: 'Q' }],
    agenda: [{ id: 's', title: 'S', minutes: 5, kind: 'breakout' }], voting: {} };
  const model = new SessionModel();
  const message = (seq, name, fields) => ({ seq, at: seq, event: { [name]: fields } });
  const applied = [
    model.applyMessage(message(1, 'sessionCreated', { id: 'x', joinCode: 'C', workshop, at: 0 })),
    model.applyMessage(message(5, 'noteAdded', { id: 'n2', board: 's/a', prompt: 'q', author: 'p1', text: 'later', colour: 'pink', anonymous: false, at: 5 })),
    model.applyMessage(message(3, 'noteAdded', { id: 'n1', board: 's/a', prompt: 'q', author: 'p2', text: 'widened', colour: 'blue', anonymous: false, at: 3 })),
    model.applyMessage(message(5, 'noteAdded', { id: 'n2', board: 's/a', prompt: 'q', author: 'p1', text: 'later', colour: 'pink', anonymous: false, at: 5 })),
    model.applyMessage(message(6, 'noteEdited', { id: 'n2', text: 'edited', colour: 'green', at: 6 })),
    model.applyMessage(message(6, 'noteEdited', { id: 'n2', text: 'again', colour: 'green', at: 6 })),
  ];
  return { applied, maxSeq: model.maxSeq, order: model.notesOf('s/a').map((n) => n.text), journal: model.journal.length };
}"""


def test_the_model_applies_each_seq_once_and_orders_widened_events(live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{live_server.url}/")
        result = page.evaluate(MODEL_CHECK)
        browser.close()
    assert result["applied"] == [True, True, True, False, True, False]
    assert result["maxSeq"] == 6
    assert result["order"] == ["widened", "edited"]
    assert result["journal"] == 2


@pytest.mark.parametrize("path, file", [
    ("/", "index.html"), ("/js/app.js", "js/app.js"), ("/css/atelier.css", "css/atelier.css"),
    ("/i18n/nl.json", "i18n/nl.json"), ("/favicon.svg", "favicon.svg"),
])
def test_text_files_are_served_gzipped_with_validators(live_server, path, file):
    def fetch(headers):
        request = urllib.request.Request(live_server.url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    original = (WEB / file).read_bytes()
    if file.endswith(".html"):  # a page links its files under their content version
        version = VERSION.search(fetch({})[2]).group(1)
        original = re.sub(rb'(src|href)="/(js|css|favicon)', rb'\1="/v/' + version + rb'/\2', original)
    status, headers, body = fetch({"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "accept-encoding"
    assert gzip.decompress(body) == original
    assert len(body) < len(original)
    assert headers["Cache-Control"] == "no-cache"
    assert fetch({"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})[0] == 304
    status, plain_headers, plain = fetch({})
    assert plain == original and "Content-Encoding" not in plain_headers
    assert plain_headers["ETag"] != headers["ETag"]


def fetch(server, path, headers=None):
    request = urllib.request.Request(server.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("page", ["/", "/screen", "/accessibility"])
def test_a_page_links_its_files_under_a_content_version_cached_for_a_year(live_server, page):
    status, headers, body = fetch(live_server, page)
    assert status == 200 and headers["Cache-Control"] == "no-cache" and headers["ETag"]
    linked = re.findall(r'(?:src|href)="(/[^"]*)"', body.decode())
    versioned = [url for url in linked if url.startswith("/v/")]
    assert len(versioned) == len(linked) >= 3, linked
    assert len({url.split("/")[2] for url in versioned}) == 1
    for url in versioned:
        status, headers, file = fetch(live_server, url)
        assert status == 200 and headers["Cache-Control"] == "max-age=31536000, immutable", url
        assert file == (WEB / url.split("/", 3)[3]).read_bytes()
        assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_a_file_under_an_old_version_is_the_current_one_revalidated_and_the_plain_address_still_works(live_server):
    version = re.search(r'src="/v/([0-9a-f]{12})/js/app\.js"', fetch(live_server, "/")[2].decode()).group(1)
    for path in ("/v/000000000000/js/app.js", "/js/app.js", "/i18n/fr.json"):
        status, headers, body = fetch(live_server, path)
        assert status == 200 and headers["Cache-Control"] == "no-cache", path
    assert fetch(live_server, f"/v/{version}/i18n/nl.json")[1]["Cache-Control"] == "max-age=31536000, immutable"
    assert fetch(live_server, f"/v/{version}/")[1]["Cache-Control"] == "no-cache"
    assert fetch(live_server, f"/v/{version}/../SECURITY.md")[0] in (403, 404)
