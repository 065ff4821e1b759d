// frontier's map page: the state (held in the URL, so a link or a reload
// restores the view, the layers and the filters), the controls, and the
// map.

import * as maplibregl from './vendor/maplibre-gl.mjs';
import { style, setPoints, pointParts, LAYER_PARTS, EMPTY } from './mapstyle.js';
import { Labels } from './labels.js';
import { pointPanel, districtPanel, legend, showPanel } from './panels.js';
import { assignColours, layerControls } from './points.js';

const origin = window.location.origin;
const $ = (id) => document.getElementById(id);
const DAY = 86400000;

// The state, read from and written to the URL's fragment. `ds` is the
// dataset that the filters panel, the districts and the exports use;
// `layer[id]` each point layer's switch, colour and size columns; `f[id]`
// each dataset's values kept, by column.
const S = {
  ds: 0, from: '', to: '', split: '', mode: 'points', within: null,
  layer: {}, f: {}, hide: new Set(), sel: '', view: null,
};
let info = null;
let maps = [];
let playing = null;
// The date range of every dated dataset together.
let span = null;

function readHash() {
  const h = new URLSearchParams(window.location.hash.slice(1));
  S.ds = Number(h.get('ds') || 0);
  S.from = h.get('from') || '';
  S.to = h.get('to') || '';
  S.split = h.get('split') ?? '';
  S.mode = h.get('mode') || 'points';
  S.within = h.get('within') ? Number(h.get('within')) : null;
  S.hide = new Set((h.get('hide') || '').split(',').filter(Boolean));
  S.sel = h.get('sel') || '';
  S.f = {};
  S.layer = {};
  for (const [k, v] of h) {
    // fID.COLUMN (and f.COLUMN, the analysed dataset's).
    const m = /^f(\d*)\.(.+)$/.exec(k);
    if (m) {
      const id = m[1] === '' ? S.ds : Number(m[1]);
      ((S.f[id] ||= {})[m[2]] ||= []).push(v);
    }
    const l = /^(color|size)\.(\d+)$/.exec(k);
    if (l) (S.layer[Number(l[2])] ||= {})[l[1]] = v;
  }
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
  for (const d of info.datasets) {
    h.set(`color.${d.id}`, S.layer[d.id].color);
    h.set(`size.${d.id}`, S.layer[d.id].size);
  }
  if (S.within != null) h.set('within', S.within);
  for (const [id, cols] of Object.entries(S.f)) {
    for (const [k, vs] of Object.entries(cols)) for (const v of vs) h.append(`f${id}.${k}`, v);
  }
  const hide = [...S.hide, ...info.datasets.filter((d) => !S.layer[d.id].on).map((d) => `points.${d.id}`)];
  if (hide.length) h.set('hide', hide.join(','));
  if (S.sel) h.set('sel', S.sel);
  history.replaceState(null, '', `#${h.toString()}`);
}

// Each layer's switch, colour and size: from the URL, else on, coloured
// by event type (or the first text column) and sized by the value.
function settleLayers() {
  for (const d of info.datasets) {
    const L = (S.layer[d.id] ||= {});
    L.on = !S.hide.has(`points.${d.id}`) && !(d.id === S.ds && S.hide.has('points'));
    if (L.color === undefined || (L.color && !d.categories.some((c) => c.name === L.color))) L.color = d.color || '';
    if (L.size === undefined || (L.size && !d.numbers.includes(L.size))) L.size = d.value && d.numbers.includes(d.value) ? d.value : '';
  }
  for (const k of [...S.hide]) if (k.startsWith('points')) S.hide.delete(k);
}

const ds = () => info.datasets[S.ds];
const shown = () => info.datasets.filter((d) => S.layer[d.id].on);

// The filters of dataset `id` as query parameters (`f.COLUMN`); `band`
// adds the distance band, `split` the split date.
function filtersOf(id, { band = true, split = true } = {}) {
  const d = info.datasets[id];
  const q = new URLSearchParams();
  q.set('ds', id);
  if (d.dates) {
    if (S.from) q.set('from', S.from);
    if (S.to) q.set('to', S.to);
    // The split only where it leaves days on both sides in the window
    // (the library refuses one that does not; before / after asks for it).
    const inside = S.split && (!S.from || S.split > S.from) && (!S.to || S.split <= S.to);
    if (split && S.split && (inside || S.mode === 'beforeafter')) q.set('split', S.split);
  }
  for (const [k, vs] of Object.entries(S.f[id] || {})) for (const v of vs) q.append(`f.${k}`, v);
  if (band && S.within != null) q.set('within', S.within);
  return q;
}
const filters = (opts) => filtersOf(S.ds, opts);

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
  for (const [k, vs] of Object.entries(S.f[S.ds] || {})) parts.push(`${k}: ${vs.join(', ')}`);
  return parts.join('; ');
}

