// frontier's map page: the state (held in the URL, so a link or a reload
// restores the view and the filters), the controls, and the map.

import * as maplibregl from './vendor/maplibre-gl.mjs';
import { style, setPoints, LAYER_PARTS } from './mapstyle.js';
import { Labels } from './labels.js';
import { pointPanel, districtPanel, legend, showPanel } from './panels.js';

const origin = window.location.origin;
const $ = (id) => document.getElementById(id);
const DAY = 86400000;

// The state, read from and written to the URL's fragment.
const S = {
  ds: 0, from: '', to: '', split: '', mode: 'points', color: '', within: null,
  f: {}, hide: new Set(), sel: '', view: null,
};
let info = null;
let maps = [];
let playing = null;

function readHash() {
  const h = new URLSearchParams(window.location.hash.slice(1));
  S.ds = Number(h.get('ds') || 0);
  S.from = h.get('from') || '';
  S.to = h.get('to') || '';
  S.split = h.get('split') ?? '';
  S.mode = h.get('mode') || 'points';
  S.color = h.get('color') ?? '';
  S.within = h.get('within') ? Number(h.get('within')) : null;
  S.hide = new Set((h.get('hide') || '').split(',').filter(Boolean));
  S.sel = h.get('sel') || '';
  S.f = {};
  for (const [k, v] of h) if (k.startsWith('f.')) (S.f[k.slice(2)] ||= []).push(v);
  const c = (h.get('c') || '').split(',').map(Number);
  S.view = h.get('z') && c.length === 2 ? { zoom: Number(h.get('z')), center: c } : null;
}

function writeHash() {
  const h = new URLSearchParams();
  h.set('ds', S.ds);
  if (maps[0]) {
    const c = maps[0].getCenter();
    h.set('z', maps[0].getZoom().toFixed(2));
    h.set('c', `${c.lng.toFixed(4)},${c.lat.toFixed(4)}`);
  }
  if (S.from) h.set('from', S.from);
  if (S.to) h.set('to', S.to);
  h.set('split', S.split);
  h.set('mode', S.mode);
  h.set('color', S.color);
  if (S.within != null) h.set('within', S.within);
  for (const [k, vs] of Object.entries(S.f)) for (const v of vs) h.append(`f.${k}`, v);
  if (S.hide.size) h.set('hide', [...S.hide].join(','));
  if (S.sel) h.set('sel', S.sel);
  history.replaceState(null, '', `#${h.toString()}`);
}

const ds = () => info.datasets[S.ds];

// The filters as query parameters; `band` adds the distance band.
function filters({ band = true, split = true } = {}) {
  const q = new URLSearchParams();
  q.set('ds', S.ds);
  if (S.from) q.set('from', S.from);
  if (S.to) q.set('to', S.to);
  // The split only where it leaves days on both sides in the window (the
  // library refuses one that does not; before / after asks for it).
  const inside = S.split && (!S.from || S.split > S.from) && (!S.to || S.split <= S.to);
  if (split && S.split && (inside || S.mode === 'beforeafter')) q.set('split', S.split);
  for (const [k, vs] of Object.entries(S.f)) for (const v of vs) q.append(`f.${k}`, v);
  if (band && S.within != null) q.set('within', S.within);
  return q;
}

