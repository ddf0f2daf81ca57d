"""`--brand NAME`: a deck built in a brand of templates/brands/ instead of its content's, without
editing a content file. It is a deck of its own: its manifest key starts with the brand, its
file name ends in `.NAME.pptx`, and `check` and `preview` find it with the same options."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.app.cli import main
from generator.errors import DeckgenError
from generator.gallery.page import with_brand
from generator.output.manifest import Inputs
from generator.pipeline import MAX_STEM, Pipeline, file_name
from generator.source.variant import Options, Variant

from . import corpus
from .conftest import ROOT
from .preview_support import needs_renderers
from .test_corpus import project_on

PLAIN = "regionen-i-rorelse.pptx"
#: Region Värmland's and SKR's theme names and dark-2 colours, from their brand files.
VARMLAND = ("Region Värmland", "044400")
SKR = ("SKR", "025365")
DALARNA = ("Region Dalarna", "0074A2")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def theme(deck: Path) -> tuple[str, str]:
    """Return the deck's theme name and its dk2 colour."""
    with zipfile.ZipFile(deck) as package:
        xml = package.read("ppt/theme/theme1.xml").decode("utf-8")
    name = re.search(r'<a:theme [^>]*name="([^"]*)"', xml)
    dk2 = re.search(r'<a:dk2><a:srgbClr val="([0-9A-F]{6})"/>', xml)
    assert name is not None
    assert dk2 is not None
    return name.group(1), dk2.group(1)


def manifest(project: Path) -> dict[str, dict[str, object]]:
    decks: dict[str, dict[str, object]] = json.loads(
        (project / "output" / "manifest.json").read_text(encoding="utf-8")
    )["decks"]
    return decks


# Which deck it is -------------------------------------------------------------------------


def test_a_brand_prefixes_the_key_and_a_deck_without_one_keeps_its_key():
    content = Path("content/deck.yaml")
    anna = content.parent / "overlays" / "anna.yaml"
    assert Variant(content).key == "national"
    assert Variant(content, "varmland", (anna,)).key == "varmland+anna"
    assert Variant(content, brand="corp").key == "corp:national"
    assert Variant(content, "varmland", (anna,), "corp").key == "corp:varmland+anna"


@pytest.mark.parametrize("brand", ["Corp", "a:b", "a+b", "a.b", "../skr", "", "-corp", "x" * 65])
def test_a_variant_refuses_a_brand_that_is_not_a_brands_name(brand: str):
    with pytest.raises(ValueError, match="not a brand name"):
        Variant(Path("content/deck.yaml"), brand=brand)


def test_the_input_hash_says_which_brand_was_asked_for():
    inputs = Inputs(Options(Path("templates")), "1.0")
    content = Path("content/deck.yaml")
    hashes = {inputs.digest(Variant(content, brand=b), []) for b in (None, "skr", "corp")}
    assert len(hashes) == 3


def test_a_branded_deck_is_named_as_without_its_brand_then_the_brand():
    content = Path("content/deck.yaml")
    exempel = content.parent / "overlays" / "exempel.yaml"
    title = "Regionen i rörelse"
    assert file_name(title, title, Variant(content, brand="corp")) == "regionen-i-rorelse.corp.pptx"
    branded = Variant(content, "dalarna", (exempel,), "corp")
    assert file_name(title, title, branded) == "regionen-i-rorelse-dalarna--exempel.corp.pptx"


def test_a_branded_hashed_name_hashes_the_key_with_its_brand(tmp_path: Path):
    content = Path("content/deck.yaml")
    talk = tmp_path / "talk.yaml"  # outside overlays/: the hashed name
    title = "Regionen i rörelse"
    unbranded = Variant(content, None, (talk,))
    variant = Variant(content, None, (talk,), "corp")
    assert variant.key == f"corp:{unbranded.key}"
    for each, suffix in ((unbranded, ""), (variant, ".corp")):
        digest = hashlib.sha256(each.key.encode("utf-8")).hexdigest()[:10]
        assert file_name(title, title, each) == f"regionen-i-rorelse-talk_{digest}{suffix}.pptx"


