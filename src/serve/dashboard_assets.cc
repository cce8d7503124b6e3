#include "serve/dashboard_assets.h"

namespace encore::serve {

// One page, no external resources (the server may run without internet).
// Element ids used by tests/serve/dashboard_browser_test.js: #user-select,
// #recs, .rec, #history, #metrics-requests, #catalog, #item-details, #item-analysis, #report.
std::string_view DashboardHtml() {
  return R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>encore dashboard</title>
<style>
  :root { --bg:#0f1419; --panel:#182029; --line:#2a3541; --text:#e6edf3; --dim:#8b98a5; --accent:#f0883e; --good:#3fb950; --bad:#f85149; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); }
  header { display:flex; align-items:center; gap:24px; padding:12px 20px; border-bottom:1px solid var(--line); background:#0b0f13; flex-wrap:wrap; }
  header h1 { margin:0; font-size:20px; color:var(--accent); letter-spacing:.5px; }
  .stat { display:flex; flex-direction:column; }
  .stat b { font-size:18px; }
  .stat span { color:var(--dim); font-size:12px; }
  main { display:grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr); gap:16px; padding:16px 20px; }
  section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px 14px; min-width:0; }
  section h2 { margin:0 0 10px; font-size:15px; color:var(--dim); text-transform:uppercase; letter-spacing:1px; }
  .wide { grid-column: 1 / -1; }
  input, select, button { background:#0b0f13; color:var(--text); border:1px solid var(--line); border-radius:6px; padding:6px 8px; font:inherit; }
  button { cursor:pointer; } button:hover { border-color:var(--accent); }
  .row { display:flex; gap:8px; align-items:center; flex-wrap:wrap; margin-bottom:8px; }
  ol, ul { margin:0; padding-left:22px; }
  li { margin:4px 0; }
  .rec .title, .hist .title { font-weight:600; }
  .why { color:var(--dim); font-size:12.5px; }
  .src { display:inline-block; font-size:11px; padding:0 5px; margin-left:4px; border-radius:4px; background:#23303c; color:#9ecbff; }
  .tag { display:inline-block; font-size:11px; padding:0 6px; margin:1px; border-radius:9px; background:#2b2240; color:#d2a8ff; }
  .muted { color:var(--dim); }
  .fallback { color:var(--accent); font-weight:600; }
  table { border-collapse:collapse; width:100%; font-size:13px; }
  th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); }
  th { color:var(--dim); font-weight:500; }
  .item-link { cursor:pointer; color:#9ecbff; }
  .item-link:hover { text-decoration:underline; }
  pre { white-space:pre-wrap; background:#0b0f13; padding:10px; border-radius:6px; max-height:420px; overflow:auto; font-size:12.5px; }
  .error { color:var(--bad); }
</style>
</head>
<body>
<header>
  <h1>encore</h1>
  <div class="stat"><b id="model-name">–</b><span>model</span></div>
  <div class="stat"><b id="metrics-requests">0</b><span>requests</span></div>
  <div class="stat"><b id="metrics-errors">0</b><span>4xx/5xx</span></div>
  <div class="stat"><b id="metrics-latency">–</b><span>mean latency</span></div>
  <div class="stat"><b id="metrics-events">0</b><span>events ingested</span></div>
  <div class="stat"><b id="catalog-size">–</b><span>items / users</span></div>
</header>
<main>
  <section id="user-panel">
    <h2>Users</h2>
    <div class="row">
      <select id="user-select" aria-label="user"><option value="">pick a user…</option></select>
      <input id="user-id" placeholder="or type a user id" size="14">
      <button id="user-go">Show</button>
    </div>
    <div class="row">
      <label>kind <select id="rec-kind"><option value="">any</option><option>movie</option><option>episode</option><option>clip</option><option>track</option><option>podcast</option><option>artist</option><option>other</option></select></label>
      <label>genre <input id="rec-genre" size="10"></label>
      <label>diversity <input id="rec-div" type="number" min="0" max="1" step="0.1" value="0.2" style="width:60px"></label>
    </div>
    <div id="user-summary" class="muted">Pick a user to see their history and recommendations.</div>
    <h2 style="margin-top:12px">Recommendations</h2>
    <ol id="recs"></ol>
    <h2 style="margin-top:12px">History (newest first)</h2>
    <ul id="history"></ul>
  </section>
  <section id="catalog-panel">
    <h2>Catalogue</h2>
    <div class="row">
      <input id="catalog-q" placeholder="search titles, tags, descriptions" size="28">
      <button id="catalog-search">Search</button>
      <button id="catalog-prev">‹</button><span id="catalog-page" class="muted"></span><button id="catalog-next">›</button>
    </div>
    <table><thead><tr><th>id</th><th>title</th><th>kind</th><th>genres</th></tr></thead><tbody id="catalog"></tbody></table>
    <div id="item-details" style="margin-top:12px"></div>
  </section>
  <section id="metrics-panel">
    <h2>Routes</h2>
    <table><thead><tr><th>route</th><th>requests</th><th>errors</th><th>mean ms</th><th>p50 ≤</th><th>p99 ≤</th></tr></thead><tbody id="routes"></tbody></table>
  </section>
  <section id="report-panel">
    <h2>Latest evaluation report</h2>
    <div id="report" class="muted">loading…</div>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"}[c]));
async function api(path) {
  const r = await fetch(path);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((body.error && body.error.message) || ("HTTP " + r.status));
  return body;
}
const tags = (list) => (list || []).map((g) => `<span class="tag">${esc(g)}</span>`).join("");

async function refreshStats() {
  try {
    const s = await api("/api/stats");
    const m = s.metrics;
    $("model-name").textContent = `${s.model.name} v${s.model.version}`;
    $("metrics-requests").textContent = m.requests;
    $("metrics-errors").textContent = m.errors;
    $("metrics-latency").textContent = m.requests ? m.mean_ms.toFixed(2) + " ms" : "–";
    $("metrics-events").textContent = m.events_ingested;
    $("catalog-size").textContent = `${s.items} / ${s.users}`;
    $("routes").innerHTML = m.routes.map((r) =>
      `<tr><td>${esc(r.method)} ${esc(r.route)}</td><td>${r.requests}</td><td>${r.errors}</td>` +
      `<td>${r.mean_ms.toFixed(2)}</td><td>${r.p50_ms_le}</td><td>${r.p99_ms_le}</td></tr>`).join("");
  } catch (e) { $("metrics-requests").textContent = "?"; }
}

async function loadUsers() {
  const data = await api("/api/users?limit=500");
  const sel = $("user-select");
  for (const u of data.users) {
    const o = document.createElement("option");
    o.value = u.id; o.textContent = `${u.id} (${u.history_size})`;
    sel.appendChild(o);
  }
}

async function showUser(id) {
  if (!id) return;
  $("user-id").value = id;
  const params = new URLSearchParams({ n: "10", explain: "true", diversity: $("rec-div").value || "0.2" });
  if ($("rec-kind").value) params.set("kind", $("rec-kind").value);
  if ($("rec-genre").value.trim()) params.set("genre", $("rec-genre").value.trim());
  $("recs").innerHTML = "<li class='muted'>loading…</li>";
  try {
    const rec = await api(`/api/recommend/${encodeURIComponent(id)}?${params}`);
    $("recs").innerHTML = rec.items.map((it) =>
      `<li class="rec" data-id="${esc(it.id)}"><span class="title item-link" data-item="${esc(it.id)}">${esc(it.title || it.id)}</span>` +
      ` <span class="muted">${esc(it.kind)}</span> ${tags(it.genres)}` +
      it.sources.map((s) => `<span class="src">${esc(s)}</span>`).join("") +
      `<div class="why">${esc(it.explanation ? it.explanation.text : "")}</div></li>`).join("") ||
      "<li class='muted'>nothing to recommend</li>";
    $("user-summary").innerHTML = rec.fallback
      ? `<span class="fallback">fallback</span>: ${rec.known_user ? "no personal signal yet" : "unknown user"} — popular and new items`
      : `personalised by <b>${esc(rec.model.name)}</b> v${rec.model.version}`;
  } catch (e) { $("recs").innerHTML = `<li class="error">${esc(e.message)}</li>`; }
  try {
    const u = await api(`/api/users/${encodeURIComponent(id)}?history=20`);
    $("history").innerHTML = u.history.map((h) =>
      `<li class="hist"><span class="title item-link" data-item="${esc(h.id)}">${esc(h.title || h.id)}</span> ` +
      `<span class="muted">weight ${Number(h.weight).toFixed(2)} · ${new Date(h.timestamp * 1000).toISOString().slice(0, 10)}</span></li>`).join("") ||
      "<li class='muted'>no history</li>";
  } catch (e) { $("history").innerHTML = `<li class="muted">${esc(e.message)}</li>`; }
}

let catalogOffset = 0;
const PAGE = 15;
async function loadCatalog() {
  const q = $("catalog-q").value.trim();
  try {
    let rows, total;
    if (q) {
      const r = await api(`/api/search?q=${encodeURIComponent(q)}&n=${PAGE}`);
      rows = r.items; total = rows.length; catalogOffset = 0;
    } else {
      const r = await api(`/api/items?offset=${catalogOffset}&limit=${PAGE}`);
      rows = r.items; total = r.total;
    }
    $("catalog").innerHTML = rows.map((it) =>
      `<tr><td class="item-link" data-item="${esc(it.id)}">${esc(it.id)}</td><td>${esc(it.title)}</td>` +
      `<td>${esc(it.kind)}</td><td>${tags(it.genres)}</td></tr>`).join("");
    $("catalog-page").textContent = q ? `${total} hits` : `${catalogOffset + 1}–${Math.min(catalogOffset + PAGE, total)} of ${total}`;
    $("catalog-page").dataset.total = total;
  } catch (e) { $("catalog").innerHTML = `<tr><td colspan="4" class="error">${esc(e.message)}</td></tr>`; }
}

async function showItem(id) {
  try {
    const it = await api(`/api/items/${encodeURIComponent(id)}`);
    const sim = await api(`/api/similar/${encodeURIComponent(id)}?n=6`);
    const attrs = Object.entries(it.attributes || {}).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join(", ");
    $("item-details").innerHTML =
      `<h2>${esc(it.title || it.id)}</h2><div class="muted">${esc(it.id)} · ${esc(it.kind)} · ${esc(it.language || "?")}` +
      `${it.duration_s ? " · " + Math.round(it.duration_s / 60) + " min" : ""} · popularity ${it.popularity ?? 0}</div>` +
      `<div>${tags(it.genres)}${tags(it.tags)}</div><p>${esc(it.description)}</p>` +
      (attrs ? `<div class="muted">${attrs}</div>` : "") +
      `<div><b>Similar:</b> ${sim.items.map((s) => `<span class="item-link" data-item="${esc(s.id)}">${esc(s.title || s.id)}</span>`).join(" · ") || "–"}</div>` +
      analysisHtml(it.analysis);
  } catch (e) { $("item-details").innerHTML = `<span class="error">${esc(e.message)}</span>`; }
}

// The item's stored media analysis (`encore analyze --db`), digest form.
function analysisHtml(a) {
  if (!a) return "";
  const num = (v, d) => (typeof v === "number" ? v.toFixed(d) : null);
  const facts = [];
  if (a.kind) facts.push(`${esc(a.kind)}${a.duration_s ? ", " + num(a.duration_s, 1) + " s" : ""}`);
  if (a.tempo_bpm) facts.push(`tempo <b class="an-tempo">${num(a.tempo_bpm, 1)} BPM</b>`);
  if (a.key) facts.push(`key <b class="an-key">${esc(a.key)}</b>${a.key_strength != null ? " (" + num(a.key_strength, 2) + ")" : ""}`);
  if (a.shot_count) facts.push(`${a.shot_count} shot${a.shot_count === 1 ? "" : "s"}`);
  const shots = (a.shots || []).map((s) =>
    `<tr><td>${num(s.start_s, 1)}–${num(s.end_s, 1)} s</td><td>${esc(s.transition_in || "")}</td>` +
    `<td>${esc(s.colour || "")}</td><td>${esc((s.text || []).join(" / "))}</td></tr>`).join("");
  return `<div id="item-analysis"><h2 style="margin-top:12px">Media analysis</h2>` +
    `<div class="muted">${facts.join(" · ")}</div><div>${tags(a.tags)}</div>` +
    (a.description ? `<p>${esc(a.description)}</p>` : "") +
    (a.summary ? `<div><b>Summary:</b> ${esc(a.summary)}</div>` : "") +
    (a.transcript_excerpt ? `<div><b>Transcript:</b> <span class="an-transcript">“${esc(a.transcript_excerpt)}”</span></div>` : "") +
    ((a.on_screen_text || []).length ? `<div><b>On screen:</b> ${a.on_screen_text.map(esc).join(" / ")}</div>` : "") +
    (shots ? `<table class="an-shots"><thead><tr><th>shot</th><th>in</th><th>colour</th><th>text</th></tr></thead><tbody>${shots}</tbody></table>` : "") +
    `</div>`;
}

async function loadReport() {
  try {
    const r = await api("/api/report");
    $("report").innerHTML = `<div class="muted">${esc(r.dir)}</div><pre>${esc(r.markdown || JSON.stringify(r.json, null, 2))}</pre>`;
  } catch (e) { $("report").textContent = e.message; }
}

document.addEventListener("click", (ev) => {
  const t = ev.target.closest("[data-item]");
  if (t) showItem(t.dataset.item);
});
$("user-select").addEventListener("change", (ev) => showUser(ev.target.value));
$("user-go").addEventListener("click", () => showUser($("user-id").value.trim()));
$("user-id").addEventListener("keydown", (ev) => { if (ev.key === "Enter") showUser($("user-id").value.trim()); });
for (const id of ["rec-kind", "rec-genre", "rec-div"]) $(id).addEventListener("change", () => showUser($("user-id").value.trim()));
$("catalog-search").addEventListener("click", () => { catalogOffset = 0; loadCatalog(); });
$("catalog-q").addEventListener("keydown", (ev) => { if (ev.key === "Enter") { catalogOffset = 0; loadCatalog(); } });
$("catalog-prev").addEventListener("click", () => { catalogOffset = Math.max(0, catalogOffset - PAGE); loadCatalog(); });
$("catalog-next").addEventListener("click", () => {
  if (catalogOffset + PAGE < Number($("catalog-page").dataset.total || 0)) { catalogOffset += PAGE; loadCatalog(); }
});
refreshStats(); setInterval(refreshStats, 2000);
loadUsers(); loadCatalog(); loadReport();
</script>
</body>
</html>
)HTML";
}

}  // namespace encore::serve
