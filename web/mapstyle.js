// The map's style: the base map from the built-in layers (served as
// vector tiles by frontier itself), the points (one by one, or in
// hexagons below the zoom where a tile would hold too many) and the
// district choropleth. Nothing is loaded from elsewhere: no tiles, no
// fonts, no sprites (labels are drawn by labels.js).

// Okabe–Ito, colour-blind safe (the render engine's categorical colours),
// then grey for every other value.
export const CATEGORICAL = ['#E69F00', '#56B4E9', '#009E73', '#D55E00', '#0072B2', '#CC79A7', '#F0E442'];
export const OTHER = '#8c8c8c';
// Hexagon classes (events per hexagon), on viridis (colour-blind safe).
export const HEX_STEPS = [1, 5, 20, 100, 500, 2000];
export const HEX_COLOURS = ['#fde725', '#addc30', '#5ec962', '#21918c', '#3b528b', '#472d7b', '#440154'];
export const SEA = '#d4e4ef';

export const BASE_STYLE = {
  neighbours: { fill: '#e8e6e1', line: '#a09c94' },
  provinces: { fill: '#fbfaf6', line: '#6f6f6f' },
  districts: { line: '#b8b8b8' },
  cpec: { line: '#d95f02' },
  'durand-line': { line: '#7a0177' },
  band: { fill: '#7a0177', opacity: 0.08, line: '#7a0177' },
  crossings: { fill: '#ffffff', line: '#7a0177' },
};

export const EMPTY = { type: 'FeatureCollection', features: [] };

export function style(origin) {
  return {
    version: 8,
    sources: {
      base: {
        type: 'vector',
        tiles: [`${origin}/tiles/base/{z}/{x}/{y}.pbf`],
        minzoom: 0,
        maxzoom: 14,
        attribution: 'Boundaries © OpenStreetMap contributors (ODbL); places: GeoNames (CC BY 4.0); frontier',
      },
      // The distance band's area (/api/band), drawn while the band is on.
      band: { type: 'geojson', data: EMPTY },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': SEA } },
      { id: 'neighbours-fill', type: 'fill', source: 'base', 'source-layer': 'neighbours',
        paint: { 'fill-color': BASE_STYLE.neighbours.fill } },
      { id: 'provinces-fill', type: 'fill', source: 'base', 'source-layer': 'provinces',
        paint: { 'fill-color': BASE_STYLE.provinces.fill } },
      { id: 'districts-fill', type: 'fill', source: 'base', 'source-layer': 'districts',
        paint: { 'fill-color': 'rgba(0,0,0,0)', 'fill-opacity': 0.88 } },
      { id: 'band-fill', type: 'fill', source: 'band',
        paint: { 'fill-color': BASE_STYLE.band.fill, 'fill-opacity': BASE_STYLE.band.opacity } },
      { id: 'neighbours-line', type: 'line', source: 'base', 'source-layer': 'neighbours',
        paint: { 'line-color': BASE_STYLE.neighbours.line, 'line-width': 0.8 } },
      { id: 'districts-line', type: 'line', source: 'base', 'source-layer': 'districts',
        paint: { 'line-color': BASE_STYLE.districts.line,
                 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.3, 8, 0.9, 12, 1.4] } },
      { id: 'provinces-line', type: 'line', source: 'base', 'source-layer': 'provinces',
        paint: { 'line-color': BASE_STYLE.provinces.line,
                 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.9, 10, 2] } },
      { id: 'band-line', type: 'line', source: 'band',
        paint: { 'line-color': BASE_STYLE.band.line, 'line-width': 1.6, 'line-dasharray': [4, 2], 'line-opacity': 0.9 } },
      { id: 'district-selected', type: 'line', source: 'base', 'source-layer': 'districts',
        filter: ['==', ['get', 'name'], ''],
        paint: { 'line-color': '#111', 'line-width': 3 } },
      { id: 'cpec-line', type: 'line', source: 'base', 'source-layer': 'cpec',
        paint: { 'line-color': BASE_STYLE.cpec.line, 'line-width': 2, 'line-dasharray': [3, 2] } },
      { id: 'durand-line-casing', type: 'line', source: 'base', 'source-layer': 'durand-line',
        paint: { 'line-color': '#ffffff', 'line-width': 4.5, 'line-opacity': 0.8 } },
      { id: 'durand-line-line', type: 'line', source: 'base', 'source-layer': 'durand-line',
        paint: { 'line-color': BASE_STYLE['durand-line'].line, 'line-width': 2.2 } },
      { id: 'crossings-circle', type: 'circle', source: 'base', 'source-layer': 'crossings',
        paint: { 'circle-radius': 5, 'circle-color': BASE_STYLE.crossings.fill,
                 'circle-stroke-color': BASE_STYLE.crossings.line, 'circle-stroke-width': 2.5 } },
    ],
  };
}

// Which style layers each built-in layer's switch turns on and off.
export const LAYER_PARTS = {
  neighbours: ['neighbours-fill', 'neighbours-line'],
  provinces: ['provinces-fill', 'provinces-line'],
  districts: ['districts-line'],
  cpec: ['cpec-line'],
  'durand-line': ['durand-line-casing', 'durand-line-line'],
  crossings: ['crossings-circle'],
  places: [],
};

