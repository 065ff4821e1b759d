// The details panel (a point's row and where it is; a district's summary
// and monthly trend) and the legend. Every number comes from frontier's
// API, which answers with the library's own figures.

import { HEX_STEPS, HEX_COLOURS, HEX_OPACITY, BASE_STYLE, OUTSIDE, layerColour, radius } from './mapstyle.js';

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const int = (n) => (n == null ? '—' : Math.round(n).toLocaleString('en-GB'));
export const km = (m) => (m == null ? '—' : `${(m / 1000).toFixed(3)} km`);
const num = (x, d = 2) => (x == null || !Number.isFinite(x) ? '—' : x.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d }));

function rows(pairs) {
  return `<table>${pairs.map(([k, v, id]) => `<tr><th scope="row">${esc(k)}</th><td${id ? ` data-field="${id}"` : ''}>${v}</td></tr>`).join('')}</table>`;
}

export function showPanel(html) {
  const panel = document.getElementById('panel');
  document.getElementById('panel-body').innerHTML = html;
  panel.hidden = false;
}

// A point: where it is (locate), how far from the Durand Line (near) and
// the nearest crossing (nearest), and its row as read.
export function pointPanel(p, dsName) {
  const loc = p.location;
  const dl = p.durand_line;
  const nc = p.nearest_crossing;
  const side = dl && dl.side ? ` (${dl.side === 'PAK' ? 'Pakistan' : dl.side === 'AFG' ? 'Afghanistan' : dl.side} side)` : '';
  const row = Object.entries(p.row).map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  showPanel(`
    <h2>Point ${p.i + 1}</h2>
    <p class="note">${esc(dsName)}, line ${p.line}</p>
    ${rows([
      ['Country', esc(loc.country ?? '—'), 'country'],
      ['Province', esc(loc.province ?? '—'), 'province'],
      ['District', esc(loc.district ?? '—'), 'district'],
      ['To the Durand Line', `<span data-m="${dl ? dl.distance_m : ''}">${km(dl && dl.distance_m)}</span>${esc(side)}`, 'durand_km'],
      [`Nearest crossing${nc ? ` (${nc.nearest_feature})` : ''}`, `<span data-m="${nc ? nc.distance_m : ''}">${km(nc && nc.distance_m)}</span>`, 'crossing_km'],
      ['Longitude, latitude', `${p.lon.toFixed(5)}, ${p.lat.toFixed(5)}`],
    ])}
    <p class="note">Geodesic distances on the WGS84 ellipsoid (Karney), as <code>frontier near</code> and <code>nearest</code> give them.</p>
    <h3>The row</h3>
    <table class="row">${row}</table>`);
}

// A district: its summary for the current filters, the before/after
// comparison with the exact rate ratio interval, and the trend chart.
export function districtPanel(name, summary, trend, filters) {
  const r = summary.rows[0];
  const value = summary.value;
  const t = trend ? trend.test : null;
  const pairs = [
    ['Province', esc(r.province)],
    ['Events', int(r.count), 'count'],
    ['Share of all events', r.share == null ? '—' : `${(r.share * 100).toFixed(1)}%`, 'share'],
    ['Per 100,000 people', num(r.per_100k), 'per_100k'],
    ['Population (Census 2023)', int(r.population_2023), 'population'],
  ];
  if (value) pairs.splice(2, 0, [`${value} (sum)`, int(r[value]), 'value']);
  let split = '';
  if (summary.split && r.before != null) {
    const s = summary.split.date;
    split = `<h3>Before and after ${esc(s)}</h3>${rows([
      ['Events before', int(r.before), 'before'],
      ['Events from the split', int(r.after), 'after'],
      ['Per 365 days before', num(r.before_per_365d), 'before_per_365d'],
      ['Per 365 days after', num(r.after_per_365d), 'after_per_365d'],
    ])}`;
    if (t) {
      const ci = `${num(t.rate_ratio_ci_low, 3)} – ${t.rate_ratio_ci_high == null ? '∞' : num(t.rate_ratio_ci_high, 3)}`;
      split += rows([
        ['Rate ratio (after / before)', num(t.rate_ratio, 3), 'rate_ratio'],
        ['Exact 95% interval', ci, 'rate_ratio_ci'],
        ['p-value (exact)', t.p_value < 1e-4 ? t.p_value.toExponential(2) : num(t.p_value, 4), 'p_value'],
      ]);
      split += `<p class="note">Rates per day over the trend's window (whole ${esc(trend.period)}s from the first event), compared exactly (conditional binomial), as <code>frontier trend --split</code> gives them.</p>`;
    }
  }
  showPanel(`
    <h2>${esc(name)}</h2>
    <p class="note">${esc(filters)}</p>
    ${rows(pairs)}
    ${split}
    ${trend ? `<h3>Events per ${esc(trend.period)}</h3>
    ${chart(trend, name)}
    <details><summary class="small">The numbers</summary>${seriesTable(trend)}</details>` : '<p class="note">No dates in this file: no trend.</p>'}`);
}

