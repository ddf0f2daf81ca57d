"""The population figures in content/data: complete per county where they have rows, adding
up, a total alone for six counties, and the same as ../shared/data/folkmangd-2023.yaml with every
source and mark (where ../shared is there)."""

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


def complete(ours: dict) -> dict[str, dict]:
    """The tables with every municipality's row."""
    return {code: table for code, table in ours["tables"].items() if "rows" in table}


def test_each_county_has_as_many_municipalities_as_its_region_file_says(ours):
    facts = region_facts()
    for code, table in complete(ours).items():
        assert len(table["rows"]) == facts[code]["kommuner"], code
    for code, table in ours["tables"].items():
        assert table["name"] == facts[code]["county"], code


def test_each_countys_municipalities_add_up_to_its_total(ours):
    for code, table in complete(ours).items():
        assert sum(row["value"] for row in table["rows"]) == table["total"], code
        assert all(isinstance(row["value"], int) and row["value"] > 0 for row in table["rows"])


def test_every_county_is_complete_a_total_alone_or_missing_with_a_reason(ours):
    assert set(ours["tables"]) | set(ours["missing"]) == set(region_facts())
    assert not set(ours["tables"]) & set(ours["missing"])
    assert all(reason.strip() for reason in ours["missing"].values())
    assert len(complete(ours)) == 10
    totals = {code for code, table in ours["tables"].items() if "rows" not in table}
    assert sorted(totals) == ["03", "05", "06", "07", "08", "19"]
    assert all(isinstance(ours["tables"][code]["total"], int) for code in totals)
    assert sorted(ours["missing"]) == ["01", "12", "14", "21", "23"]


def test_the_copy_has_the_shared_figures_sources_and_marks(ours, shared_data):
    counties = {county["scb_county_code"]: county for county in shared_data["counties"]}
    assert set(complete(ours)) == set(counties)
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
    assert sorted(code for code, t in complete(ours).items() if t["secondary"]) == [
        "04",
        "10",
        "20",
        "22",
    ]


def test_a_county_with_a_total_alone_has_the_shared_total_its_page_and_reason(ours, shared_data):
    """Six counties have no 2023 figure for every municipality but a county total from a page
    the shared file names: the copy has that total, links that page and keeps the reason."""
    for county in shared_data["incomplete_counties"]:
        code = county["scb_county_code"]
        if county["population"] is None:
            continue
        table = ours["tables"][code]
        assert "rows" not in table, code
        assert table["total"] == county["population"], code
        assert county["population_source"].startswith(table["url"]), code
        note = " ".join(table["note"].split())
        assert " ".join(county["population_source"].split()) in note, code
        assert " ".join(county["reason"].split()) in note, code
        assert table["secondary"] is True, code
        assert "andrahandskälla" in table["source"], code
        # SCB is named only where the shared file says the page cites it
        assert table["source"].startswith("SCB") is ("citing SCB" in county["population_source"])


def test_the_missing_counties_keep_the_shared_reasons(ours, shared_data):
    nothing = [c for c in shared_data["incomplete_counties"] if c["population"] is None]
    assert set(ours["missing"]) == {c["scb_county_code"] for c in nothing}
    for county in nothing:
        reason = " ".join(county["reason"].split())
        assert reason in " ".join(ours["missing"][county["scb_county_code"]].split())


def test_the_municipality_counts_match_the_shared_region_facts(ours, shared_data):
    regions = {r["scb_county_code"]: r for r in load(SHARED_REGIONS)["regions"]}
    for code, table in complete(ours).items():
        assert len(table["rows"]) == regions[code]["kommuner"], code
    for county in shared_data["counties"]:
        assert len(county["kommuner"]) == regions[county["scb_county_code"]]["kommuner"]
        total = sum(row["population"] for row in county["kommuner"])
        assert total == county["population"], county["county"]
