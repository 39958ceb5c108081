"""The participant page around the end of a breakout and the results, drafts that are never lost,
the end screen, and languages: one language control, and a sentence in every language for every
refusal the server can send. Screenshots go to Tests/artifacts/web-room-*.png."""
import json
import re

from web_support import ROOT

SOURCES = ROOT / "Sources"
CATALOGS = {language: json.loads((ROOT / "Web" / "i18n" / f"{language}.json").read_text()) for language in ("fr", "nl", "en")}


def refusal_codes():
    """Every code the server can put in an error: the engine's and the wire's enumerations, and
    the codes the server and the message reader name themselves."""
    codes = set()
    for path in (SOURCES / "AtelierCore" / "Session" / "Refusal.swift", SOURCES / "AtelierWire" / "WireError.swift"):
        codes |= set(re.findall(r'case \w+ = "([a-z]+\.[a-zA-Z0-9]+)"', path.read_text()))
    for folder in (SOURCES / "AtelierServer", SOURCES / "AtelierWire"):
        for path in folder.rglob("*.swift"):
            codes |= set(re.findall(r'code: "([a-z]+\.[a-zA-Z]+)"', path.read_text()))
    return codes


def test_every_refusal_the_server_can_send_has_a_sentence_in_every_language():
    codes = refusal_codes()
    assert len(codes) > 70 and {"vote.budgetExhausted", "json.syntax", "server.storeFailed", "protocol.notJoined"} <= codes
    missing = {language: sorted(c for c in codes if f"error.{c}" not in catalog) for language, catalog in CATALOGS.items()}
    assert missing == {"fr": [], "nl": [], "en": []}
