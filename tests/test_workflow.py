"""The release workflow ships the whole gallery: every folder that index.html links into is in
the run's artefact and in the release's zip (the compare pages were once left out)."""

from __future__ import annotations

import yaml

from generator.gallery import INDEX, PREVIEW
from generator.gallery.page import COMPARE

from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "release-decks.yml"


def _steps() -> list[dict[str, object]]:
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    return [step for job in jobs.values() for step in job["steps"]]


def test_the_artefact_holds_every_part_of_the_gallery():
    (upload,) = [s for s in _steps() if str(s.get("uses", "")).startswith("actions/upload-")]
    paths = str(upload["with"]["path"]).split()  # type: ignore[index]
    for part in (f"output/{INDEX}", f"output/{COMPARE}/", f"output/{PREVIEW}/"):
        assert part in paths


def test_the_release_zip_holds_every_part_of_the_gallery():
    (zipping,) = [s for s in _steps() if "zip -qr" in str(s.get("run", ""))]
    words = str(zipping["run"]).split()
    for part in (INDEX, COMPARE, PREVIEW, "*.pptx", "*.pdf"):
        assert part in words
