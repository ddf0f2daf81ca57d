"""Every variant: 22 decks from one `--all`, each region in its own brand with its own facts;
shards, the manifest, skipping unchanged decks, and a failing variant that stops nothing."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from pptx import Presentation

import generator
from generator.app.cli import main
from generator.app.variants import every_variant, select_shard

from .conftest import ROOT, TEMPLATES

REGIONS = sorted(path.stem for path in (ROOT / "content" / "regions").glob("*.yaml"))


class Project:
    """A copy of the project's content and templates, built through the real CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copytree(TEMPLATES, root / "templates")

    def run(self, *args: str, output: str = "output") -> Result:
        return CliRunner().invoke(
            main,
            [
                *args,
                "--content",
                str(self.root / "content" / "deck.yaml"),
                "--templates",
                str(self.root / "templates"),
                "--output",
                str(self.root / output),
            ],
        )

    def decks(self, output: str = "output") -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((self.root / output).glob("*.pptx"))}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    built = Project(tmp_path_factory.mktemp("project"))
    result = built.run("build", "--all")
    assert result.exit_code == 0, result.output
    return built


def theme_colours(deck: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        theme = package.read("ppt/theme/theme1.xml")
    return theme[theme.index(b"<a:clrScheme") : theme.index(b"</a:clrScheme>")]


def test_there_are_21_regions():
    assert len(REGIONS) == 21


def test_all_builds_the_national_deck_and_every_region(project: Project):
    names = list(project.decks())
    assert len(names) == 22
    assert "regionen-i-rorelse.pptx" in names
    regional = sorted(n.removeprefix("regionen-i-rorelse-")[:-5] for n in names if n.count("-") > 2)
    assert regional == REGIONS


@pytest.mark.parametrize("region", REGIONS)
def test_each_region_speaks_on_slide_1_and_has_its_facts_slide(project: Project, region: str):
    facts = yaml.safe_load((ROOT / "content" / "regions" / f"{region}.yaml").read_text("utf-8"))
    name = facts["region"]["name"]
    prs = Presentation(str(project.root / "output" / f"regionen-i-rorelse-{region}.pptx"))
    first = [shape.text_frame.text for shape in prs.slides[0].shapes if shape.has_text_frame]
    assert first == ["Regionen i rörelse", "– Att driva det regionala utvecklingsuppdraget", name]
    facts_slide = prs.slides[3]
    assert facts_slide.slide_layout.name == "facts"
    texts = [shape.text_frame.text for shape in facts_slide.shapes if shape.has_text_frame]
    assert texts[0] == name
    assert str(facts["region"]["kommuner"]) in texts


POPULATION = yaml.safe_load(
    (ROOT / "content" / "data" / "folkmangd-2023.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("region", REGIONS)
def test_each_facts_slide_shows_its_countys_population_and_municipalities(
    project: Project, region: str
):
    """Population as the data file gives its county's total (none where the file has none),
    then the municipalities as the region file counts them, and the sources under them."""
    facts = yaml.safe_load((ROOT / "content" / "regions" / f"{region}.yaml").read_text("utf-8"))
    code, kommuner = facts["region"]["scb_county_code"], facts["region"]["kommuner"]
    prs = Presentation(str(project.root / "output" / f"regionen-i-rorelse-{region}.pptx"))
    slide = prs.slides[3]
    texts = {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}
    figures = [texts[name] for name in sorted(texts) if name.startswith("Figure ")]
    labels = [texts[name] for name in sorted(texts) if name.startswith("Label ")]
    table = POPULATION["tables"].get(code)
    expected = [f"{table['total']:,}".replace(",", "\u00a0")] if table else []
    assert figures == [*expected, str(kommuner)]
    assert labels[-1] == ("kommun i länet" if kommuner == 1 else "kommuner i länet")
    if table:
        assert labels[0] == f"invånare i {facts['region']['county']}"
        assert texts["Source"] == f"Källor: {table['source']} · SCB:s läns- och kommunindelning"
        (source,) = [shape for shape in slide.shapes if shape.name == "Source"]
        links = [r.hyperlink.address for p in source.text_frame.paragraphs for r in p.runs]
        assert table["url"] in links
    else:
        assert code in POPULATION["missing"]
        assert texts["Source"] == "Källa: SCB:s läns- och kommunindelning"
    assert ("invånare" in " ".join(texts.values())) is bool(table)


def test_the_national_deck_has_none_of_the_region_only_slides(project: Project):
    prs = Presentation(str(project.root / "output" / "regionen-i-rorelse.pptx"))
    assert "facts" not in [slide.slide_layout.name for slide in prs.slides]
    text = " ".join(
        shape.text_frame.text
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    first = [shape.text_frame.text for shape in prs.slides[0].shapes if shape.has_text_frame]
    assert first[0] == "Regionen i rörelse"
    assert "kommuner i" not in text
    assert "Kontakt" not in text


def test_the_theme_colours_of_any_two_decks_differ(project: Project):
    schemes = {name: theme_colours(deck) for name, deck in project.decks().items()}
    assert len(schemes) == 22
    for (first, a), (second, b) in itertools.combinations(schemes.items(), 2):
        assert a != b, (first, second)


def test_region_files_hold_the_shared_facts_as_given(shared: Path):
    given = yaml.safe_load((shared / "data" / "regions.yaml").read_text(encoding="utf-8"))
    for facts in given["regions"]:
        path = ROOT / "content" / "regions" / f"{facts['slug']}.yaml"
        ours = yaml.safe_load(path.read_text(encoding="utf-8"))["region"]
        assert ours == {**facts, "scb_county_code": str(facts["scb_county_code"])}, path


def test_the_manifest_records_each_deck(project: Project):
    manifest = json.loads((project.root / "output" / "manifest.json").read_text("utf-8"))
    decks = manifest["decks"]
    assert sorted(decks) == sorted(["national", *REGIONS])
    varmland = decks["varmland"]
    deck = project.root / "output" / varmland["file"]
    assert varmland["file"] == "regionen-i-rorelse-varmland.pptx"
    assert varmland["sha256"] == hashlib.sha256(deck.read_bytes()).hexdigest()
    assert varmland["slides"] == 11  # with its municipalities' chart
    assert decks["national"]["slides"] == 9
    assert len(varmland["inputs"]) == 64
    assert varmland["deckgen"] == generator.__version__


def test_unchanged_decks_are_skipped_and_force_rebuilds_them(project: Project):
    again = project.run("build", "--all")
    assert again.exit_code == 0
    lines = again.stdout.splitlines()
    assert len(lines) == 23
    assert all(line.startswith("up to date ") for line in lines[:-1])
    assert lines[-1] == "0 written, 22 up to date, 0 failed"

    region = project.root / "content" / "regions" / "gotland.yaml"
    region.write_text(region.read_text("utf-8").replace("residensstad: Visby", "residensstad: X"))
    changed = project.run("build", "--all")
    region.write_text(region.read_text("utf-8").replace("residensstad: X", "residensstad: Visby"))
    assert [line for line in changed.stdout.splitlines() if not line.startswith("up to date")] == [
        f"wrote {project.root}/output/regionen-i-rorelse-gotland.pptx (11 slides)",
        "1 written, 21 up to date, 0 failed",
    ]

    forced = project.run("build", "--region", "varmland", "--force")
    assert (
        forced.stdout
        == f"wrote {project.root}/output/regionen-i-rorelse-varmland.pptx (11 slides)\n"
    )


def test_builds_are_byte_identical_across_runs_and_processes(project: Project):
    again = project.run("build", "--all", "--force", "--jobs", "2", output="again")
    assert again.exit_code == 0
    first, second = project.decks(), project.decks("again")
    first.pop("regionen-i-rorelse-gotland.pptx")  # rebuilt from changed content above
    second.pop("regionen-i-rorelse-gotland.pptx")
    assert first == second


def test_the_union_of_all_shards_is_all_and_they_do_not_overlap():
    variants = every_variant(ROOT / "content" / "deck.yaml")
    shards = [select_shard(variants, part, 4) for part in (1, 2, 3, 4)]
    assert sorted(v.key for shard in shards for v in shard) == sorted(v.key for v in variants)
    assert sum(len(shard) for shard in shards) == 22
    assert [len(shard) for shard in shards] == [6, 6, 5, 5]


def test_shards_built_through_the_cli_add_up_to_all(project: Project, tmp_path: Path):
    names: list[str] = []
    for part in ("1/3", "2/3", "3/3"):
        result = project.run("build", "--all", "--shard", part, output=f"shard-{part[0]}")
        assert result.exit_code == 0, result.output
        names += project.decks(f"shard-{part[0]}")
    assert sorted(names) == sorted(project.decks())


def test_a_failing_variant_does_not_stop_the_others(tmp_path: Path):
    broken = Project(tmp_path)
    region = broken.root / "content" / "regions" / "halland.yaml"
    region.write_text(region.read_text("utf-8").replace("kommuner: 6", "kommuner: sex"))
    result = broken.run("build", "--all")
    assert result.exit_code == 1
    assert len(broken.decks()) == 21
    assert "regionen-i-rorelse-halland.pptx" not in broken.decks()
    assert result.stdout.splitlines()[-1] == "21 written, 0 up to date, 1 failed"
    assert result.stderr == (
        f"{region}:12:13: error: region.kommuner: expected a whole number, got text 'sex'\n"
        "deckgen: 1 error; 1 of 22 decks failed (halland); the others were written.\n"
    )


def test_every_deck_passes_the_schema_validator(project: Project, shared: Path):
    decks = sorted((project.root / "output").glob("*.pptx"))
    assert len(decks) == 22
    validator = shared / "tools" / "validate_pptx.py"
    result = subprocess.run(
        [sys.executable, str(validator), *map(str, decks)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.skipif(
    not shutil.which("soffice") or not shutil.which("pdfinfo"),
    reason="--pdf needs LibreOffice's soffice and poppler's pdfinfo (apt-get install "
    "libreoffice-impress poppler-utils)",
)
def test_pdf_exports_each_deck_in_one_libreoffice_run(project: Project):
    result = project.run("build", "--all", "--shard", "1/11", "--pdf", output="pdf")
    assert result.exit_code == 0, result.output
    decks = sorted((project.root / "pdf").glob("*.pptx"))
    assert len(decks) == 2
    for deck in decks:
        pdf = deck.with_suffix(".pdf")
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        pages = next(line for line in info.splitlines() if line.startswith("Pages:"))
        assert pages.split()[-1] == str(len(Presentation(str(deck)).slides))
    assert result.stdout.splitlines()[-2:] == [
        f"wrote {decks[0].with_suffix('.pdf')}",
        f"wrote {decks[1].with_suffix('.pdf')}",
    ]
    again = project.run("build", "--all", "--shard", "1/11", "--pdf", output="pdf")
    assert "wrote" not in again.stdout  # decks and PDFs up to date: LibreOffice is not run


def test_when_every_deck_fails_the_summary_says_nothing_was_written(tmp_path: Path):
    broken = Project(tmp_path)
    deck = broken.root / "content" / "deck.yaml"
    deck.write_text(deck.read_text("utf-8").replace("kind: title", "kind: titel"), "utf-8")
    result = broken.run("build", "--all", "--shard", "1/11")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "0 written, 0 up to date, 2 failed"
    assert result.stderr.splitlines()[-1] == (
        "deckgen: 1 error; 2 of 2 decks failed (blekinge, orebro); nothing was written."
    )
    assert result.stderr.count("unknown kind 'titel'") == 1
    assert broken.decks() == {}


def test_a_photo_beside_a_region_file_is_an_input_of_that_regions_deck(tmp_path: Path):
    # Replacing a photo that the region file names must rebuild the deck: the photo once fell
    # out of the hash with the other regions' files, and the old photo shipped "up to date".
    project = Project(tmp_path)  # Gävleborg's file adds no slides, so `slides:` can follow
    regions = project.root / "content" / "regions"
    logos = TEMPLATES / "brands" / "logos"
    (regions / "eleonore.png").write_bytes((logos / "varmland.png").read_bytes())
    with (regions / "gavleborg.yaml").open("a", encoding="utf-8") as region:
        region.write(
            "slides:\n  panel:\n    people:\n"
            "      - {name: Eleonore Åkerlund, role: Direktör, photo: eleonore.png, alt: E}\n"
            "      - {name: Elsmari Julin, role: Direktör}\n"
        )
    deck = project.root / "output" / "regionen-i-rorelse-gavleborg.pptx"

    def build() -> Result:
        result = project.run("build", "--region", "gavleborg")
        assert (result.exit_code, result.stderr) == (0, ""), result.output
        return result

    assert build().stdout == f"wrote {deck.as_posix()} (10 slides)\n"
    assert build().stdout == f"up to date {deck.as_posix()} (10 slides)\n"
    new_photo = (logos / "dalarna.png").read_bytes()
    (regions / "eleonore.png").write_bytes(new_photo)
    assert build().stdout == f"wrote {deck.as_posix()} (10 slides)\n"
    with zipfile.ZipFile(deck) as package:
        media = [package.read(name) for name in package.namelist() if "/media/" in name]
    assert new_photo in media
