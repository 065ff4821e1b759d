"""The page in a real browser, against what the command line answers on the
same file: no console error or failed request, a clicked point's district
and distances, the count under a time filter, a district's panel, the
export, and a reload restoring the view. Screenshots go to renders/."""
import csv
import math
import os
import subprocess
import tempfile

import mapbox_vector_tile

from conftest import EVENTS, REFERENCE, RENDERS, cli_csv, cli_json


def shot(page, name):
    os.makedirs(RENDERS, exist_ok=True)
    page.page.screenshot(path=os.path.join(RENDERS, name))


def hash_url(server, **kw):
    parts = [f"{k.replace('__', '.')}={v}" for k, v in kw.items()]
    return f"{server.url}#{'&'.join(parts)}"


def test_the_page_loads_with_no_error_and_the_overview(server, page):
    page.open(server.url)
    assert page.errors == [], page.errors
    count = int(page.page.get_attribute("#shown", "data-count"))
    assert count == 2000
    # Every control has a label a screen reader can read.
    unlabelled = page.page.evaluate("""() => [...document.querySelectorAll('input, select, button, a.button')]
        .filter(e => !e.labels?.length && !e.getAttribute('aria-label') && !e.textContent.trim()
                     && !e.closest('label'))
        .map(e => e.id || e.outerHTML.slice(0, 60))""")
    assert unlabelled == [], unlabelled
    shot(page, "serve-overview.png")


def isolated_point():
    """The row furthest from every other row (so a click finds it alone)."""
    rows = cli_csv("locate", EVENTS)
    pts = [(float(r["longitude"]), float(r["latitude"])) for r in rows]
    best, best_d = 0, -1.0
    for i, (x, y) in enumerate(pts):
        if not rows[i]["district"]:
            continue
        d = min((((x - a) * math.cos(math.radians(y))) ** 2 + (y - b) ** 2 for j, (a, b) in enumerate(pts) if j != i))
        if d > best_d:
            best, best_d = i, d
    return best, rows


def test_clicking_a_point_shows_what_locate_and_near_give(server, page):
    i, rows = isolated_point()
    lon, lat = float(rows[i]["longitude"]), float(rows[i]["latitude"])
    page.open(hash_url(server, z="12", c=f"{lon},{lat}", mode="points"))
    box = page.page.query_selector("#map").bounding_box()
    page.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.page.wait_for_selector("#panel [data-field=district]")
    page.page.wait_for_function("() => document.querySelector('#panel h2').textContent.startsWith('Point')")
    panel = page.page.inner_text("#panel")
    assert rows[i]["event_id_cnty"] in panel
    assert page.page.inner_text("#panel [data-field=district]") == rows[i]["district"]
    assert page.page.inner_text("#panel [data-field=province]") == rows[i]["province"]
    near = cli_csv("near", EVENTS, "--target", "durand-line")[i]
    shown_m = float(page.page.get_attribute("#panel [data-field=durand_km] span", "data-m"))
    # The CLI writes km to 3 decimals (a metre): within 1 m.
    assert abs(shown_m - float(near["distance_km"]) * 1000) <= 1.0
    nearest = cli_csv("nearest", EVENTS, "--target", "crossings")[i]
    shown_m = float(page.page.get_attribute("#panel [data-field=crossing_km] span", "data-m"))
    assert abs(shown_m - float(nearest["distance_1_km"]) * 1000) <= 1.0
    assert page.errors == [], page.errors


def test_the_time_filter_shows_what_summarize_counts(server, page):
    page.open(server.url)
    page.page.fill("#from", "2021-01-01")
    page.page.dispatch_event("#from", "change")
    page.page.fill("#to", "2022-12-31")
    page.page.dispatch_event("#to", "change")
    page.page.wait_for_function("() => location.hash.includes('to=2022-12-31')")
    rows = cli_json("summarize", EVENTS, "--from", "2021-01-01", "--to", "2022-12-31", "--format", "json")
    expected = sum(r["count"] for r in rows)
    page.page.wait_for_function(
        f"() => document.querySelector('#shown')?.dataset.count === '{expected}'", timeout=30_000)
    assert page.errors == [], page.errors


