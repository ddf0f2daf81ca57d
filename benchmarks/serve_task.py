"""A speaker's whole task in `deckgen serve`'s page, in headless Chromium, with screenshots:

    .venv/bin/python benchmarks/serve_task.py DIR

On a copy of the content (the project's own is not touched): Region Dalarna, a new overlay,
quote 1 left out, quote 3 moved up, quote 2 edited, a quote of one's own added, the diagram
hidden, a note on the closing slide, the speaker named, save, a panel photo uploaded, and the
.pptx, .pdf and overlay downloaded. DIR gets the screenshots (1-opened.png, 2-edited.png,
3-saved.png, 4-phone.png) and the downloads; it prints the overlay and each slide's texts.
Needs LibreOffice, python3-uno, poppler and Chromium (DECKGEN_CHROMIUM, else /usr/bin/chromium).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PIL import Image
from pptx import Presentation
from serve import READY, served  # benchmarks/serve.py, beside this script

SAVED = "() => document.getElementById('status').textContent.startsWith('Sparat')"
PHOTO = "() => document.getElementById('status').textContent.startsWith('Fotot sparades')"


def print(*parts: object) -> None:  # noqa: A001 - the script's one output
    sys.stdout.write(" ".join(map(str, parts)) + "\n")


if len(sys.argv) != 2:
    sys.exit(__doc__)
shots = Path(sys.argv[1])
shots.mkdir(parents=True, exist_ok=True)
ready = READY
with served("deckgen-task-") as (b, url, work):
    photo = work / "foto.png"
    Image.new("RGB", (600, 800), (180, 120, 90)).save(photo)  # a portrait: cropped to a circle
    page = b.new_page(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=True
    )
    page.goto(url)
    page.wait_for_selector("body[data-ready]")
    page.select_option("#variant", label="Region Dalarna")
    page.fill("#overlay", "talare-dalarna")
    page.click("#oppna")
    page.wait_for_selector("#redigera:not([hidden])")
    page.wait_for_function(ready, timeout=180_000)
    print("status:", page.inner_text("#status"))
    page.screenshot(path=str(shots / "1-opened.png"))
    # quotes: uncheck quote 1, move quote 3 up, edit quote 2, add own
    boxes = page.locator("#citat fieldset")
    print("quotes:", boxes.count())
    boxes.nth(0).locator(".visa").uncheck()
    boxes.nth(2).locator("button", has_text="Flytta upp").click()
    boxes = page.locator("#citat fieldset")
    boxes.nth(1).locator(".text").fill(
        "”Vi i Dalarna driver utvecklingen tillsammans – år för år.”"
    )
    boxes.nth(1).locator(".attribution").fill("Exempel på källa")
    page.click("#nytt-citat")
    last = page.locator("#citat fieldset").last
    last.locator(".text").fill("”Det regionala uppdraget är ett lagarbete.”")
    last.locator(".attribution").fill("Exempel på källa")
    # hide the diagram slide, notes on the closing slide
    page.check("li.slide[data-id='uppdraget'] input[type=checkbox]")
    page.locator("li.slide[data-id='tack'] summary").click()
    page.locator("li.slide[data-id='tack'] textarea").fill("Tacka publiken och peka på QR-koden.")
    page.fill("#talare", "Förnamn Efternamn")
    page.screenshot(path=str(shots / "2-edited.png"), full_page=True)
    t = time.perf_counter()
    page.click("#spara")
    page.wait_for_function(SAVED, timeout=60_000)
    page.wait_for_function(ready, timeout=180_000)
    print("saved in", round(time.perf_counter() - t, 2), "s:", page.inner_text("#status"))
    # photo for person 1
    page.set_input_files("#foto", str(photo))
    page.click("#ladda-upp")
    page.wait_for_function(PHOTO, timeout=60_000)
    page.wait_for_function(ready, timeout=180_000)
    print("after photo:", page.inner_text("#status"))
    page.screenshot(path=str(shots / "3-saved.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=str(shots / "4-phone.png"))
    for link, name in [
        ("#ner-pptx", "deck.pptx"),
        ("#ner-pdf", "deck.pdf"),
        ("#ner-overlay", "overlay.yaml"),
    ]:
        with page.expect_download(timeout=120_000) as d:
            page.click(link)
        d.value.save_as(str(shots / name))
        print("downloaded", d.value.suggested_filename)
print((shots / "overlay.yaml").read_text("utf-8"))
prs = Presentation(str(shots / "deck.pptx"))
for i, s in enumerate(prs.slides, 1):
    hidden = s._element.get("show") == "0"
    texts = [
        sh.text_frame.text[:70] for sh in s.shapes if sh.has_text_frame and sh.text_frame.text
    ][:2]
    print(i, s._element.cSld.get("name"), "HIDDEN" if hidden else "", texts)
