// deckgen serve: the page. Plain JS, no build step, nothing fetched from elsewhere.
// The server's JSON API is the only source of truth; the form is rebuilt from it on load.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  variant: null, overlay: null, etag: null, data: {}, deck: null,
  rows: [], previous: {}, sent: null, dirty: false, saving: false,
  broken: false,  // the overlay does not build: the slides shown are the deck's without it
};

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key in node && !key.includes("-")) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function csrf() {
  const found = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return found ? decodeURIComponent(found.slice("csrftoken=".length)) : "";
}

// The live region at the top speaks; its copy by the save button is for the eyes only.
function say(text) { $("status").textContent = text; $("spar-status").textContent = text; }

async function api(url, options = {}) {
  const response = await fetch(url, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  return { response, body };
}

// Errors next to their fields -------------------------------------------------------------

function clearErrors() {
  for (const node of document.querySelectorAll(".field-error")) node.remove();
  for (const node of document.querySelectorAll("[aria-invalid=true]")) {
    node.removeAttribute("aria-invalid");
    const described = (node.getAttribute("aria-describedby") || "").split(" ")
      .filter((id) => !id.startsWith("fel-")).join(" ");
    if (described) node.setAttribute("aria-describedby", described);
    else node.removeAttribute("aria-describedby");
  }
  $("fel").hidden = true;
  $("fel").replaceChildren();
}

function fieldFor(path) {
  // A list's item names a slide: `hide[1]` is the hide box of the slide it names.
  if (path.length === 2 && typeof path[1] === "number" && state.sent) {
    const id = (state.sent[path[0]] || [])[path[1]];
    const byId = document.querySelector(`[data-path="${path[0]}-id/${CSS.escape(String(id))}"]`);
    if (byId) return byId;
  }
  for (let end = path.length; end > 0; end--) {
    const key = path.slice(0, end).join("/");
    const found = document.querySelector(`[data-path="${CSS.escape(key)}"]`);
    if (found) return found;
  }
  return null;
}

function showErrors(message, errors) {
  const general = [];
  let first = null;
  errors.forEach((error, index) => {
    const field = fieldFor(error.path || []);
    if (!field) { general.push(error.text || error.message); return; }
    const id = `fel-${index}`;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby",
      `${field.getAttribute("aria-describedby") || ""} ${id}`.trim());
    const note = el("p", { id, className: "field-error", text: error.message });
    (field.closest(".row") || field.parentElement).append(note);
    first = first || field;
  });
  const box = $("fel");
  box.replaceChildren(el("p", { text: message }));
  if (general.length) {
    const list = el("ul");
    for (const text of general) list.append(el("li", { text }));
    box.append(list);
  }
  box.hidden = false;
  if (first) first.focus();
}

// Loading -------------------------------------------------------------------------------------

async function start() {
  const [{ body: variants }, { body: overlays }] = await Promise.all([
    api("/api/variants"), api("/api/overlays"),
  ]);
  for (const v of variants.variants) $("variant").append(el("option", { value: v.slug, text: v.name }));
  for (const name of overlays.overlays) $("overlays").append(el("option", { value: name }));
  const query = new URLSearchParams(location.search);
  $("variant").value = query.get("variant") || "national";
  $("overlay").value = query.get("overlay") || (overlays.overlays[0] || "min-overlay");
  $("valj").addEventListener("submit", (event) => { event.preventDefault(); open(); });
  $("redigera").addEventListener("submit", (event) => { event.preventDefault(); save(); });
  $("redigera").addEventListener("input", () => { state.dirty = true; });
  $("nytt-citat").addEventListener("click", addQuote);
  $("ladda-upp").addEventListener("click", upload);
  listen();
  document.body.dataset.ready = "1";
  if (query.get("variant") && query.get("overlay")) await open();  // a link to a deck opens it
}