def test_a_districts_panel_is_summarize_and_trend(server, page):
    page.open(hash_url(server, split="2021-08-15", z="6.5", c="71.3,33.6"))
    page.page.fill("#find-district", "Peshawar")
    page.page.dispatch_event("#find-district", "change")
    page.page.wait_for_selector("#panel [data-field=rate_ratio]", timeout=30_000)
    s = next(r for r in cli_json("summarize", EVENTS, "--value", "fatalities", "--split", "2021-08-15",
                                 "--format", "json") if r["district"] == "Peshawar")
    t = next(r for r in cli_json("trend", EVENTS, "--group", "district", "--split", "2021-08-15",
                                 "--format", "json") if r["district"] == "Peshawar")
    field = lambda f: page.page.inner_text(f"#panel [data-field={f}]").replace(",", "")
    assert int(field("count")) == s["count"]
    assert int(field("before")) == s["before"]
    assert int(field("after")) == s["after"]
    assert int(field("value")) == round(s["fatalities"])
    assert abs(float(field("per_100k")) - s["per_100k"]) < 0.006
    assert abs(float(field("rate_ratio")) - t["rate_ratio"]) < 0.0006
    lo, hi = field("rate_ratio_ci").split("–")
    assert abs(float(lo) - t["rate_ratio_ci_low"]) < 0.0006
    assert abs(float(hi) - t["rate_ratio_ci_high"]) < 0.0006
    # The chart's numbers are the trend's series.
    counts = [int(x) for x in page.page.eval_on_selector_all("#panel table.series td", "es => es.map(e => e.textContent)")[1:]]
    assert counts == [p["count"] for p in t["series"]]
    page.page.wait_for_timeout(1200)
    page.settle()
    shot(page, "serve-district.png")
    assert page.errors == [], page.errors


def test_the_before_after_choropleth(server, page):
    page.open(hash_url(server, split="2021-08-15", mode="beforeafter", z="5.2", c="69.6,30.6"))
    page.page.wait_for_selector(".map-title")
    page.page.wait_for_timeout(1500)
    page.settle()
    shot(page, "serve-before-after.png")
    assert page.errors == [], page.errors


def test_the_export_downloads_a_pdf_that_poppler_renders(server, page):
    page.open(hash_url(server, z="6", c="70.5,32.5", **{"color__0": "event_type"}))
    with page.page.expect_download() as d:
        page.page.click("#export-pdf")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, "map.pdf")
        d.value.save_as(pdf)
        with open(pdf, "rb") as f:
            assert f.read(4) == b"%PDF"
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", pdf, os.path.join(tmp, "page")],
                       check=True)
        pages = [x for x in os.listdir(tmp) if x.startswith("page") and x.endswith(".png")]
        assert pages and os.path.getsize(os.path.join(tmp, pages[0])) > 5_000


def test_a_reload_restores_the_view_and_filters(server, page):
    page.open(hash_url(server, mode="per_100k", **{"f__event_type": "Battles"}, z="7", c="70.1,32.9"))
    before = page.page.get_attribute("#shown", "data-count")
    page.page.fill("#from", "2022-01-01")
    page.page.dispatch_event("#from", "change")
    page.page.wait_for_function("() => location.hash.includes('from=2022-01-01')")
    page.page.wait_for_function(f"() => document.querySelector('#shown')?.dataset.count !== '{before}'")
    shown = page.page.get_attribute("#shown", "data-count")
    page.page.reload()
    page.page.wait_for_selector("body[data-ready=true]")
    page.page.wait_for_function(f"() => document.querySelector('#shown')?.dataset.count === '{shown}'")
    assert page.page.input_value("#from") == "2022-01-01"
    assert page.page.is_checked("input[name=mode][value=per_100k]")
    assert page.page.is_checked("details[data-col=event_type] input[value=Battles]")
    assert abs(page.page.evaluate("frontierMap.getZoom()") - 7) < 0.01
    assert page.errors == [], page.errors