// ---- controls ---------------------------------------------------------

function fillControls() {
  const d = ds();
  const many = info.datasets.length > 1;
  $('analysed').hidden = !many;
  $('dataset').innerHTML = info.datasets.map((x) => `<option value="${x.id}">${x.name}${x.synthetic ? ' — synthetic' : ''}</option>`).join('');
  $('dataset').value = S.ds;
  $('dataset-name').textContent = info.datasets.map((x) => `${x.name}${x.synthetic ? ' (synthetic data)' : ''}`).join(' · ');
  $('filters-of').textContent = many ? `(${d.name})` : '';
  layerControls($('point-layers'), info, S.layer);
  if (!S.split && !window.location.hash.includes('split=')) S.split = info.split;
  $('split').value = S.split;
  // Time: over every dated dataset.
  const [d0, d1] = span || ['', ''];
  for (const id of ['from', 'to', 'split']) { $(id).min = d0; $(id).max = d1; }
  $('from').value = S.from || d0;
  $('to').value = S.to || d1;
  const days = span ? Math.round((Date.parse(d1) - Date.parse(d0)) / DAY) : 0;
  for (const id of ['from-range', 'to-range']) $(id).max = days;
  syncSliders();
  fillFilters();
  $('layer-list').innerHTML = info.base_layers.map((l) => `<label class="check"><input type="checkbox" data-layer="${l}"${S.hide.has(l) ? '' : ' checked'}> ${l}</label>`).join('');
  document.querySelectorAll(`input[name=mode][value="${S.mode}"]`).forEach((r) => { r.checked = true; });
  $('band-on').checked = S.within != null;
  if (S.within != null) $('band').value = S.within;
  $('band-km').textContent = $('band').value;
  $('credits').textContent = `${info.credits.join(' · ')} · MapLibre GL JS (BSD-3-Clause) · frontier ${info.frontier}`;
}

function fillFilters() {
  const d = ds();
  const kept = S.f[S.ds] || {};
  const box = (c, v, n) => `<label><input type="checkbox" value="${v.replace(/"/g, '&quot;')}"${(kept[c.name] || []).includes(v) ? ' checked' : ''}> <span>${v}</span><span class="count">${n == null ? '' : n.toLocaleString('en-GB')}</span></label>`;
  $('filter-list').innerHTML = d.categories.map((c, k) => {
    const listed = new Set(c.values.map(([v]) => v));
    // Values kept beyond those listed, then the listed; and, when not
    // every value is listed, a search for the others.
    const extra = (kept[c.name] || []).filter((v) => !listed.has(v));
    const find = c.distinct > c.values.length
      ? `<label for="find-${k}" class="small">Find a value (${c.values.length} of ${c.distinct.toLocaleString('en-GB')} listed)</label>
         <input id="find-${k}" class="find-value" data-col="${c.name}" list="found-${k}" autocomplete="off"><datalist id="found-${k}"></datalist>`
      : '';
    return `<details class="filter" data-col="${c.name}"${kept[c.name] ? ' open' : ''}>
      <summary>${c.name} <span class="small muted">(${c.distinct.toLocaleString('en-GB')})</span></summary>
      ${find}
      <div class="values">${extra.map((v) => box(c, v, null)).join('')}${c.values.map(([v, n]) => box(c, v, n)).join('')}</div>
    </details>`;
  }).join('') || '<p class="small muted">No text columns to filter by.</p>';
}

function syncSliders() {
  if (!span) return;
  const t0 = Date.parse(span[0]);
  const at = (s) => Math.round((Date.parse(s) - t0) / DAY);
  $('from-range').value = at($('from').value || span[0]);
  $('to-range').value = at($('to').value || span[1]);
  const max = Number($('to-range').max) || 1;
  $('split-mark').style.left = S.split ? `calc(${(100 * at(S.split)) / max}% - 1px)` : '-10px';
}