def test_a_branded_name_stays_within_the_longest_stem():
    title = "a" * MAX_STEM  # the longest plain name: its stem is MAX_STEM characters
    content = Path("content/deck.yaml")
    assert file_name(title, title, Variant(content)) == f"{title}.pptx"
    branded = file_name(title, title, Variant(content, brand="corp"))
    digest = hashlib.sha256(b"corp:national").hexdigest()[:10]
    assert branded == f"{'a' * (MAX_STEM - 16)}_{digest}.corp.pptx"
    assert len(branded.removesuffix(".pptx")) == MAX_STEM


def test_the_gallery_names_the_brand_a_deck_was_built_in():
    assert with_brand("Region Värmland", "corp:varmland") == "Region Värmland · corp"
    assert with_brand("Region Värmland + anna", "corp:varmland+anna") == (
        "Region Värmland + anna · corp"
    )
    assert with_brand("Nationell version + a:b", "national+a:b") == "Nationell version + a:b"


# deckgen build ----------------------------------------------------------------------------


def test_build_brand_writes_the_national_deck_in_that_brand_beside_the_plain_one(project: Path):
    assert run("build").exit_code == 0
    plain = (project / "output" / PLAIN).read_bytes()
    result = run("build", "--brand", "varmland")
    assert result.exit_code == 0, result.output
    assert result.output == "wrote output/regionen-i-rorelse.varmland.pptx (9 slides)\n"
    assert (project / "output" / PLAIN).read_bytes() == plain
    assert theme(project / "output" / PLAIN) == SKR
    assert theme(project / "output" / "regionen-i-rorelse.varmland.pptx") == VARMLAND
    decks = manifest(project)
    assert sorted(decks) == ["national", "varmland:national"]
    assert decks["varmland:national"]["file"] == "regionen-i-rorelse.varmland.pptx"
    assert decks["varmland:national"]["name"] is None


def test_brand_overrides_the_brand_a_region_file_names(project: Path):
    assert run("build", "--region", "dalarna").exit_code == 0
    assert theme(project / "output" / "regionen-i-rorelse-dalarna.pptx") == DALARNA
    result = run("build", "--region", "dalarna", "--brand", "skr")
    assert result.exit_code == 0, result.output
    assert result.output == "wrote output/regionen-i-rorelse-dalarna.skr.pptx (11 slides)\n"
    assert theme(project / "output" / "regionen-i-rorelse-dalarna.skr.pptx") == SKR
    assert manifest(project)["skr:dalarna"]["name"] == "Region Dalarna"


def test_validate_names_the_branded_deck(project: Path):
    result = run("validate", "--region", "dalarna", "--brand", "skr")
    assert result.exit_code == 0, result.output
    assert result.output == "content/deck.yaml (skr:dalarna): ok (11 slides)\n"


def test_a_branded_deck_is_up_to_date_until_its_brand_changes(project: Path):
    deck = project / "output" / "regionen-i-rorelse.varmland.pptx"
    assert run("build", "--brand", "varmland").exit_code == 0
    first = deck.read_bytes()
    again = run("build", "--brand", "varmland")
    assert again.output == "up to date output/regionen-i-rorelse.varmland.pptx (9 slides)\n"
    forced = run("build", "--brand", "varmland", "--force")
    assert forced.output == "wrote output/regionen-i-rorelse.varmland.pptx (9 slides)\n"
    assert deck.read_bytes() == first
    skr = project / "templates" / "brands" / "skr.yaml"  # the content's brand, not used
    skr.write_text(skr.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert run("build", "--brand", "varmland").output.startswith("up to date ")
    brand = project / "templates" / "brands" / "varmland.yaml"
    brand.write_text(
        brand.read_text(encoding="utf-8").replace('dk2: "044400"', 'dk2: "123456"'),
        encoding="utf-8",
    )
    changed = run("build", "--brand", "varmland")
    assert changed.output == "wrote output/regionen-i-rorelse.varmland.pptx (9 slides)\n"
    assert theme(deck) == ("Region Värmland", "123456")


def test_an_unknown_brand_is_an_error_that_lists_the_brands(project: Path):
    result = run("build", "--brand", "varmlnd")
    assert result.exit_code == 1
    known = ", ".join(sorted(p.stem for p in (project / "templates" / "brands").glob("*.yaml")))
    assert result.stderr == (
        "templates/brands/varmlnd.yaml: error: unknown brand 'varmlnd'; did you mean"
        f" 'varmland'? (known: {known})\ndeckgen: 1 error; nothing was written.\n"
    )
    assert not (project / "output").exists()


@pytest.mark.parametrize("command", ["build", "validate", "check", "preview"])
def test_a_brand_that_is_not_a_name_is_a_usage_error(project: Path, command: str):
    result = run(command, "--brand", "Corp/x")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--brand': 'Corp/x' is not a brand's name: up to 64 lower-case"
        " letters, digits and dashes, such as corp, the name of a file in templates/brands/"
        " without .yaml\n"
    )