async function open() {
  clearErrors();
  const name = $("overlay").value.trim();
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) {
    showErrors("Namnet på overlayn går inte att använda.", [
      { path: ["overlay-name"], message: "Använd små bokstäver a–z, siffror och bindestreck." }]);
    return;
  }
  state.variant = $("variant").value;
  state.overlay = name;
  say("Bygger presentationen …");
  const overlay = await api(`/api/overlays/${name}`);
  if (overlay.response.status === 404) { state.data = {}; state.etag = null; }
  else if (!overlay.response.ok) { showErrors(overlay.body.error, overlay.body.errors || []); say(""); return; }
  else { state.data = overlay.body; state.etag = overlay.response.headers.get("etag"); }
  let deck = await api(deckUrl(""));
  // An overlay that no longer builds (edited by hand, or the deck changed under it) opens on
  // the deck without it, its errors shown, so that the speaker can put it right and save.
  const failed = !deck.response.ok && deck.response.status === 422 && state.etag ? deck.body : null;
  if (failed) deck = await api(`/api/decks/${state.variant}`);
  if (!deck.response.ok) { showErrors(deck.body.error, deck.body.errors || []); say(""); return; }
  state.deck = deck.body;
  state.broken = Boolean(failed);
  state.previous = {};
  render();
  state.dirty = false;
  $("redigera").hidden = false;
  history.replaceState(null, "", `?variant=${state.variant}&overlay=${name}`);
  if (failed) {
    showErrors(`Overlayn ${name} kan inte användas som den är: ${failed.error}. ` +
      "Bilderna visar presentationen utan den. Rätta felen och spara.", failed.errors || []);
    say("Overlayn behöver rättas.");
    return;
  }
  say(`${$("variant").selectedOptions[0].text}: ${state.deck.slides.length} bilder.` +
      (state.etag ? "" : " Overlayn finns inte än; den skapas när du sparar."));
}

function deckUrl(suffix) {
  const overlay = state.etag ? `?overlay=${state.overlay}` : "";
  return `/api/decks/${state.variant}${suffix}${overlay}`;
}

async function refreshDeck() {
  const deck = await api(deckUrl(""));
  if (!deck.response.ok) return;
  state.deck = deck.body;
  renderSlides();
}

// Rendering -------------------------------------------------------------------------------------

function render() {
  renderSlides(false);
  renderQuotes();
  const deck = state.data.deck || {};
  $("talare").value = (deck.speakers || []).join("\n");
  $("talare").placeholder = (state.deck.speakers || []).join("\n");
  $("organisation").value = deck.organisation || "";
  $("organisation").placeholder = state.deck.organisation;
  renderPeople();
  renderDownloads();
}

// keep: the speaker's unsaved notes and hide boxes stay as they are (new thumbnails came);
// otherwise the form shows the overlay as saved.
function renderSlides(keep = true) {
  const list = $("bilder");
  const notes = state.data.notes || {};
  const hiddenByOverlay = new Set(state.data.hide || []);
  const kept = {};
  const hides = {};
  if (keep) {
    for (const box of list.querySelectorAll("textarea[data-slide]")) kept[box.dataset.slide] = box.value;
    for (const box of list.querySelectorAll("input[data-slide]")) hides[box.dataset.slide] = box.checked;
  }
  list.replaceChildren();
  for (const slide of state.deck.slides) {
    const title = `Bild ${slide.number}: ${slide.title}`;
    const src = slide.thumbnail || state.previous[slide.id];
    if (slide.thumbnail) state.previous[slide.id] = slide.thumbnail;
    const picture = el("div", { className: "thumb" });
    if (src) picture.append(el("img", { src, alt: title, width: 480, height: 270 }));
    if (!slide.thumbnail) picture.append(el("span", { className: "pending", text: "Uppdateras …", "aria-hidden": "true" }));
    const hidden = slide.id in hides ? hides[slide.id] : slide.hidden || hiddenByOverlay.has(slide.id);
    const hide = el("input", { type: "checkbox", checked: hidden });
    hide.dataset.slide = slide.id;
    hide.dataset.wasHidden = slide.hidden ? "1" : "";
    hide.setAttribute("data-path", `hide-id/${slide.id}`);
    const noteId = `anteckning-${slide.id}`;
    const note = el("textarea", { id: noteId, rows: 3 });
    note.dataset.slide = slide.id;
    note.setAttribute("data-path", `notes/${slide.id}`);
    note.value = slide.id in kept ? kept[slide.id] : (notes[slide.id] || "");
    const card = el("li", { className: "slide" + (slide.hidden ? " hidden-slide" : "") },
      picture,
      el("p", { className: "slide-title" },
        el("span", { className: "badge", text: String(slide.number) }),
        document.createTextNode(" "),
        slide.hidden ? el("span", { className: "badge", text: "Dold" }) : null,
        slide.hidden ? document.createTextNode(" ") : null,
        document.createTextNode(slide.title)),
      el("label", { className: "check" }, hide, document.createTextNode(`Dölj bild ${slide.number}`)),
      el("details", {}, el("summary", { text: `Anteckningar till bild ${slide.number}` }),
        el("div", { className: "row" },
          el("label", { htmlFor: noteId, text: "Egna anteckningar (läggs till efter bildens)" }),
          note)));
    card.dataset.id = slide.id;
    list.append(card);
  }
}

