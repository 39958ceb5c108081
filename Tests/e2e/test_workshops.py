"""Workshop files as an organiser meets them: `atelier check` and the editor schema agree."""
import json

import jsonschema
import pytest

from conftest import ROOT, SHIPPED, WORKSHOPS

SCHEMA = json.loads((WORKSHOPS / "schema.json").read_text())
MAXIMAL = ROOT / "Tests" / "e2e" / "fixtures" / "maximal-workshop.json"


def schema_errors(document):
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [error.message for error in validator.iter_errors(document)]


def test_at_least_four_workshops_are_shipped():
    assert len(SHIPPED) >= 4


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_workshop_passes_check(atelier, path):
    result = atelier("check", path)
    assert result.returncode == 0, result.stderr
    assert f"{path.relative_to(ROOT)}: ok" in result.stdout or f"{path}: ok" in result.stdout


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_workshop_matches_the_schema(path):
    assert schema_errors(json.loads(path.read_text())) == []


def property_names(schema):
    """Every property name the schema defines, anywhere."""
    names = set()
    if isinstance(schema, dict):
        names.update(schema.get("properties", {}).keys())
        for value in schema.values():
            names |= property_names(value)
    elif isinstance(schema, list):
        for value in schema:
            names |= property_names(value)
    return names


def keys_in(document):
    keys = set()
    if isinstance(document, dict):
        for key, value in document.items():
            keys.add(key)
            keys |= keys_in(value)
    elif isinstance(document, list):
        for value in document:
            keys |= keys_in(value)
    return keys


def test_every_property_of_the_schema_is_accepted_by_check(atelier):
    document = json.loads(MAXIMAL.read_text())
    assert property_names(SCHEMA) <= keys_in(document) | {"fr", "nl", "en"}
    assert schema_errors(document) == []
    result = atelier("check", MAXIMAL)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("change, expected", [
    (lambda w: w["agenda"][1].update(minutes=0), "agenda[1].minutes: must be a positive integer of at most 1440"),
    (lambda w: w["agenda"][0].update(speaker="x"), "agenda[0].speaker: unknown field"),
    (lambda w: w.update(languages=["fr", "de"]), "languages[1]"),
    (lambda w: w["rooms"].append(dict(w["rooms"][0])), "rooms[5].id"),
    (lambda w: w["agenda"][3].update(kind="workshop"), "agenda[3].kind"),
    (lambda w: w.update(date="21/01/2021"), "date: must be a date written YYYY-MM-DD"),
    (lambda w: w["voting"].update(maxDotsPerNote=101), "voting.maxDotsPerNote"),
    (lambda w: w.update(rooms=[{"id": "plenary", "theme": "x"}]), "rooms[0].id"),
    (lambda w: w.update(contact=""), "contact: must be 1 to 200 characters"),
    (lambda w: w.update(retentionDays=0), "retentionDays: must be a whole number of days from 1 to 3650"),
])
def test_broken_workshop_is_refused_by_check_and_schema(atelier, tmp_path, change, expected):
    document = json.loads((WORKSHOPS / "befus-25-ans.json").read_text())
    change(document)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document, ensure_ascii=False, indent=2))
    result = atelier("check", broken)
    assert result.returncode == 1
    assert expected in result.stderr
    assert f"{broken}:" in result.stderr.splitlines()[0]
    assert schema_errors(document) != [] or expected.startswith(("rooms[5]", "voting.maxDotsPerNote"))


def test_check_says_what_the_privacy_notice_states_when_the_file_leaves_it_out(atelier, tmp_path):
    document = json.loads((WORKSHOPS / "befus-25-ans.json").read_text())
    del document["contact"], document["retentionDays"]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(document, ensure_ascii=False))
    result = atelier("check", bare)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        f"{bare}: contact: not given: the privacy notice names the organiser, BeFUS asbl, as the contact",
        f"{bare}: retentionDays: not given: the privacy notice says names are kept 30 days after the session",
    ]
    shipped = atelier("check", *SHIPPED)
    assert "not given" not in shipped.stdout


def test_syntax_error_is_reported_with_its_line(atelier, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "format": 1,\n  "id": "x"\n  "title": "y"\n}\n')
    result = atelier("check", broken)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{broken}:4:")


def test_check_reports_every_file_and_fails_if_any_fails(atelier, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("[]")
    result = atelier("check", SHIPPED[0], broken)
    assert result.returncode == 1
    assert ": ok" in result.stdout
    assert str(broken) in result.stderr