def test_build_all_with_a_brand_builds_every_deck_in_it_in_the_pool(project: Path):
    result = run("build", "--all", "--brand", "skr", "-j", "2")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("22 written, 0 up to date, 0 failed\n")
    regions = sorted(p.stem for p in (project / "content" / "regions").glob("*.yaml"))
    expected = ["regionen-i-rorelse.skr.pptx"]
    expected += [f"regionen-i-rorelse-{region}.skr.pptx" for region in regions]
    decks = sorted((project / "output").glob("*.pptx"))
    assert [deck.name for deck in decks] == sorted(expected)
    assert {theme(deck) for deck in decks} == {SKR}
    assert sorted(manifest(project)) == sorted(["skr:national", *(f"skr:{r}" for r in regions)])


def test_without_a_brand_the_keys_and_names_are_as_before(project: Path):
    result = run("build", "--region", "varmland")
    assert result.output == "wrote output/regionen-i-rorelse-varmland.pptx (11 slides)\n"
    assert sorted(manifest(project)) == ["varmland"]


def test_a_template_brand_that_loses_text_names_the_brand_file_given(tmp_path: Path):
    """The check before writing a deck on a template names the brand file it was drawn with:
    the one --brand names, not the content's."""
    made = corpus.made(tmp_path / "corpus")
    templates, content = project_on(tmp_path, made["pp-footers.pptx"], "Title, Text and Footers")
    text = content.read_text(encoding="utf-8").replace("brand: corp", "brand: skr")
    content.write_text(text, encoding="utf-8")
    mapping = (templates / "brands" / "corp.yaml").read_text(encoding="utf-8")
    (templates / "brands" / "corp.yaml").write_text(mapping.replace("Link: 2", "Link: 10"))
    from generator.check.fidelity import lost_on_template

    pipeline = Pipeline(Options(templates), verify=lost_on_template)
    with pytest.raises(DeckgenError) as caught:
        pipeline.build(Variant(content, brand="corp"), tmp_path / "output")
    [problem] = caught.value.diagnostics
    assert problem.file == str(templates / "brands" / "corp.yaml")
    assert "the text of its 'Link' placeholder, mapped to idx 10" in problem.message
    assert pipeline.build(Variant(content), tmp_path / "output").path.name == PLAIN


# deckgen check and preview ----------------------------------------------------------------

NOT_BUILT = (
    "output/manifest.json: error: not built yet: national; run deckgen build first (with the"
    " same options), or give --brand varmland, which built it\ndeckgen: 1 error; nothing was"
    " written.\n"
)


@needs_renderers
def test_check_finds_the_branded_deck_with_the_same_brand(project: Path):
    assert run("build", "--brand", "varmland").exit_code == 0
    result = run("check", "--brand", "varmland")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("1 deck checked: 0 errors")
    assert all(line.startswith("output/regionen-i-rorelse.varmland.pptx: ") for line in lines[:-1])
    plain = run("check")
    assert plain.exit_code == 1
    assert plain.stderr == NOT_BUILT


@needs_renderers
def test_preview_finds_the_branded_deck_and_shows_its_brand(project: Path):
    assert run("build", "--brand", "varmland").exit_code == 0
    result = run("preview", "--brand", "varmland")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("wrote output/index.html (1 deck)\n")
    assert (project / "output" / "preview" / "regionen-i-rorelse.varmland-sheet.png").is_file()
    page = (project / "output" / "index.html").read_text(encoding="utf-8")
    assert "Nationell version · varmland" in page
    plain = run("preview")
    assert plain.exit_code == 1
    assert plain.stderr == NOT_BUILT