// Colours of point layers drawn in one colour and of the rings of layers
// after the first, by dataset: the print maps' one colour, black (the
// Okabe–Ito colour the categories leave out), then dark colours of Paul
// Tol's muted scheme unlike any category colour (the server's
// export::LAYER_COLOURS).
export const LAYER_COLOURS = ['#6a3d9a', '#000000', '#882255', '#999933', '#332288'];
export const layerColour = (id) => LAYER_COLOURS[id % LAYER_COLOURS.length];
// Point radii, px: area proportional to the size column, as the print
// maps draw them (the largest value R_MAX, none smaller than R_MIN, to
// stay visible and clickable on a screen).
export const R_MAX = 16;
export const R_MIN = 3;
export const R_PLAIN = 4;
// The hexagons' classes as opacities of a layer's colour (layers after
// the first, whose hexagons are on viridis).
export const HEX_OPACITY = [0.25, 0.4, 0.55, 0.7, 0.8, 0.9, 0.95];

// The style layers of point layer `id` (the points outside the distance
// band, faded, first).
export const pointParts = (id) => [`points-${id}-out-hex`, `points-${id}-out-circle`,
  `points-${id}-hex`, `points-${id}-hex-line`, `points-${id}-circle`];
export const OUTSIDE = '#9a9a9a';

export function radius(v, vmax) {
  return vmax > 0 ? Math.max(R_MIN, R_MAX * Math.sqrt(Math.max(v, 0) / vmax)) : R_PLAIN;
}

// Point layer `id`'s source and layers, its tiles asked for with `query`
// (filters, colour and size columns): `look.pairs` the colour of each
// category rank ([rank, colour]...; null: the layer's one colour),
// `look.vmax` the largest size value (null: one size).
export function setPoints(map, origin, id, query, look) {
  for (const p of pointParts(id)) if (map.getLayer(p)) map.removeLayer(p);
  const src = `points-${id}`;
  for (const s of [src, `${src}-out`]) if (map.getSource(s)) map.removeSource(s);
  const source = (q) => ({ type: 'vector', tiles: [`${origin}/tiles/points/${id}/{z}/{x}/{y}.pbf?${q}`], minzoom: 0, maxzoom: 16 });
  map.addSource(src, source(query));
  const before = map.getLayer('cpec-line') ? 'cpec-line' : undefined;
  // With a distance band, every point under the other filters is drawn
  // faded beneath, so the band's points stand out among the rest.
  if (look.outside) {
    map.addSource(`${src}-out`, source(look.outside));
    map.addLayer({ id: `points-${id}-out-hex`, type: 'fill', source: `${src}-out`, 'source-layer': 'hexagons',
      paint: { 'fill-color': OUTSIDE, 'fill-opacity': 0.3 } }, before);
    map.addLayer({ id: `points-${id}-out-circle`, type: 'circle', source: `${src}-out`, 'source-layer': 'points',
      paint: { 'circle-color': OUTSIDE, 'circle-radius': 2.5, 'circle-opacity': 0.45 } }, before);
  }
  const step = (outputs) => {
    const e = ['step', ['get', 'count'], outputs[0]];
    HEX_STEPS.forEach((s, i) => { if (i > 0) e.push(s, outputs[i]); });
    e.push(HEX_STEPS[HEX_STEPS.length - 1] * 5, outputs[outputs.length - 1]);
    return e;
  };
  const hexPaint = id === 0
    ? { 'fill-color': step(HEX_COLOURS), 'fill-opacity': 0.78 }
    : { 'fill-color': layerColour(id), 'fill-opacity': step(HEX_OPACITY) };
  map.addLayer({ id: `points-${id}-hex`, type: 'fill', source: src, 'source-layer': 'hexagons', paint: hexPaint }, before);
  map.addLayer({ id: `points-${id}-hex-line`, type: 'line', source: src, 'source-layer': 'hexagons',
    paint: { 'line-color': id === 0 ? '#ffffff' : layerColour(id), 'line-width': id === 0 ? 0.4 : 0.8, 'line-opacity': 0.7 } }, before);
  let colour = layerColour(id);
  if (look.pairs && look.pairs.length) {
    colour = ['match', ['get', 'k']];
    for (const [k, c] of look.pairs) colour.push(k, c);
    colour.push(OTHER);
  }
  const v = ['max', ['coalesce', ['get', 'v'], 0], 0];
  const r = look.vmax > 0 ? ['max', R_MIN, ['*', R_MAX, ['sqrt', ['/', v, look.vmax]]]] : R_PLAIN;
  map.addLayer({ id: `points-${id}-circle`, type: 'circle', source: src, 'source-layer': 'points',
    layout: { 'circle-sort-key': ['-', 0, v] },
    paint: {
      'circle-color': colour,
      'circle-radius': r,
      // Layers after the first are ringed in their own colour, so that
      // the same colours (the same values) in two layers stay apart.
      'circle-stroke-color': id === 0 ? '#ffffff' : layerColour(id),
      'circle-stroke-width': id === 0 ? 0.7 : 2,
      'circle-opacity': 0.85,
    } });
}