function quoteRows() {
  const slides = state.data.slides || {};
  const base = Object.fromEntries(state.deck.quotes.map((q) => [q.id, q]));
  const chosen = state.data.quotes || state.deck.quotes.map((q) => q.id);
  const own = Object.keys(slides).filter((id) => slides[id].kind === "quote" && !(id in base));
  const ids = [...chosen, ...Object.keys(base).filter((id) => !chosen.includes(id)),
    ...own.filter((id) => !chosen.includes(id))];
  return ids.map((id) => ({
    id,
    shown: chosen.includes(id),
    own: !(id in base),
    base: base[id] || null,
    text: (slides[id] && slides[id].text) ?? (base[id] ? base[id].text : ""),
    attribution: (slides[id] && slides[id].attribution) ?? (base[id] ? base[id].attribution : ""),
  }));
}

function renderQuotes() {
  state.rows = quoteRows();
  drawQuotes();
}

function readQuotes() {
  for (const row of state.rows) {
    const box = document.querySelector(`[data-quote="${CSS.escape(row.id)}"]`);
    if (!box) continue;
    row.shown = box.querySelector(".visa").checked;
    row.text = box.querySelector(".text").value;
    row.attribution = box.querySelector(".attribution").value;
  }
}

function drawQuotes(focus) {
  const list = $("citat");
  list.replaceChildren();
  state.rows.forEach((row, index) => {
    const n = index + 1;
    const textId = `citat-text-${row.id}`;
    const attrId = `citat-kalla-${row.id}`;
    const shown = el("input", { type: "checkbox", checked: row.shown, className: "visa" });
    shown.setAttribute("data-path", `quotes-id/${row.id}`);
    const rows = Math.max(3, Math.min(8, Math.ceil(row.text.length / 45)));
    const text = el("textarea", { id: textId, rows, className: "text", value: row.text });
    text.setAttribute("data-path", `slides/${row.id}/text`);
    const attribution = el("input", { id: attrId, className: "attribution", value: row.attribution });
    attribution.setAttribute("data-path", `slides/${row.id}/attribution`);
    const up = el("button", { type: "button", text: "Flytta upp", disabled: index === 0 });
    up.setAttribute("aria-label", `Flytta citat ${n} upp`);
    up.addEventListener("click", () => move(index, -1, "upp"));
    const down = el("button", { type: "button", text: "Flytta ner", disabled: index === state.rows.length - 1 });
    down.setAttribute("aria-label", `Flytta citat ${n} ner`);
    down.addEventListener("click", () => move(index, 1, "ner"));
    const buttons = el("div", { className: "buttons" }, up, down);
    if (row.own) {
      const remove = el("button", { type: "button", text: "Ta bort" });
      remove.setAttribute("aria-label", `Ta bort citat ${n}`);
      remove.addEventListener("click", () => { readQuotes(); state.rows.splice(index, 1); state.dirty = true; drawQuotes(); say(`Citat ${n} borttaget. Spara för att behålla ändringen.`); });
      buttons.append(remove);
    }
    const fieldset = el("fieldset", { className: row.shown ? "" : "off" },
      el("legend", { text: `Citat ${n}` + (row.own ? " (eget)" : "") }),
      el("label", { className: "check" }, shown, document.createTextNode(`Visa citat ${n}`)),
      el("div", { className: "row" }, el("label", { htmlFor: textId, text: "Citattext" }), text),
      el("div", { className: "row" }, el("label", { htmlFor: attrId, text: "Källa" }), attribution),
      buttons);
    fieldset.dataset.quote = row.id;
    list.append(el("li", {}, fieldset));
  });
  if (focus) focus();
}

