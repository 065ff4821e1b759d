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
  crossings: { fill: '#ffffff', line: '#7a0177' },
};

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
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': SEA } },
      { id: 'neighbours-fill', type: 'fill', source: 'base', 'source-layer': 'neighbours',
        paint: { 'fill-color': BASE_STYLE.neighbours.fill } },
      { id: 'provinces-fill', type: 'fill', source: 'base', 'source-layer': 'provinces',
        paint: { 'fill-color': BASE_STYLE.provinces.fill } },
      { id: 'districts-fill', type: 'fill', source: 'base', 'source-layer': 'districts',
        paint: { 'fill-color': 'rgba(0,0,0,0)', 'fill-opacity': 0.88 } },
      { id: 'neighbours-line', type: 'line', source: 'base', 'source-layer': 'neighbours',
        paint: { 'line-color': BASE_STYLE.neighbours.line, 'line-width': 0.8 } },
      { id: 'districts-line', type: 'line', source: 'base', 'source-layer': 'districts',
        paint: { 'line-color': BASE_STYLE.districts.line,
                 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.3, 8, 0.9, 12, 1.4] } },
      { id: 'provinces-line', type: 'line', source: 'base', 'source-layer': 'provinces',
        paint: { 'line-color': BASE_STYLE.provinces.line,
                 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.9, 10, 2] } },
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

export function colourExpression() {
  const m = ['match', ['get', 'k']];
  CATEGORICAL.forEach((c, i) => m.push(i, c));
  m.push(OTHER);
  return m;
}

// The points' source and layers for dataset `ds` with `query` (filters).
export function setPoints(map, origin, ds, query, colour) {
  for (const id of ['points-circle', 'points-hex', 'points-hex-line']) {
    if (map.getLayer(id)) map.removeLayer(id);
  }
  if (map.getSource('points')) map.removeSource('points');
  map.addSource('points', {
    type: 'vector',
    tiles: [`${origin}/tiles/points/${ds}/{z}/{x}/{y}.pbf?${query}`],
    minzoom: 0,
    maxzoom: 16,
  });
  const hexColour = ['step', ['get', 'count'], HEX_COLOURS[0]];
  HEX_STEPS.forEach((s, i) => { if (i > 0) hexColour.push(s, HEX_COLOURS[i]); });
  hexColour.push(HEX_STEPS[HEX_STEPS.length - 1] * 5, HEX_COLOURS[HEX_COLOURS.length - 1]);
  const before = map.getLayer('cpec-line') ? 'cpec-line' : undefined;
  map.addLayer({ id: 'points-hex', type: 'fill', source: 'points', 'source-layer': 'hexagons',
    paint: { 'fill-color': hexColour, 'fill-opacity': 0.78 } }, before);
  map.addLayer({ id: 'points-hex-line', type: 'line', source: 'points', 'source-layer': 'hexagons',
    paint: { 'line-color': '#ffffff', 'line-width': 0.4, 'line-opacity': 0.7 } }, before);
  map.addLayer({ id: 'points-circle', type: 'circle', source: 'points', 'source-layer': 'points',
    paint: {
      'circle-color': colour ? colourExpression() : '#0072B2',
      'circle-radius': ['interpolate', ['linear'], ['sqrt', ['max', ['get', 'v'], 0]], 0, 3, 1, 3.6, 3, 5.5, 10, 12, 14, 16],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 0.7,
      'circle-opacity': 0.85,
    } });
}