function dateOf(i) {
  return new Date(Date.parse(span[0]) + i * DAY).toISOString().slice(0, 10);
}

function setWindow(from, to) {
  S.from = from && from !== span[0] ? from : '';
  S.to = to && to !== span[1] ? to : '';
  $('from').value = from || span[0];
  $('to').value = to || span[1];
  syncSliders();
}

function bindControls() {
  $('dataset').onchange = () => {
    S.ds = Number($('dataset').value);
    S.sel = '';
    $('filters-of').textContent = `(${ds().name})`;
    fillFilters();
    refresh(false);
  };
  $('point-layers').onchange = (e) => {
    const id = Number(e.target.dataset.ds);
    const L = S.layer[id];
    if (e.target.type === 'checkbox') L.on = e.target.checked;
    else L[e.target.dataset.role] = e.target.value;
    refresh(false);
  };
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
  $('filter-list').oninput = async (e) => {
    if (!e.target.classList.contains('find-value')) return;
    const q = new URLSearchParams({ ds: S.ds, column: e.target.dataset.col, q: e.target.value });
    try {
      const r = await api('/api/values', q);
      e.target.list.innerHTML = r.values.map(([v, n]) => `<option value="${v.replace(/"/g, '&quot;')}">${n.toLocaleString('en-GB')}</option>`).join('');
    } catch (err) { status(err.message); }
  };
  $('filter-list').onchange = async (e) => {
    if (e.target.classList.contains('find-value')) {
      // A value found (one the column has): kept, and listed checked.
      const col = e.target.dataset.col;
      const v = e.target.value.trim();
      if (!v) return;
      const r = await api('/api/values', new URLSearchParams({ ds: S.ds, column: col, q: v })).catch(() => ({ values: [] }));
      if (!r.values.some(([x]) => x === v)) { status(`${col}: no point has the value “${v}”`); return; }
      const kept = (S.f[S.ds] ||= {});
      if (!(kept[col] || []).includes(v)) (kept[col] ||= []).push(v);
      fillFilters();
      refresh(false);
      return;
    }
    const det = e.target.closest('details');
    const col = det.dataset.col;
    const on = [...det.querySelectorAll('input:checked')].map((x) => x.value);
    const kept = (S.f[S.ds] ||= {});
    if (on.length) kept[col] = on; else delete kept[col];
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
  if (!span) return;
  $('play').setAttribute('aria-pressed', 'true');
  $('play').textContent = '❚❚ Pause';
  let start = new Date(`${(S.from || span[0]).slice(0, 7)}-01T00:00:00Z`);
  const stepMonth = () => {
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    setWindow(start.toISOString().slice(0, 10), end.toISOString().slice(0, 10));
    refresh(false);
    start = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    if (start.toISOString().slice(0, 10) > span[1]) stopPlay();
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
    for (const d of info.datasets) {
      const on = S.mode === 'points' && S.layer[d.id].on ? 'visible' : 'none';
      for (const p of pointParts(d.id)) if (m.getLayer(p)) m.setLayoutProperty(p, 'visibility', on);
    }
    m.labels?.draw();
  }
}

function select(name) {
  for (const m of maps) m.setFilter('district-selected', ['==', ['get', 'name'], name]);
}

// Each layer's tile query and look (colours and the size scale: layers
// sized by columns of the same name share it, so equal values are equal
// circles).
const sizeStats = new Map();
async function looks() {
  const colours = assignColours(info.datasets, S.layer);
  const stats = {};
  for (const d of info.datasets) {
    const L = S.layer[d.id];
    if (!L.size) continue;
    const key = `${d.id}/${L.size}`;
    if (!sizeStats.has(key)) sizeStats.set(key, api('/api/numbers', `ds=${d.id}&column=${encodeURIComponent(L.size)}`));
    stats[d.id] = await sizeStats.get(key);
  }
  const top = {};
  for (const d of shown()) {
    const st = stats[d.id];
    if (st && st.max != null) top[st.column] = Math.max(top[st.column] ?? 0, st.max);
  }
  const out = {};
  for (const d of info.datasets) {
    const L = S.layer[d.id];
    const q = filtersOf(d.id, { split: false });
    q.delete('ds');
    q.set('color', L.color);
    q.set('size_by', L.size);
    const st = stats[d.id];
    const vmax = st ? (top[st.column] ?? st.max) : null;
    let outside = null;
    if (q.has('within')) {
      const all = new URLSearchParams(q);
      all.delete('within');
      all.delete('color');
      all.set('size_by', '');
      outside = all.toString();
    }
    out[d.id] = { query: q.toString(), outside, pairs: colours[d.id]?.pairs || null, colours: colours[d.id], vmax, size: L.size };
  }
  return out;
}

let current = {};
function drawPoints(m) {
  for (const d of info.datasets) setPoints(m, origin, d.id, current[d.id].query, current[d.id]);
}

// The distance band's area (the points are counted by their own
// distances; this shows where the band runs), asked for once per
// distance; the server draws bands up to 1000 km.
const bands = new Map();
async function drawBand() {
  const on = S.mode === 'points' && S.within != null && S.within > 0 && S.within <= 1000;
  let data = EMPTY;
  if (on) {
    const km = S.within;
    if (!bands.has(km)) bands.set(km, api('/api/band', `within=${km}km`).catch((e) => { bands.delete(km); throw e; }));
    data = await bands.get(km);
    if (km !== S.within || S.mode !== 'points') return;
  }
  for (const x of maps) x.getSource('band')?.setData(data);
  document.body.dataset.band = on ? String(S.within) : '';
}

let refreshToken = 0;
async function refresh(fit) {
  writeHash();
  const token = ++refreshToken;
  const d = ds();
  const m = maps[0];
  const compare = S.mode === 'beforeafter';
  $('map-after').hidden = !compare;
  if (compare && maps.length < 2) addAfterMap();
  if (!compare && maps.length > 1) { maps[1].remove(); maps.length = 1; document.querySelectorAll('.map-title').forEach((e) => e.remove()); }
  maps.forEach((x) => x.resize());
  try {
    current = await looks();
    if (token !== refreshToken) return;
    // Every map whose style has loaded draws now, even while its tiles
    // are loading (a change made then must not be dropped); a map still
    // loading its style draws on its 'load'.
    for (const x of maps) if (x.ready) drawPoints(x);
    drawBand().catch((e) => status(e.message));
    if (fit && !S.view) {
      const b = shown().map((x) => x.bbox).filter(Boolean);
      if (b.length) {
        const w = Math.min(...b.map((x) => x[0])), s = Math.min(...b.map((x) => x[1]));
        const e = Math.max(...b.map((x) => x[2])), n = Math.max(...b.map((x) => x[3]));
        m.fitBounds([[w, s], [e, n]], { padding: 40, duration: 0, maxZoom: 9 });
      }
    }
    applyLayers();
    let choropleth = null;
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
    drawLegend(choropleth);
    // The points shown: the analysed dataset's, and every other layer's.
    const counted = S.mode === 'points' ? shown() : [d];
    const counts = await Promise.all(counted.map((x) => api('/api/count', filtersOf(x.id, { split: false }))));
    if (token !== refreshToken) return;
    $('shown').innerHTML = counted.map((x, i) => {
      const c = counts[i].count;
      return `<div id="shown-${x.id}" data-count="${c}"${x.id === d.id ? ' class="analysed"' : ''}>${c.toLocaleString('en-GB')} of ${x.points.toLocaleString('en-GB')} shown${counted.length > 1 ? `: ${x.name}` : ''}</div>`;
    }).join('');
    const own = counts[counted.findIndex((x) => x.id === d.id)];
    $('shown').dataset.count = own ? own.count : '';
    $('band-count').textContent = S.within != null
      ? counted.map((x, i) => `${counts[i].count.toLocaleString('en-GB')}${counted.length > 1 ? ` (${x.name})` : ''}`).join(', ') + ` within ${S.within} km of the Durand Line`
      : '';
    status('');
    updateExports();
    if (S.sel) reopen();
  } catch (e) {
    status(e.message);
  }
}

function drawLegend(choropleth) {
  const z = maps[0].getZoom();
  legend($('legend'), {
    choropleth,
    layers: S.mode === 'points' ? shown().map((x) => ({
      id: x.id, name: x.name, synthetic: x.synthetic,
      hexagons: z < x.single_from_zoom,
      colours: current[x.id]?.colours, size: current[x.id]?.size, vmax: current[x.id]?.vmax,
    })) : [],
    synthetic: info.datasets.some((x) => x.synthetic && (S.layer[x.id].on || x.id === S.ds)),
    band: S.mode === 'points' && S.within != null ? S.within : null,
  });
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
  const others = S.mode === 'points' ? shown().filter((x) => x.id !== S.ds) : [];
  if (S.mode !== 'points') {
    mapQ.set('mode', S.mode === 'beforeafter' ? 'after' : S.mode);
    mapQ.delete('within');
  } else {
    mapQ.set('color', S.layer[S.ds].color);
    mapQ.set('size_by', S.layer[S.ds].size);
    for (const o of others) {
      mapQ.append('with', o.id);
      for (const [k, vs] of Object.entries(S.f[o.id] || {})) for (const v of vs) mapQ.append(`f${o.id}.${k}`, v);
    }
  }
  mapQ.set('title', others.length ? `${ds().name} with ${others.map((o) => o.name).join(', ')}` : ds().name);
  for (const f of ['png', 'svg', 'pdf']) $(`export-${f}`).href = `${origin}/api/export/map.${f}?${mapQ}`;
  $('export-toml').href = `${origin}/api/export/spec.toml?${mapQ}`;
  $('export-csv').href = `${origin}/api/export/points.csv?${q}`;
  $('export-parquet').href = `${origin}/api/export/points.parquet?${q}`;
  const sq = filters({ band: false });
  if (S.mode === 'hotspots') sq.set('mode', 'hotspots');
  $('export-summary').href = `${origin}/api/export/summary.csv?${sq}`;
  $('export-layers').innerHTML = others.map((o) => `<a class="button" id="export-layer-${o.id}" download href="${origin}/api/export/points.geojson?${filtersOf(o.id, { split: false })}">Rows of ${o.name} (GeoJSON)</a>`).join('');
}

async function openPoint(id, i) {
  try {
    const p = await api('/api/point', `ds=${id}&i=${i}`);
    pointPanel(p, info.datasets[id].name);
    S.sel = `p:${id}:${i}`;
    select('');
    writeHash();
  } catch (e) { status(e.message); }
}

async function openCoord(lon, lat) {
  try {
    const q = `lon=${lon}&lat=${lat}`;
    const [loc, dl, nc] = await Promise.all([api('/api/locate', q), api('/api/near', `${q}&target=durand-line`), api('/api/near', `${q}&target=crossings`)]);
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
    const dated = !!ds().dates;
    const [s, t] = await Promise.all([api('/api/summary', q), dated ? api('/api/trend', tq) : null]);
    districtPanel(name, s, t, `${ds().name}: ${describe()}`);
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
  else if (S.sel.startsWith('p:')) {
    const [id, i] = S.sel.slice(2).split(':').map(Number);
    if (i == null || Number.isNaN(i)) openPoint(S.ds, id); else openPoint(id, i);
  }
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
    a.ready = true;
    a.labels = new Labels(a, await labelsData, layersOn);
    drawPoints(a);
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
  const circles = shown().map((d) => `points-${d.id}-circle`).filter((l) => m.getLayer(l));
  const pts = S.mode === 'points' && circles.length ? m.queryRenderedFeatures(e.point, { layers: circles }) : [];
  if (pts.length && pts[0].id != null) { openPoint(Number(pts[0].layer.id.split('-')[1]), pts[0].id); return; }
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
  const dated = info.datasets.filter((d) => d.dates);
  span = dated.length ? [dated.map((d) => d.dates[0]).sort()[0], dated.map((d) => d.dates[1]).sort().pop()] : null;
  settleLayers();
  fillControls();
  bindControls();
  const names = (await labelsData).filter((l) => l.kind === 'district').map((l) => l.name).sort();
  $('district-names').innerHTML = names.map((n) => `<option value="${n}">`).join('');
  const m = makeMap('map', S.view);
  maps = [m];
  window.frontierMap = m;
  m.on('load', async () => {
    m.ready = true;
    m.labels = new Labels(m, await labelsData, layersOn);
    await refresh(!S.view);
    m.on('moveend', () => { writeHash(); updateExports(); if (S.mode === 'points') drawLegend(null); });
    document.body.dataset.ready = 'true';
  });
  m.on('click', onClick);
  for (const d of info.datasets) {
    m.on('mouseenter', `points-${d.id}-circle`, () => { m.getCanvas().style.cursor = 'pointer'; });
    m.on('mouseleave', `points-${d.id}-circle`, () => { m.getCanvas().style.cursor = ''; });
  }
}

main().catch((e) => { status(`The page could not start: ${e.message}`); showPanel(`<p>${e.message}</p>`); });