function move(index, step, word) {
  readQuotes();
  const [row] = state.rows.splice(index, 1);
  state.rows.splice(index + step, 0, row);
  state.dirty = true;
  drawQuotes(() => {
    const box = document.querySelector(`[data-quote="${CSS.escape(row.id)}"]`);
    const buttons = box.querySelectorAll(".buttons button");
    const target = step < 0 ? buttons[0] : buttons[1];
    (target.disabled ? (step < 0 ? buttons[1] : buttons[0]) : target).focus();
  });
  say(`Citatet flyttades ${word} till plats ${index + step + 1}.`);
}

function addQuote() {
  readQuotes();
  const taken = new Set(state.rows.map((r) => r.id));
  let id = "eget-citat";
  for (let n = 2; taken.has(id); n++) id = `eget-citat-${n}`;
  state.rows.push({ id, shown: true, own: true, base: null, text: "”…”", attribution: "" });
  state.dirty = true;
  drawQuotes(() => document.getElementById(`citat-text-${id}`).focus());
  say(`Ett nytt citat lades till som citat ${state.rows.length}.`);
}

function panelSlide() {
  return state.deck.slides.find((s) => s.kind === "panel" && s.fields.people);
}

function renderPeople() {
  const panel = panelSlide();
  $("foto-del").hidden = !panel;
  const select = $("person");
  select.replaceChildren();
  if (!panel) return;
  $("foto").setAttribute("data-path", `slides/${panel.id}/people`);
  panel.fields.people.forEach((person, index) => {
    select.append(el("option", { value: String(index), text: person.name }));
  });
}

function renderDownloads() {
  const ready = Boolean(state.etag);
  const links = { "ner-pptx": deckUrl(".pptx"), "ner-pdf": deckUrl(".pdf"),
    "ner-overlay": `/api/overlays/${state.overlay}.yaml` };
  for (const [id, href] of Object.entries(links)) {
    const link = $(id);
    link.href = href;
    if (id === "ner-overlay" && !ready) link.setAttribute("aria-disabled", "true");
    else link.removeAttribute("aria-disabled");
  }
}

// Saving ----------------------------------------------------------------------------------------

function overlayFromForm() {
  readQuotes();
  const data = structuredClone(state.data);
  const slides = data.slides || {};
  const base = Object.fromEntries(state.deck.quotes.map((q) => [q.id, q]));
  for (const row of state.rows) {
    const entry = slides[row.id] || {};
    if (row.own) {
      if (!row.shown) { delete slides[row.id]; continue; }
      slides[row.id] = { ...entry, kind: "quote", text: row.text, attribution: row.attribution };
      continue;
    }
    for (const key of ["text", "attribution"]) {
      if (row[key] !== base[row.id][key]) entry[key] = row[key];
      else delete entry[key];
    }
    if (Object.keys(entry).length) slides[row.id] = entry; else delete slides[row.id];
  }
  const allShown = state.rows.filter((r) => r.shown).map((r) => r.id);
  const unchanged = !data.quotes && allShown.join() === state.deck.quotes.map((q) => q.id).join();
  if (!unchanged) data.quotes = allShown;
  const hide = [];
  const wasInHide = new Set(state.data.hide || []);
  for (const box of document.querySelectorAll("#bilder input[data-slide]")) {
    const id = box.dataset.slide;
    const entry = slides[id] || {};
    if (box.checked) { hide.push(id); if (entry.hidden === false) delete entry.hidden; }
    else if (box.dataset.wasHidden && !wasInHide.has(id)) entry.hidden = false;
    if (Object.keys(entry).length) slides[id] = entry;
  }
  if (hide.length) data.hide = hide; else delete data.hide;
  // Shown without the overlay, the page has no box for a slide the overlay adds: keep its note.
  const shown = new Set([...document.querySelectorAll("#bilder textarea[data-slide]")]
    .map((box) => box.dataset.slide));
  const notes = state.broken ? Object.fromEntries(Object.entries(state.data.notes || {})
    .filter(([id]) => !shown.has(id))) : {};
  for (const box of document.querySelectorAll("#bilder textarea[data-slide]")) {
    if (box.value.trim()) notes[box.dataset.slide] = box.value;
  }
  if (Object.keys(notes).length) data.notes = notes; else delete data.notes;
  const deck = data.deck || {};
  const speakers = $("talare").value.split("\n").map((s) => s.trim()).filter(Boolean);
  if (speakers.length) deck.speakers = speakers; else delete deck.speakers;
  const organisation = $("organisation").value.trim();
  if (organisation) deck.organisation = organisation; else delete deck.organisation;
  if (Object.keys(deck).length) data.deck = deck; else delete data.deck;
  if (Object.keys(slides).length) data.slides = slides; else delete data.slides;
  return data;
}