def test_the_hexagons_hold_every_point_once(server):
    """Low-zoom tiles aggregate: the hexagons of every tile add up
    to the points shown, each hexagon counted once (a hexagon across a
    tile's edge is in the tiles on both sides, whole, with the same count,
    so that the map shows no seam). Zoom 5: every tile over the region."""
    counts = {}
    seen = 0
    for x in range(20, 25):
        for y in range(11, 16):
            t = mapbox_vector_tile.decode(server.get(f"/tiles/points/0/5/{x}/{y}.pbf?from=2020-01-01"))
            for f in t.get("hexagons", {}).get("features", []):
                c = f["properties"]["count"]
                assert counts.setdefault(f["id"], c) == c
                seen += 1
    assert seen > len(counts)
    assert sum(counts.values()) == server.json("/api/count?from=2020-01-01")["count"]


def file_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_several_files_are_layers_each_on_off_coloured_and_sized(layers, page):
    """Two files, two layers: each counted as its file has it, switched off
    and on, sized by a column chosen on the page (the tiles' sizes are the
    file's numbers), and restored from the address."""
    events, reference = file_rows(EVENTS), file_rows(REFERENCE)
    page.open(hash_url(layers, z="7", c="71.2,34.0"))
    count = lambda k: page.page.get_attribute(f"#shown-{k}", "data-count")
    assert (count(0), count(1)) == (str(len(events)), str(len(reference)))
    # A time window counts each dated layer's rows in it.
    page.page.fill("#from", "2023-01-01")
    page.page.dispatch_event("#from", "change")
    inside = lambda rows: str(sum(r["event_date"] >= "2023-01-01" for r in rows))
    page.page.wait_for_function(
        f"() => document.querySelector('#shown-1')?.dataset.count === '{inside(reference)}'")
    assert count(0) == inside(events)
    # The synthetic layer sized by geo_precision: the circles' scale is the
    # column's largest number, and its tiles carry each row's number.
    page.page.select_option("#size-0", "geo_precision")
    page.page.wait_for_function(
        "() => frontierMap.getStyle().sources['points-0']?.tiles[0].includes('size_by=geo_precision')")
    page.settle()
    top = max(float(r["geo_precision"]) for r in events + reference)
    radius = page.page.evaluate("JSON.stringify(frontierMap.getPaintProperty('points-0-circle', 'circle-radius'))")
    assert f",{top:g}]" in radius.replace(".0]", "]"), radius
    tiles = page.page.evaluate("frontierMap.getStyle().sources['points-0'].tiles[0]")
    assert "size_by=geo_precision" in tiles and "from=2023-01-01" in tiles
    # The zoom-8 tile of the first row in the window (one by one from zoom 6).
    first = next(r for r in events if r["event_date"] >= "2023-01-01")
    lon, lat = float(first["longitude"]), math.radians(float(first["latitude"]))
    x = int((lon + 180) / 360 * 256)
    y = int((1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2 * 256)
    url = tiles.replace("{z}/{x}/{y}", f"8/{x}/{y}").split("/tiles/")[1]
    t = mapbox_vector_tile.decode(layers.get(f"/tiles/{url}"))
    feats = t["points"]["features"]
    assert first["event_id_cnty"] in {events[f["id"]]["event_id_cnty"] for f in feats}
    for f in feats:
        assert f["properties"]["v"] == float(events[f["id"]]["geo_precision"])
    # The band: each layer counts its rows within 50 km, as `near --within`
    # keeps them, and the points beyond are drawn faded beneath.
    page.page.check("#band-on")
    within = {k: sum(r["event_date"] >= "2023-01-01" for r in cli_csv("near", path, "--target", "durand-line", "--within", "50km"))
              for k, path in ((0, EVENTS), (1, REFERENCE))}
    page.page.wait_for_function(
        f"() => document.querySelector('#shown-0')?.dataset.count === '{within[0]}'"
        f" && document.querySelector('#shown-1')?.dataset.count === '{within[1]}'")
    assert page.page.evaluate("!!frontierMap.getLayer('points-0-out-circle')")
    page.page.wait_for_selector("body[data-band='50']")
    page.page.uncheck("#band-on")
    page.page.wait_for_function("() => !location.hash.includes('within=')")
    # The reference layer switched off, and back on after a reload.
    page.page.uncheck("#layer-on-1")
    page.page.wait_for_function("() => location.hash.includes('points.1') && !document.querySelector('#shown-1')")
    assert page.page.evaluate("frontierMap.getLayoutProperty('points-1-circle', 'visibility')") == "none"
    page.settle()
    page.page.reload()
    page.page.wait_for_selector("body[data-ready=true]")
    assert not page.page.is_checked("#layer-on-1")
    assert page.page.input_value("#size-0") == "geo_precision"
    page.page.check("#layer-on-1")
    page.page.select_option("#size-0", "fatalities")
    page.page.fill("#from", "2021-01-01")
    page.page.dispatch_event("#from", "change")
    page.page.wait_for_function("() => location.hash.includes('size.0=fatalities') && location.hash.includes('from=2021-01-01')")
    # The circles scaled by fatalities' largest number before the picture
    # (a screenshot taken while the old scale still applied drew every
    # circle at full size).
    most = max(float(r["fatalities"]) for r in events + reference)
    page.page.wait_for_function(
        "() => { const r = JSON.stringify(frontierMap.getPaintProperty('points-0-circle', 'circle-radius'));"
        f" return r.includes(',{most:g}]') || r.includes(',{most:g}.0]'); }}")
    page.page.evaluate("document.activeElement.blur()")
    page.page.wait_for_timeout(1000)
    page.settle()
    shot(page, "serve-layers.png")
    assert page.errors == [], page.errors


def test_the_distance_band_is_drawn_where_near_puts_the_points(server, page):
    """With the band on, its area is drawn: the rows `near` puts well
    within 50 km of the Durand Line are under it, the rows well beyond
    are not; with the band off, nothing is drawn."""
    page.open(hash_url(server, z="6", c="67.3,32.3", mode="points", within="50"))
    page.page.wait_for_selector("body[data-band='50']")
    page.settle()
    near = cli_csv("near", EVENTS, "--target", "durand-line")
    under = page.page.evaluate("""(pts) => pts.map(([x, y]) => {
        const p = frontierMap.project([x, y]);
        const c = frontierMap.getCanvas();
        if (p.x < 5 || p.y < 5 || p.x > c.clientWidth - 5 || p.y > c.clientHeight - 5) return null;
        return frontierMap.queryRenderedFeatures(p, { layers: ['band-fill'] }).length > 0;
    })""", [[float(r["longitude"]), float(r["latitude"])] for r in near])
    inside = [u for r, u in zip(near, under) if u is not None and float(r["distance_km"]) < 45]
    beyond = [u for r, u in zip(near, under) if u is not None and float(r["distance_km"]) > 55]
    assert len(inside) > 50 and len(beyond) > 50, (len(inside), len(beyond))
    assert all(inside), inside.count(False)
    assert not any(beyond), beyond.count(True)
    # The legend names the band; the outline is a line on the map.
    assert "Within 50 km of the Durand Line" in page.page.inner_text("#legend")
    assert page.page.evaluate("frontierMap.queryRenderedFeatures({ layers: ['band-line'] }).length") > 0
    assert page.errors == [], page.errors
    shot(page, "serve-band.png")
    page.page.uncheck("#band-on")
    page.page.wait_for_function("() => document.body.dataset.band === ''"
                                " && frontierMap.querySourceFeatures('band').length === 0")
