// Labels drawn as text over the map (in the project's own font, DejaVu
// Sans, served by frontier), not as map-library symbols: those would need
// glyph files from elsewhere. Names are placed most important first and
// never overlap; what does not fit is left out, as the print maps do.

const ORDER = { country: 0, crossing: 1, province: 2, place: 3, district: 4 };

export class Labels {
  constructor(map, labels, layersOn) {
    this.map = map;
    this.labels = labels
      .slice()
      .sort((a, b) => (ORDER[a.kind] - ORDER[b.kind]) || (b.rank - a.rank));
    this.layersOn = layersOn;
    this.box = document.createElement('div');
    this.box.className = 'labels';
    map.getContainer().appendChild(this.box);
    this.pool = [];
    const redraw = () => this.draw();
    map.on('move', redraw);
    map.on('resize', redraw);
    this.draw();
  }

  draw() {
    const z = this.map.getZoom();
    const w = this.box.clientWidth;
    const h = this.box.clientHeight;
    const taken = [];
    const on = this.layersOn();
    let n = 0;
    for (const l of this.labels) {
      if (l.minzoom > z + 0.01) continue;
      if (l.kind === 'place' && !on.places) continue;
      if (l.kind === 'district' && !on.districts) continue;
      if (l.kind === 'province' && !on.provinces) continue;
      if (l.kind === 'crossing' && !on.crossings) continue;
      if (l.kind === 'country' && !on.neighbours) continue;
      const p = this.map.project([l.lon, l.lat]);
      if (p.x < -50 || p.y < -20 || p.x > w + 50 || p.y > h + 20) continue;
      const size = l.kind === 'province' || l.kind === 'country' ? 14 : 12;
      const width = l.name.length * size * (l.kind === 'province' || l.kind === 'country' ? 0.8 : 0.6) + 8;
      const left = l.kind === 'place' || l.kind === 'crossing' ? p.x - 8 : p.x - width / 2;
      const box = [left - 3, p.y - size / 2 - 3, left + width + 3, p.y + size / 2 + 3];
      if (taken.some((t) => box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1])) continue;
      taken.push(box);
      let el = this.pool[n];
      if (!el) {
        el = document.createElement('div');
        this.box.appendChild(el);
        this.pool.push(el);
      }
      el.hidden = false;
      el.textContent = l.name;
      el.className = `label ${l.kind}${l.kind === 'place' && l.rank >= 1e6 ? ' big' : ''}`;
      el.style.left = `${p.x}px`;
      el.style.top = `${p.y}px`;
      n += 1;
      if (n > 220) break;
    }
    for (let i = n; i < this.pool.length; i++) this.pool[i].hidden = true;
  }
}
