"""The population figures in content/data: complete per county, adding up, and the same as
../shared/data/folkmangd-2023.yaml with every source and mark (where ../shared is there)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, SHARED

DATA = ROOT / "content" / "data" / "folkmangd-2023.yaml"
SHARED_DATA = SHARED / "data" / "folkmangd-2023.yaml"
SHARED_REGIONS = SHARED / "data" / "regions.yaml"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


@pytest.fixture(scope="module")
def ours() -> dict:
    return load(DATA)


@pytest.fixture(scope="module")
def shared_data() -> dict:
    if not SHARED_DATA.is_file():
        pytest.skip(f"../shared is absent ({SHARED_DATA}): the repository's copy is tested alone")
    return load(SHARED_DATA)


def region_facts() -> dict[str, dict]:
    """Each region file's facts, by SCB county code."""
    facts = [load(path)["region"] for path in (ROOT / "content" / "regions").glob("*.yaml")]
    return {region["scb_county_code"]: region for region in facts}


def test_each_county_has_as_many_municipalities_as_its_region_file_says(ours):
    facts = region_facts()
    for code, table in ours["tables"].items():
        assert len(table["rows"]) == facts[code]["kommuner"], code
        assert table["name"] == facts[code]["county"], code


def test_each_countys_municipalities_add_up_to_its_total(ours):
    for code, table in ours["tables"].items():
        assert sum(row["value"] for row in table["rows"]) == table["total"], code
        assert all(isinstance(row["value"], int) and row["value"] > 0 for row in table["rows"])


def test_every_county_is_either_complete_or_missing_with_a_reason(ours):
    assert set(ours["tables"]) | set(ours["missing"]) == set(region_facts())
    assert not set(ours["tables"]) & set(ours["missing"])
    assert all(reason.strip() for reason in ours["missing"].values())


def test_the_copy_has_the_shared_figures_sources_and_marks(ours, shared_data):
    counties = {county["scb_county_code"]: county for county in shared_data["counties"]}
    assert set(ours["tables"]) == set(counties)
    for code, county in counties.items():
        table = ours["tables"][code]
        assert [(row["label"], row["value"]) for row in table["rows"]] == [
            (row["name"], row["population"]) for row in county["kommuner"]
        ], code
        assert table["total"] == county["population"]
        assert table["url"] == county["source"]
        assert county["source_type"] in " ".join(table["note"].split())
        assert " ".join(county["county_total_read_from"].split()) in " ".join(table["note"].split())
        secondary = county["source_type"].startswith("SECONDARY")
        assert table["secondary"] is secondary, code
        assert ("andrahandskälla" in table["source"]) is secondary, code
    assert sorted(code for code, t in ours["tables"].items() if t["secondary"]) == [
        "04",
        "10",
        "20",
        "22",
    ]


def test_the_missing_counties_keep_the_shared_reasons(ours, shared_data):
    reasons = {c["scb_county_code"]: c["reason"] for c in shared_data["incomplete_counties"]}
    assert set(ours["missing"]) == set(reasons)
    for code, reason in reasons.items():
        assert " ".join(reason.split()) in " ".join(ours["missing"][code].split()), code


def test_the_municipality_counts_match_the_shared_region_facts(ours, shared_data):
    regions = {r["scb_county_code"]: r for r in load(SHARED_REGIONS)["regions"]}
    for code, table in ours["tables"].items():
        assert len(table["rows"]) == regions[code]["kommuner"], code
    for county in shared_data["counties"]:
        assert len(county["kommuner"]) == regions[county["scb_county_code"]]["kommuner"]
        total = sum(row["population"] for row in county["kommuner"])
        assert total == county["population"], county["county"]