async function api(path, q) {
  const r = await fetch(`${origin}${path}${q ? `?${q}` : ''}`);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function status(text) { $('status').textContent = text; }

function describe() {
  const parts = [];
  if (S.from || S.to) parts.push(`${S.from || 'start'} to ${S.to || 'end'}`);
  else parts.push('all dates');
  for (const [k, vs] of Object.entries(S.f)) parts.push(`${k}: ${vs.join(', ')}`);
  return parts.join('; ');
}

// ---- controls ---------------------------------------------------------

function fillControls() {
  const d = ds();
  $('dataset').innerHTML = info.datasets.map((x) => `<option value="${x.id}">${x.name}${x.synthetic ? ' — synthetic' : ''}</option>`).join('');
  $('dataset').value = S.ds;
  $('dataset-name').textContent = `${d.name}${d.synthetic ? ' (synthetic data)' : ''}`;
  const a = d.account;
  $('account').innerHTML = `${a.rows_in.toLocaleString('en-GB')} rows read: ${a.kept.toLocaleString('en-GB')} on the map, ${a.rejected.toLocaleString('en-GB')} rejected${a.rejected ? ` (<a href="${origin}/api/rejects.csv?ds=${S.ds}" download>download them</a>)` : ''}.`;
  $('color').innerHTML = `<option value="">One colour</option>${d.categories.map((c) => `<option>${c.name}</option>`).join('')}`;
  if (S.color === '' && !window.location.hash.includes('color=')) S.color = d.color || '';
  $('color').value = S.color;
  $('size-note').textContent = d.value ? `Sized by ${d.value}.` : '';
  if (!S.split && !window.location.hash.includes('split=')) S.split = info.split;
  $('split').value = S.split;
  // Time.
  const [d0, d1] = d.dates || ['', ''];
  for (const id of ['from', 'to', 'split']) { $(id).min = d0; $(id).max = d1; }
  $('from').value = S.from || d0;
  $('to').value = S.to || d1;
  const days = d.dates ? Math.round((Date.parse(d1) - Date.parse(d0)) / DAY) : 0;
  for (const id of ['from-range', 'to-range']) $(id).max = days;
  syncSliders();
  // Filters.
  $('filter-list').innerHTML = d.categories.map((c) => `
    <details class="filter" data-col="${c.name}"${S.f[c.name] ? ' open' : ''}>
      <summary>${c.name} <span class="small muted">(${c.distinct})</span></summary>
      <div class="values">${c.values.map(([v, n]) => `<label><input type="checkbox" value="${v.replace(/"/g, '&quot;')}"${(S.f[c.name] || []).includes(v) ? ' checked' : ''}> <span>${v}</span><span class="count">${n.toLocaleString('en-GB')}</span></label>`).join('')}</div>
    </details>`).join('') || '<p class="small muted">No text columns to filter by.</p>';
  // Layers.
  $('layer-list').innerHTML = info.base_layers.map((l) => `<label class="check"><input type="checkbox" data-layer="${l}"${S.hide.has(l) ? '' : ' checked'}> ${l}</label>`).join('')
    + `<label class="check"><input type="checkbox" data-layer="points"${S.hide.has('points') ? '' : ' checked'}> ${d.name}</label>`;
  document.querySelectorAll(`input[name=mode][value="${S.mode}"]`).forEach((r) => { r.checked = true; });
  $('band-on').checked = S.within != null;
  if (S.within != null) $('band').value = S.within;
  $('band-km').textContent = $('band').value;
  $('credits').textContent = `${info.credits.join(' · ')} · MapLibre GL JS (BSD-3-Clause) · frontier ${info.frontier}`;
}

function syncSliders() {
  const d = ds();
  if (!d.dates) return;
  const t0 = Date.parse(d.dates[0]);
  const at = (s) => Math.round((Date.parse(s) - t0) / DAY);
  $('from-range').value = at($('from').value || d.dates[0]);
  $('to-range').value = at($('to').value || d.dates[1]);
  const max = Number($('to-range').max) || 1;
  $('split-mark').style.left = S.split ? `calc(${(100 * at(S.split)) / max}% - 1px)` : '-10px';
}

function dateOf(i) {
  return new Date(Date.parse(ds().dates[0]) + i * DAY).toISOString().slice(0, 10);
}

function setWindow(from, to) {
  const d = ds();
  S.from = from && from !== d.dates[0] ? from : '';
  S.to = to && to !== d.dates[1] ? to : '';
  $('from').value = from || d.dates[0];
  $('to').value = to || d.dates[1];
  syncSliders();
}

function bindControls() {
  $('dataset').onchange = () => { S.ds = Number($('dataset').value); S.f = {}; S.from = S.to = ''; S.color = ''; S.sel = ''; fillControls(); refresh(true); };
  $('color').onchange = () => { S.color = $('color').value; refresh(false); };
  $('from').onchange = () => { setWindow($('from').value, $('to').value); refresh(false); };
  $('to').onchange = () => { setWindow($('from').value, $('to').value); refresh(false); };
  const slide = () => {
    let a = Number($('from-range').value);
    let b = Number($('to-range').value);
    if (a > b) [a, b] = [b, a];
    setWindow(dateOf(a), dateOf(b));
  };
  $('from-range').oninput = slide;
  $('to-range').oninput = slide;
  $('from-range').onchange = () => refresh(false);
  $('to-range').onchange = () => refresh(false);
  $('split').onchange = () => { S.split = $('split').value; syncSliders(); refresh(false); };
  $('all-time').onclick = () => { stopPlay(); setWindow('', ''); refresh(false); };
  $('play').onclick = () => (playing ? stopPlay() : startPlay());
  $('filter-list').onchange = (e) => {
    const det = e.target.closest('details');
    const col = det.dataset.col;
    const on = [...det.querySelectorAll('input:checked')].map((x) => x.value);
    if (on.length) S.f[col] = on; else delete S.f[col];
    refresh(false);
  };
  document.querySelectorAll('input[name=mode]').forEach((r) => { r.onchange = () => { S.mode = r.value; refresh(false); }; });
  $('band-on').onchange = () => { S.within = $('band-on').checked ? Number($('band').value) : null; refresh(false); };
  $('band').oninput = () => { $('band-km').textContent = $('band').value; };
  $('band').onchange = () => { if ($('band-on').checked) { S.within = Number($('band').value); refresh(false); } };
  $('layer-list').onchange = (e) => {
    const l = e.target.dataset.layer;
    if (e.target.checked) S.hide.delete(l); else S.hide.add(l);
    applyLayers();
    writeHash();
  };
  $('panel-close').onclick = () => { $('panel').hidden = true; S.sel = ''; select(''); writeHash(); };
  $('find-district').onchange = () => {
    const n = $('find-district').value.trim();
    if (n) openDistrict(n, true);
  };
  $('find-coord').onchange = () => {
    const m = $('find-coord').value.split(/[ ,;]+/).map(Number);
    if (m.length === 2 && m.every(Number.isFinite)) openCoord(m[1], m[0]);
  };
}

function startPlay() {
  const d = ds();
  if (!d.dates) return;
  $('play').setAttribute('aria-pressed', 'true');
  $('play').textContent = '❚❚ Pause';
  let start = new Date(`${(S.from || d.dates[0]).slice(0, 7)}-01T00:00:00Z`);
  const stepMonth = () => {
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    setWindow(start.toISOString().slice(0, 10), end.toISOString().slice(0, 10));
    refresh(false);
    start = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    if (start.toISOString().slice(0, 10) > d.dates[1]) stopPlay();
  };
  stepMonth();
  playing = setInterval(stepMonth, 1200);
}

function stopPlay() {
  if (playing) clearInterval(playing);
  playing = null;
  $('play').setAttribute('aria-pressed', 'false');
  $('play').textContent = '▶ Play by month';
}

// ---- the map ----------------------------------------------------------

function applyLayers() {
  for (const m of maps) {
    for (const [l, parts] of Object.entries(LAYER_PARTS)) {
      for (const p of parts) if (m.getLayer(p)) m.setLayoutProperty(p, 'visibility', S.hide.has(l) ? 'none' : 'visible');
    }
    const pts = S.mode === 'points' && !S.hide.has('points') ? 'visible' : 'none';
    for (const p of ['points-circle', 'points-hex', 'points-hex-line']) if (m.getLayer(p)) m.setLayoutProperty(p, 'visibility', pts);
    m.labels?.draw();
  }
}

function select(name) {
  for (const m of maps) m.setFilter('district-selected', ['==', ['get', 'name'], name]);
}

let refreshToken = 0;
async function refresh(fit) {
  writeHash();
  const token = ++refreshToken;
  const d = ds();
  const m = maps[0];
  const tileQuery = filters({ split: false });
  if (S.color) tileQuery.set('color', S.color);
  tileQuery.delete('ds');
  const compare = S.mode === 'beforeafter';
  $('map-after').hidden = !compare;
  if (compare && maps.length < 2) addAfterMap();
  if (!compare && maps.length > 1) { maps[1].remove(); maps.length = 1; document.querySelectorAll('.map-title').forEach((e) => e.remove()); }
  maps.forEach((x) => x.resize());
  for (const x of maps) if (x.isStyleLoaded() || x.loaded()) setPoints(x, origin, S.ds, tileQuery.toString(), S.color);
  if (fit && d.bbox && !S.view) m.fitBounds([[d.bbox[0], d.bbox[1]], [d.bbox[2], d.bbox[3]]], { padding: 40, duration: 0, maxZoom: 9 });
  applyLayers();
  let choropleth = null;
  try {
    if (S.mode !== 'points') {
      if (S.mode === 'beforeafter') {
        if (!S.split) throw new Error('Give a split date for before / after');
        const q = filters({ band: false });
        const [b, a] = await Promise.all([
          api('/api/choropleth', `${q}&mode=before`),
          api('/api/choropleth', `${q}&mode=after`),
        ]);
        if (token !== refreshToken) return;
        shade(maps[0], b);
        shade(maps[1], a);
        titles([`Before ${S.split}`, `From ${S.split}`]);
        choropleth = b;
      } else {
        const q = filters({ band: false });
        q.set('mode', S.mode);
        choropleth = await api('/api/choropleth', q);
        if (token !== refreshToken) return;
        shade(maps[0], choropleth);
      }
    } else {
      for (const x of maps) x.setPaintProperty('districts-fill', 'fill-color', 'rgba(0,0,0,0)');
    }
    const hex = S.mode === 'points' && m.getZoom() < d.single_from_zoom;
    legend($('legend'), {
      choropleth, points: S.mode === 'points', hexagons: hex,
      colour: S.color ? d.categories.find((c) => c.name === S.color) : null,
      value: d.value, synthetic: d.synthetic,
    });
    const c = await api('/api/count', filters({ split: false }));
    if (token !== refreshToken) return;
    const shown = `${c.count.toLocaleString('en-GB')} of ${d.points.toLocaleString('en-GB')} events shown`;
    $('shown').innerHTML = `<span id="shown-count" data-count="${c.count}">${shown}</span>`;
    $('band-count').textContent = S.within != null ? `${c.count.toLocaleString('en-GB')} events within ${S.within} km of the Durand Line` : '';
    status('');
    updateExports();
    if (S.sel) reopen();
  } catch (e) {
    status(e.message);
  }
}

function titles(ts) {
  document.querySelectorAll('.map-title').forEach((e) => e.remove());
  maps.forEach((m, i) => {
    const t = document.createElement('div');
    t.className = 'map-title';
    t.textContent = ts[i];
    t.style.left = '50%';
    t.style.transform = 'translateX(-50%)';
    m.getContainer().appendChild(t);
  });
}

function shade(m, c) {
  const expr = ['match', ['get', 'name']];
  for (const [name, v] of Object.entries(c.districts)) {
    expr.push(name, v.class == null ? c.no_data : c.classes[v.class].colour);
  }
  expr.push(c.no_data);
  m.setPaintProperty('districts-fill', 'fill-color', expr);
}

function updateExports() {
  const m = maps[0];
  const b = m.getBounds();
  const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
  const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -85, 85), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -85, 85)].map((x) => x.toFixed(4)).join(',');
  const q = filters();
  const mapQ = new URLSearchParams(q);
  mapQ.set('bbox', bbox);
  if (S.mode !== 'points') mapQ.set('mode', S.mode === 'beforeafter' ? 'after' : S.mode);
  if (S.color && S.mode === 'points') mapQ.set('color', S.color);
  mapQ.set('title', ds().name);
  if (S.mode !== 'points') mapQ.delete('within');
  for (const f of ['png', 'svg', 'pdf']) $(`export-${f}`).href = `${origin}/api/export/map.${f}?${mapQ}`;
  $('export-toml').href = `${origin}/api/export/spec.toml?${mapQ}`;
  $('export-csv').href = `${origin}/api/export/points.csv?${q}`;
  $('export-parquet').href = `${origin}/api/export/points.parquet?${q}`;
  const sq = filters({ band: false });
  if (S.mode === 'hotspots') sq.set('mode', 'hotspots');
  $('export-summary').href = `${origin}/api/export/summary.csv?${sq}`;
}

async function openPoint(i) {
  try {
    const p = await api('/api/point', `ds=${S.ds}&i=${i}`);
    pointPanel(p, ds().name);
    S.sel = `p:${i}`;
    select('');
    writeHash();
  } catch (e) { status(e.message); }
}

async function openCoord(lon, lat) {
  try {
    const q = `lon=${lon}&lat=${lat}`;
    const [loc, dl, nc] = await Promise.all([api('/api/locate', q), api('/api/near', `${q}&to=durand-line`), api('/api/near', `${q}&to=crossings`)]);
    pointPanel({ i: -1, line: '—', lon, lat, row: {}, location: loc, durand_line: dl, nearest_crossing: nc }, 'Coordinates given');
    document.querySelector('#panel h2').textContent = `${lat}, ${lon}`;
    maps[0].flyTo({ center: [lon, lat], zoom: Math.max(maps[0].getZoom(), 8) });
  } catch (e) { status(e.message); }
}

async function openDistrict(name, fly) {
  try {
    const q = filters({ band: false });
    q.set('name', name);
    const tq = filters({ band: false });
    tq.set('district', name);
    const [s, t] = await Promise.all([api('/api/summary', q), api('/api/trend', tq)]);
    districtPanel(name, s, t, describe());
    S.sel = `d:${name}`;
    select(name);
    writeHash();
    if (fly) {
      const l = (await labelsData).find((x) => x.kind === 'district' && x.name === name);
      if (l) maps[0].flyTo({ center: [l.lon, l.lat], zoom: Math.max(maps[0].getZoom(), 7.5) });
    }
  } catch (e) { status(e.message); }
}

function reopen() {
  if (S.sel.startsWith('d:')) openDistrict(S.sel.slice(2), false);
  else if (S.sel.startsWith('p:')) openPoint(Number(S.sel.slice(2)));
}

let labelsData = null;

function makeMap(container, view) {
  const m = new maplibregl.Map({
    container,
    style: style(origin),
    center: view ? view.center : [69.3, 30.4],
    zoom: view ? view.zoom : 4.6,
    minZoom: 2,
    maxZoom: 17,
    attributionControl: { compact: false },
    dragRotate: false,
    pitchWithRotate: false,
  });
  m.touchZoomRotate.disableRotation();
  m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  return m;
}

function addAfterMap() {
  $('map-after').hidden = false;
  const a = makeMap('map-after', { center: maps[0].getCenter().toArray(), zoom: maps[0].getZoom() });
  maps.push(a);
  let syncing = false;
  const sync = (src, dst) => src.on('move', () => {
    if (syncing) return;
    syncing = true;
    dst.jumpTo({ center: src.getCenter(), zoom: src.getZoom() });
    syncing = false;
  });
  sync(maps[0], a);
  sync(a, maps[0]);
  a.on('load', async () => {
    a.labels = new Labels(a, await labelsData, layersOn);
    const q = filters({ split: false });
    q.delete('ds');
    if (S.color) q.set('color', S.color);
    setPoints(a, origin, S.ds, q.toString(), S.color);
    applyLayers();
    refresh(false);
  });
  a.on('click', onClick);
}

const layersOn = () => ({
  places: !S.hide.has('places'), districts: !S.hide.has('districts'),
  provinces: !S.hide.has('provinces'), crossings: !S.hide.has('crossings'),
  neighbours: !S.hide.has('neighbours'),
});

function onClick(e) {
  const m = e.target;
  const pts = m.queryRenderedFeatures(e.point, { layers: ['points-circle'] }).filter(() => S.mode === 'points');
  if (pts.length && pts[0].id != null) { openPoint(pts[0].id); return; }
  const ds_ = m.queryRenderedFeatures(e.point, { layers: ['districts-fill'] });
  if (ds_.length) { openDistrict(ds_[0].properties.name, false); return; }
  openCoord(Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6)));
}

async function main() {
  readHash();
  labelsData = fetch(`${origin}/api/labels`).then((r) => r.json());
  info = await api('/api');
  if (!info.datasets.length) { status('No points: the base map only.'); }
  if (S.ds >= info.datasets.length) S.ds = 0;
  fillControls();
  bindControls();
  const names = (await labelsData).filter((l) => l.kind === 'district').map((l) => l.name).sort();
  $('district-names').innerHTML = names.map((n) => `<option value="${n}">`).join('');
  const m = makeMap('map', S.view);
  maps = [m];
  window.frontierMap = m;
  m.on('load', async () => {
    m.labels = new Labels(m, await labelsData, layersOn);
    await refresh(!S.view);
    m.on('moveend', () => { writeHash(); updateExports(); refreshLegendOnly(); });
    document.body.dataset.ready = 'true';
  });
  m.on('click', onClick);
  m.on('mouseenter', 'points-circle', () => { m.getCanvas().style.cursor = 'pointer'; });
  m.on('mouseleave', 'points-circle', () => { m.getCanvas().style.cursor = ''; });
}

function refreshLegendOnly() {
  const d = ds();
  if (S.mode !== 'points') return;
  legend($('legend'), {
    points: true, hexagons: maps[0].getZoom() < d.single_from_zoom,
    colour: S.color ? d.categories.find((c) => c.name === S.color) : null,
    value: d.value, synthetic: d.synthetic,
  });
}

main().catch((e) => { status(`The page could not start: ${e.message}`); showPanel(`<p>${e.message}</p>`); });