function seriesTable(trend) {
  const body = trend.series.map((s) => `<tr><th scope="row">${esc(s.period)}${s.side ? ` (${esc(s.side)})` : ''}</th><td>${s.count}</td></tr>`).join('');
  return `<table class="series"><tr><th>Period</th><td>Events</td></tr>${body}</table>`;
}

// Bars per period, the split marked.
function chart(trend, name) {
  const s = trend.series;
  if (!s.length) return '<p class="note">No dated events under these filters.</p>';
  const W = 330, H = 170, L = 34, B = 26, T = 8;
  const max = Math.max(1, ...s.map((x) => x.count));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const bw = (W - L - 4) / s.length;
  const y = (v) => T + (H - T - B) * (1 - v / top);
  let bars = '';
  s.forEach((x, i) => {
    const colour = x.side === 'after' ? '#b2182b' : x.side === 'before' ? '#2166ac' : '#4d4d4d';
    bars += `<rect x="${(L + i * bw).toFixed(1)}" y="${y(x.count).toFixed(1)}" width="${Math.max(0.6, bw - 0.6).toFixed(1)}" height="${(H - B - y(x.count)).toFixed(1)}" fill="${colour}"><title>${esc(x.period)}: ${x.count}</title></rect>`;
  });
  let axis = '';
  for (let v = 0; v <= top; v += step) {
    axis += `<line x1="${L}" x2="${W}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 4}" y="${y(v) + 4}" text-anchor="end">${v}</text>`;
  }
  const years = [];
  s.forEach((x, i) => { const yr = x.period.slice(0, 4); if (!years.length || years[years.length - 1][0] !== yr) years.push([yr, i]); });
  const every = Math.ceil(years.length / 7);
  years.forEach(([yr, i], k) => { if (k % every === 0) axis += `<text x="${L + i * bw}" y="${H - 8}">${yr}</text>`; });
  let mark = '';
  const cut = s.findIndex((x) => x.side === 'after');
  if (cut > 0) mark = `<line x1="${L + cut * bw}" x2="${L + cut * bw}" y1="${T}" y2="${H - B}" stroke="#111" stroke-dasharray="3 2"/><text x="${L + cut * bw + 3}" y="${T + 10}">split</text>`;
  const total = s.reduce((a, x) => a + x.count, 0);
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Events per ${esc(trend.period)} in ${esc(name)}: ${total} in ${s.length} periods" style="font: 10px 'DejaVu Sans', sans-serif">${axis}${bars}${mark}</svg>
  <p class="note"><span class="swatch" style="background:#2166ac;border-radius:0"></span> before the split &nbsp; <span class="swatch" style="background:#b2182b;border-radius:0"></span> from the split</p>`;
}

function niceStep(max) {
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (raw <= m * p) return Math.max(1, m * p);
  return Math.max(1, 10 * p);
}

// Round numbers for the size legend: the largest, rounded down to 1, 2 or
// 5 times a power of ten, and two smaller.
function niceFloor(v) {
  if (!(v > 0)) return 0;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [5, 2, 1]) if (m * p <= v) return m * p;
  return p;
}

// A layer's point as drawn: its fill, and the ring of layers after the
// first in their own colour.
export function ring(id, fill) {
  const border = id === 0 ? 'border:1px solid rgba(0,0,0,.35)' : `border:2px solid ${layerColour(id)}`;
  return `<span class="swatch" style="background:${fill || (id === 0 ? layerColour(0) : 'white')};${border}"></span>`;
}

// The legend: what the map shows now (each point layer shown, or the
// choropleth), then the base map.
export function legend(el, opts) {
  let html = '';
  if (opts.choropleth) {
    const c = opts.choropleth;
    html += `<h3>${esc(c.title)}</h3>`;
    for (const k of c.classes) html += `<div class="item"><span class="box" style="background:${k.colour}"></span>${esc(k.label)}</div>`;
    html += `<div class="item"><span class="box" style="background:${c.no_data}"></span>No data</div>`;
  }
  const several = opts.layers.length > 1;
  for (const l of opts.layers) {
    html += `<div class="legend-layer" data-ds="${l.id}">`;
    if (several) html += `<h3>${ring(l.id)} ${esc(l.name)}</h3>`;
    if (l.hexagons) {
      html += `<div class="small">Events per hexagon${several ? '' : ' (zoom in for single events)'}</div><div class="ramp">`;
      html += l.id === 0
        ? HEX_COLOURS.map((c) => `<span style="background:${c}"></span>`).join('')
        : HEX_OPACITY.map((o) => `<span style="background:${layerColour(l.id)};opacity:${o}"></span>`).join('');
      html += `</div><div class="small" style="display:flex;justify-content:space-between"><span>1</span><span>${HEX_STEPS[2]}</span><span>${HEX_STEPS[4]}+</span></div>`;
    }
    if (l.hexagons && (l.colours || l.size)) html += '<div class="small" style="margin-top:4px">Single events, zoomed in:</div>';
    if (l.colours) {
      html += `<div class="small muted">${esc(l.colours.column)}</div>`;
      for (const [label, colour] of l.colours.rows) html += `<div class="item">${ring(l.id, colour)}${esc(label)}</div>`;
    } else if (!several) {
      html += `<div class="item">${ring(l.id, layerColour(l.id))}${esc(l.name)}</div>`;
    }
    if (l.size && l.vmax > 0) {
      const top = niceFloor(l.vmax);
      const steps = [top, niceFloor(top / 4), niceFloor(top / 20)].filter((v, i, a) => v > 0 && a.indexOf(v) === i);
      html += `<div class="small muted">Size: ${esc(l.size)}</div><div class="sizes">`;
      for (const v of steps) {
        const r = radius(v, l.vmax);
        html += `<span class="size"><span class="circle" style="width:${2 * r}px;height:${2 * r}px"></span>${v.toLocaleString('en-GB')}</span>`;
      }
      html += '</div>';
    }
    html += '</div>';
  }
  if (opts.band != null) {
    const b = BASE_STYLE.band;
    html += `<div class="item"><span class="swatch" style="background:rgba(122,1,119,${b.opacity * 1.5});border:1.5px dashed ${b.line}"></span>Within ${opts.band} km of the Durand Line (geodesic)</div>`;
    html += `<div class="item"><span class="swatch" style="background:${OUTSIDE};opacity:.6"></span>Beyond ${opts.band} km of the Durand Line</div>`;
  }
  html += '<h3 style="margin-top:6px">Base map</h3>';
  html += `<div class="item"><span class="line" style="border-color:${BASE_STYLE['durand-line'].line}"></span>Durand Line</div>`;
  html += `<div class="item"><span class="line" style="border-color:${BASE_STYLE.cpec.line};border-top-style:dashed"></span>CPEC (schematic)</div>`;
  html += `<div class="item"><span class="swatch" style="background:white;border:2.5px solid ${BASE_STYLE.crossings.line}"></span>Crossing</div>`;
  if (opts.synthetic) html += '<p class="small" style="margin:4px 0 0"><strong>Synthetic data</strong> shown (for demonstration)</p>';
  el.innerHTML = html;
}
