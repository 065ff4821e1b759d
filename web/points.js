// The point layers: one per file given to the server, each on or off,
// coloured by a text column and sized by a column of numbers, chosen on
// the page. Colours follow the values: the same value has the same colour
// in every layer.

import { CATEGORICAL, OTHER, layerColour } from './mapstyle.js';
import { ring } from './panels.js';

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const int = (n) => n.toLocaleString('en-GB');

// Colours are given to the seven commonest values of each layer's colour
// column (tile rank `k` 0 to 6; the rest share grey), a value met again in
// a later layer keeping its colour. Returns, per dataset id, the
// [rank, colour] pairs and the legend's [value, colour] rows.
export function assignColours(datasets, layers) {
  const byValue = new Map();
  let next = 0;
  const out = {};
  for (const d of datasets) {
    const col = layers[d.id]?.color;
    const c = col ? d.categories.find((x) => x.name === col) : null;
    if (!c) { out[d.id] = null; continue; }
    const pairs = [];
    const rows = [];
    c.values.slice(0, CATEGORICAL.length).forEach(([value], k) => {
      if (!byValue.has(value)) {
        byValue.set(value, CATEGORICAL[next % CATEGORICAL.length]);
        next += 1;
      }
      pairs.push([k, byValue.get(value)]);
      rows.push([value, byValue.get(value)]);
    });
    if (c.distinct > CATEGORICAL.length) rows.push(['Other', OTHER]);
    out[d.id] = { pairs, rows, column: c.name };
  }
  return out;
}

// The controls of every point layer.
export function layerControls(el, info, layers) {
  el.innerHTML = info.datasets.map((d) => {
    const L = layers[d.id];
    const a = d.account;
    const rejected = a.rejected
      ? `, ${int(a.rejected)} rejected (<a href="${window.location.origin}/api/rejects.csv?ds=${d.id}" download>download them</a>)`
      : ', none rejected';
    const colours = `<option value="">One colour</option>${d.categories.map((c) => `<option${c.name === L.color ? ' selected' : ''}>${esc(c.name)}</option>`).join('')}`;
    const sizes = `<option value="">One size</option>${d.numbers.map((n) => `<option${n === L.size ? ' selected' : ''}>${esc(n)}</option>`).join('')}`;
    return `<fieldset class="point-layer" data-ds="${d.id}">
      <legend class="visually-hidden">${esc(d.name)}</legend>
      <label class="check"><input type="checkbox" id="layer-on-${d.id}" data-ds="${d.id}"${L.on ? ' checked' : ''}>
        ${ring(d.id, layerColour(d.id))} ${esc(d.name)}${d.synthetic ? ' <span class="muted">(synthetic)</span>' : ''}</label>
      <p class="small muted">${int(a.rows_in)} rows read: ${int(a.kept)} on the map${rejected}.</p>
      <div class="pair">
        <label for="color-${d.id}">Colour by</label><select id="color-${d.id}" data-ds="${d.id}" data-role="color">${colours}</select>
        <label for="size-${d.id}">Size by</label><select id="size-${d.id}" data-ds="${d.id}" data-role="size">${sizes}</select>
      </div>
    </fieldset>`;
  }).join('') || '<p class="small muted">No points: the base map only.</p>';
}