async function put(data) {
  if (state.saving) return false;
  clearErrors();
  state.saving = true;
  // aria-disabled, not disabled: a disabled button loses the keyboard's focus
  $("spara").setAttribute("aria-disabled", "true");
  say("Sparar …");
  state.sent = data;
  const headers = { "content-type": "application/json", "x-csrf-token": csrf() };
  if (state.etag) headers["if-match"] = state.etag; else headers["if-none-match"] = "*";
  try {
    const { response, body } = await api(`/api/overlays/${state.overlay}?variant=${state.variant}`,
      { method: "PUT", headers, body: JSON.stringify(data) });
    if (!response.ok) {
      say("Inte sparat.");
      showErrors((body && body.error) || `Fel ${response.status}`, (body && body.errors) || []);
      return false;
    }
    state.etag = body.etag;
    state.data = data;
    state.deck = body.deck;
    state.broken = false;
    state.dirty = false;
    renderSlides(false);
    renderQuotes();
    renderPeople();
    renderDownloads();
    const waiting = state.deck.slides.filter((s) => !s.thumbnail).length;
    say(waiting ? `Sparat. ${waiting} miniatyrer uppdateras …` : "Sparat.");
    return true;
  } finally {
    state.saving = false;
    $("spara").removeAttribute("aria-disabled");
  }
}

function save() { return put(overlayFromForm()); }

async function upload() {
  clearErrors();
  const file = $("foto").files[0];
  if (!file) {
    showErrors("Välj en bild först.",
      [{ path: ["slides", panelSlide().id, "people"], message: "Ingen fil vald." }]);
    return;
  }
  say("Laddar upp …");
  const url = `/api/overlays/${state.overlay}/photos?filename=${encodeURIComponent(file.name)}`;
  const { response, body } = await api(url, {
    method: "POST", headers: { "x-csrf-token": csrf(), "content-type": file.type || "application/octet-stream" }, body: file });
  if (!response.ok) {
    say("Fotot laddades inte upp.");
    const message = (body && body.error) || `Fel ${response.status}`;
    showErrors(message, [{ path: ["slides", panelSlide().id, "people"], message }]);
    return;
  }
  const data = overlayFromForm();
  const panel = panelSlide();
  const people = panel.fields.people.map((p) => ({ ...p }));
  people[Number($("person").value)].photo = body.photo;
  data.slides = data.slides || {};
  data.slides[panel.id] = { ...(data.slides[panel.id] || {}), people };
  if (await put(data)) say(`Fotot sparades som ${body.photo}.`);
}

// Changes from the server -------------------------------------------------------------------------

function listen() {
  const events = new EventSource("/api/events");
  events.onmessage = async (message) => {
    const event = JSON.parse(message.data);
    if (event.variant !== state.variant) return;
    if ((event.overlay || null) !== (state.etag ? state.overlay : null)) return;
    if (event.type === "error") { say(`Presentationen byggs inte: ${event.message}`); return; }
    if (event.type === "deck" && !state.dirty && !state.saving) {
      const overlay = await api(`/api/overlays/${state.overlay}`);
      if (overlay.response.ok && overlay.response.headers.get("etag") !== state.etag) {
        state.data = overlay.body;
        state.etag = overlay.response.headers.get("etag");
        await refreshDeck();
        render();
        say("Overlay-filen ändrades på disken; sidan visar den nya.");
        return;
      }
    }
    await refreshDeck();
    if (event.type === "thumbnails") say("Miniatyrerna är uppdaterade.");
  };
}

start();
