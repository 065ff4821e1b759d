# %% [markdown]
# # A tour of frontier in Python
#
# A notebook as a script (cells marked `# %%`, as Jupyter, VS Code and
# jupytext read them): synthetic ACLED-shaped events (labelled synthetic,
# made by `frontier synth`), located, measured, summarised, tested for a
# change at a date, searched for hot spots (and for near repeats and
# emerging hot spots, space and time together) and mapped. The test suite runs
# it from start to end.

# %%
import sys
import tempfile
from pathlib import Path

import pandas as pd

import frontier

HERE = Path(__file__).resolve().parent
EVENTS = HERE.parents[1] / "tests" / "fixtures" / "synthetic-events.csv"
out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
print("frontier", frontier.__version__)

# %% Events as a pandas frame: which district is each in?
events = pd.read_csv(EVENTS)
located = frontier.locate(events)
print(located[["event_id_cnty", "frontier_country", "province", "district"]].head())

# %% How far from the Durand Line, and on which side? Only those within 25 km.
close = frontier.near(events, within_km=25)
print(f"{len(close)} of {len(events)} events within 25 km of the Durand Line")
print(close.groupby("side", observed=True).size())

# %% The three nearest border crossings of each event.
crossings = frontier.nearest(events, "crossings", k=3)
print(crossings[["event_id_cnty", "nearest_1", "distance_1_km", "nearest_2", "distance_2_km"]].head())

# %% Per district, before and after 15 August 2021.
table = frontier.summarize(events, by="district", value="fatalities", split="2021-08-15")
print(table.sort_values("count", ascending=False).head(8)[["district", "count", "per_100k", "ratio"]])
print("rows:", table.attrs["account"])

# %% Events per quarter in each province, and whether they changed at the date.
tests = frontier.trend(events, period="quarter", by="province", split="2021-08-15")
print(tests[["province", "events_before", "events_after", "rate_ratio", "p_value"]])
its = tests.attrs["its"]["Khyber Pakhtunkhwa"]
if its is not None:
    print("jump at the split (rate ratio):", round(its["level_change"]["exp"], 3))

# %% Hot and cold spots per district, and Moran's I.
hot = frontier.hotspots(events, by="district", permutations=99)
print(hot[hot["gi_class"] != "not significant"][["district", "count", "gi_z", "gi_class"]])
print("Moran's I:", hot.attrs["moran"])

# %% Space and time together: do events close in space follow each other
# within days (Knox's test), and does Afghan-side violence precede
# Pakistani-side violence nearby (a directed lead-lag test)?
k = frontier.knox(events, space_km=10, time_days=14, permutations=99, seed=1)
print(k[["pairs_close_both", "expected", "ratio", "p_poisson", "p_sim"]])
lag = frontier.knox(events, lead="country=AFG", follow="country=PAK", space_km=50, time_days=14, permutations=99)
print(lag[["direction", "observed", "expected", "ratio", "p_sim"]])

# %% Emerging hot spots: the provinces' yearly Gi* series and their categories.
em = frontier.emerging(events, by="province", period="year")
print(em[["province", "category", "trend_z", "hot_periods", "cold_periods"]])
print(pd.DataFrame(em["series"][0]).head())

# %% A choropleth of the rates, saved as PNG and SVG.
m = frontier.render(choropleth=table, column="per_100k", extent="kp", size=(800, 600),
                    title="Synthetic events per 100,000 people", labels="districts")
m.save(out / "tour.png")
m.save(out / "tour.svg")
print("maps:", sorted(p.name for p in out.iterdir() if p.suffix in (".png", ".svg")))

# %% A bad row: named by its index label; skipped and handed back on request.
bad = events.head(100).copy()
bad.loc[42, "latitude"] = 123.0
try:
    frontier.locate(bad)
except frontier.Error as e:
    print("Error:", e)
kept, rejected = frontier.locate(bad, skip_invalid=True, rejects=True)
print(len(kept), "kept;", rejected[["column", "reason"]].to_string())
