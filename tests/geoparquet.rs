//! GeoParquet in and out, through the binary: what frontier writes is read
//! back here with the parquet crate's own reader and checked against the
//! CSV input (read with the csv crate), and Parquet files written here
//! (plain and GeoParquet, good and bad) are read by frontier. GeoPandas and
//! DuckDB read the same files in the Python tests
//! (python/tests/test_geoparquet.py).
#![cfg(feature = "geoparquet")]

mod common;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{
    Array, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int32Array, RecordBatch,
    StringArray, TimestampSecondArray, types::Int8Type,
};
use arrow_schema::{DataType, Field, Schema};
use common::{err, frontier, table};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::KeyValue;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

const EVENTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/synthetic-events.csv"
);

/// Every record batch of a Parquet file as one, and its `geo` metadata.
fn read(path: &Path) -> (RecordBatch, Option<Value>) {
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let geo = b
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
        .and_then(|k| k.value.as_deref())
        .map(|v| serde_json::from_str(v).unwrap());
    // One batch: the files here are small.
    let mut r = b.with_batch_size(1 << 20).build().unwrap();
    let batch = r.next().map(Result::unwrap);
    assert!(r.next().is_none());
    let batch =
        batch.unwrap_or_else(|| RecordBatch::new_empty(arrow_array::RecordBatchReader::schema(&r)));
    (batch, geo)
}

/// A little-endian WKB point's coordinates, decoded here.
fn wkb_xy(b: &[u8]) -> (f64, f64) {
    assert_eq!(b.len(), 21, "2D point");
    assert_eq!(b[0], 1, "little-endian");
    assert_eq!(u32::from_le_bytes(b[1..5].try_into().unwrap()), 1, "Point");
    (
        f64::from_le_bytes(b[5..13].try_into().unwrap()),
        f64::from_le_bytes(b[13..21].try_into().unwrap()),
    )
}

fn string_at(batch: &RecordBatch, name: &str, i: usize) -> Option<String> {
    let c = batch.column_by_name(name).unwrap();
    (!c.is_null(i)).then(|| c.as_string::<i32>().value(i).to_string())
}

#[test]
fn locate_near_nearest_write_geoparquet_that_reads_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let input = table(&std::fs::read(EVENTS).unwrap());
    for (args, name) in [
        (vec!["locate"], "locate"),
        (vec!["near", "--target", "durand-line"], "near"),
        (
            vec!["nearest", "--target", "crossings", "-k", "2"],
            "nearest",
        ),
    ] {
        let pq = dir.path().join(format!("{name}.parquet"));
        let csv = dir.path().join(format!("{name}.csv"));
        // The format is the one -o's extension says.
        let mut a = args.clone();
        a.extend([EVENTS, "-o", pq.to_str().unwrap()]);
        let o = frontier(&a);
        assert!(o.status.success(), "{name}: {}", err(&o));
        let mut a = args.clone();
        a.extend([EVENTS, "-o", csv.to_str().unwrap()]);
        assert!(frontier(&a).status.success());
        let want = table(&std::fs::read(&csv).unwrap());

        let (batch, geo) = read(&pq);
        assert_eq!(batch.num_rows(), input.len(), "{name}: every row");
        // GeoParquet 1.1 metadata: WKB points in OGC:CRS84 within the
        // points' box, worked out here from the CSV.
        let geo = geo.expect("geo metadata");
        assert_eq!(geo["version"], "1.1.0");
        assert_eq!(geo["primary_column"], "geometry");
        let col = &geo["columns"]["geometry"];
        assert_eq!(col["encoding"], "WKB");
        assert_eq!(col["geometry_types"], serde_json::json!(["Point"]));
        assert_eq!(col["crs"]["id"]["authority"], "OGC");
        assert_eq!(col["crs"]["id"]["code"], "CRS84");
        let num = |r: &std::collections::BTreeMap<String, String>, k: &str| -> f64 {
            r[k].parse().unwrap()
        };
        let lons: Vec<f64> = input.iter().map(|r| num(r, "longitude")).collect();
        let lats: Vec<f64> = input.iter().map(|r| num(r, "latitude")).collect();
        let bbox: Vec<f64> = col["bbox"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(bbox, vec![min(&lons), min(&lats), max(&lons), max(&lats)]);

        // Types: whole numbers, numbers, text; and the values of the CSV.
        let schema = batch.schema();
        let dt = |n: &str| schema.field_with_name(n).unwrap().data_type().clone();
        assert_eq!(dt("fatalities"), DataType::Int64);
        assert_eq!(dt("latitude"), DataType::Float64);
        assert_eq!(dt("event_date"), DataType::Utf8);
        assert_eq!(dt("geometry"), DataType::Binary);
        let geometry = batch.column_by_name("geometry").unwrap().as_binary::<i32>();
        let fatalities = batch
            .column_by_name("fatalities")
            .unwrap()
            .as_primitive::<Int64Type>();
        for (i, (r, w)) in input.iter().zip(&want).enumerate() {
            assert_eq!(
                wkb_xy(geometry.value(i)),
                (lons[i], lats[i]),
                "{name} row {i}"
            );
            assert_eq!(fatalities.value(i).to_string(), r["fatalities"]);
            assert_eq!(
                string_at(&batch, "event_id_cnty", i).unwrap(),
                r["event_id_cnty"]
            );
            // An empty CSV field is a null.
            assert_eq!(
                string_at(&batch, "civilian_targeting", i),
                Some(r["civilian_targeting"].clone()).filter(|s| !s.is_empty())
            );
            // The columns frontier adds hold what the CSV output shows.
            for (k, v) in w.iter().filter(|(k, _)| !r.contains_key(*k)) {
                let c = batch.column_by_name(k).unwrap();
                let got = match c.data_type() {
                    DataType::Float64 => (!c.is_null(i))
                        .then(|| c.as_primitive::<Float64Type>().value(i))
                        .map(|x| x.to_string()),
                    _ => string_at(&batch, k, i),
                };
                let want_v =
                    (!v.is_empty()).then(|| v.parse::<f64>().map_or(v.clone(), |x| x.to_string()));
                assert_eq!(got, want_v, "{name} row {i} column {k}");
            }
        }
    }
}

#[test]
fn geoparquet_in_gives_the_answers_of_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("events.parquet");
    assert!(
        frontier(&[
            "locate",
            EVENTS,
            "--format",
            "geoparquet",
            "-o",
            pq.to_str().unwrap()
        ])
        .status
        .success()
    );
    // Read back as input: the answers of the CSV, row for row (the file's
    // own latitude/longitude columns are carried; the geometry's come as
    // frontier_longitude/frontier_latitude beside them).
    let from_csv = table(&frontier(&["near", EVENTS, "--target", "durand-line"]).stdout);
    let o = frontier(&["near", pq.to_str().unwrap(), "--target", "durand-line"]);
    assert!(o.status.success(), "{}", err(&o));
    let from_pq = table(&o.stdout);
    assert_eq!(from_pq.len(), from_csv.len());
    for (a, b) in from_csv.iter().zip(&from_pq) {
        for k in [
            "event_id_cnty",
            "frontier_distance_km",
            "distance_km",
            "side",
            "nearest_lon",
        ] {
            if let Some(v) = a.get(k) {
                assert_eq!(b.get(k), Some(v), "{k}");
            }
        }
        assert_eq!(
            b["frontier_longitude"].parse::<f64>().unwrap(),
            a["longitude"].parse::<f64>().unwrap()
        );
    }
}

/// A plain Parquet file (no geometry) with coordinate columns of several
/// types and other columns of many: read like a CSV with the same values.
#[test]
fn plain_parquet_with_typed_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, false),
        Field::new("lat", DataType::Float64, true),
        Field::new("lon", DataType::Utf8, true),
        Field::new("day", DataType::Date32, true),
        Field::new(
            "at",
            DataType::Timestamp(arrow_schema::TimeUnit::Second, Some("UTC".into())),
            true,
        ),
        Field::new("ok", DataType::Boolean, true),
        Field::new(
            "kind",
            DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Utf8)),
            true,
        ),
    ]));
    let kind: DictionaryArray<Int8Type> = vec![Some("a"), None, Some("b")].into_iter().collect();
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int32Array::from(vec![1, 2, 3])),
            Arc::new(Float64Array::from(vec![Some(34.0151), Some(31.5), None])),
            Arc::new(StringArray::from(vec![
                Some("71.5249"),
                Some("65.0"),
                Some("70"),
            ])),
            // 2021-08-15 is day 18854 since 1970-01-01.
            Arc::new(Date32Array::from(vec![Some(18854), None, Some(0)])),
            Arc::new(
                TimestampSecondArray::from(vec![Some(1_629_000_000), None, None])
                    .with_timezone("UTC"),
            ),
            Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])),
            Arc::new(kind),
        ],
    )
    .unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    let rejects = dir.path().join("rejects.csv");
    let o = frontier(&[
        "locate",
        path.to_str().unwrap(),
        "--skip-invalid",
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    assert_eq!(t.len(), 2, "two rows out, one rejected");
    assert_eq!(t[0]["district"], "Peshawar");
    assert_eq!(t[0]["day"], "2021-08-15");
    assert_eq!(t[0]["at"], "2021-08-15T04:00:00Z");
    assert_eq!(t[0]["ok"], "true");
    assert_eq!(t[0]["kind"], "a");
    assert_eq!(t[1]["kind"], "");
    assert_eq!(t[1]["lon"], "65.0");
    // The third row has no latitude: rejected, numbered as a row.
    let r = std::fs::read_to_string(&rejects).unwrap();
    assert!(r.starts_with("row,column,reason,id,lat,lon"), "{r}");
    assert!(
        r.contains("\n3,lat,empty latitude,3,,70,1970-01-01,,,b\n"),
        "{r}"
    );
    // Strict: the error names the file, the row and the column.
    let o = frontier(&["locate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("plain.parquet: row 3: lat: empty latitude"),
        "{}",
        err(&o)
    );
    // Written again as GeoParquet, the types stay.
    let out = dir.path().join("out.parquet");
    let o = frontier(&[
        "locate",
        path.to_str().unwrap(),
        "--skip-invalid",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let (b, _) = read(&out);
    let s = b.schema();
    assert_eq!(
        s.field_with_name("id").unwrap().data_type(),
        &DataType::Int64
    );
    assert_eq!(
        s.field_with_name("ok").unwrap().data_type(),
        &DataType::Boolean
    );
    assert_eq!(
        s.field_with_name("lat").unwrap().data_type(),
        &DataType::Float64
    );
    assert_eq!(b.num_rows(), 2);
}

/// GeoParquet files frontier cannot use are refused with the file and the
/// reason; bad rows are rejected with their row number.
#[test]
fn geoparquet_refusals_and_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, crs: Option<&str>, points: Vec<Option<Vec<u8>>>| {
        let path = dir.path().join(name);
        let schema = Arc::new(Schema::new(vec![
            Field::new("name", DataType::Utf8, false),
            Field::new("geom", DataType::Binary, true),
        ]));
        let names: Vec<String> = (1..=points.len()).map(|i| format!("p{i}")).collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(names)),
                Arc::new(arrow_array::BinaryArray::from_iter(points)),
            ],
        )
        .unwrap();
        let mut w =
            ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap();
        w.write(&batch).unwrap();
        let crs = crs.map_or(String::new(), |c| format!(r#","crs":{c}"#));
        w.append_key_value_metadata(KeyValue::new(
            "geo".into(),
            format!(r#"{{"version":"1.1.0","primary_column":"geom","columns":{{"geom":{{"encoding":"WKB","geometry_types":[]{crs}}}}}}}"#),
        ));
        w.close().unwrap();
        path
    };
    let point = |x: f64, y: f64| {
        let mut b = vec![1u8];
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&x.to_le_bytes());
        b.extend_from_slice(&y.to_le_bytes());
        Some(b)
    };
    let mut line = vec![1u8];
    line.extend_from_slice(&2u32.to_le_bytes());
    line.extend_from_slice(&2u32.to_le_bytes());
    for v in [66.0f64, 30.0, 67.0, 31.0] {
        line.extend_from_slice(&v.to_le_bytes());
    }
    let good = point(71.5249, 34.0151);
    // A projected CRS is refused, naming it.
    let utm = write(
        "utm.parquet",
        Some(r#"{"name":"WGS 84 / UTM zone 42N","id":{"authority":"EPSG","code":32642}}"#),
        vec![good.clone()],
    );
    let o = frontier(&["locate", utm.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("utm.parquet") && err(&o).contains("EPSG:32642"),
        "{}",
        err(&o)
    );
    // Bad rows: null, a line, out of range, an empty point.
    let bad = write(
        "bad.parquet",
        None,
        vec![
            good.clone(),
            None,
            Some(line),
            point(200.0, 30.0),
            point(f64::NAN, f64::NAN),
            point(65.0, 31.5),
        ],
    );
    let rejects = dir.path().join("rejects.csv");
    let o = common::locate_keeping_rejects(&bad, &rejects);
    assert!(o.status.success(), "{}", err(&o));
    let t = table(&o.stdout);
    assert_eq!(
        t.iter().map(|r| r["name"].as_str()).collect::<Vec<_>>(),
        ["p1", "p6"]
    );
    assert_eq!(t[0]["district"], "Peshawar");
    let r = table(&std::fs::read(&rejects).unwrap());
    let got: Vec<(&str, &str)> = r
        .iter()
        .map(|x| (x["row"].as_str(), x["column"].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("2", "geom"),
            ("3", "geom"),
            ("4", "longitude"),
            ("5", "geom")
        ]
    );
    assert!(r[1]["reason"].contains("LineString"));
    let o = frontier(&["locate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("bad.parquet: row 2: geom: no geometry"),
        "{}",
        err(&o)
    );
    // A file that starts like Parquet and is not: an error, not a panic.
    let broken = dir.path().join("broken.parquet");
    std::fs::write(&broken, b"PAR1 this is not parquet").unwrap();
    let o = frontier(&["locate", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("broken.parquet: not a readable Parquet file"),
        "{}",
        err(&o)
    );
    // Through standard input too.
    let o = common::frontier_stdin(&["locate", "-"], std::fs::read(&bad).unwrap());
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("<stdin>: row 2"), "{}", err(&o));
}

/// A layer exported as GeoParquet: a row per feature, the geometry as WKB
/// of the layer's type with every coordinate of the GeoJSON, the credit in
/// the file's metadata.
#[test]
fn layers_export_as_geoparquet() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("districts.parquet");
    let o = frontier(&[
        "layers",
        "show",
        "districts",
        "--format",
        "geoparquet",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let gj: Value = serde_json::from_slice(
        &frontier(&["layers", "show", "districts", "--format", "geojson"]).stdout,
    )
    .unwrap();
    let features = gj["features"].as_array().unwrap();
    let (batch, geo) = read(&out);
    assert_eq!(batch.num_rows(), features.len());
    assert_eq!(
        geo.unwrap()["columns"]["geometry"]["geometry_types"],
        serde_json::json!(["MultiPolygon"])
    );
    let geometry = batch.column_by_name("geometry").unwrap().as_binary::<i32>();
    for (i, f) in features.iter().enumerate() {
        assert_eq!(
            string_at(&batch, "name", i).as_deref(),
            f["properties"]["name"].as_str()
        );
        // Coordinates in the GeoJSON, and in the WKB: 16 bytes each, after
        // a 9-byte header, 9 bytes per polygon and 4 per ring (so the first
        // x is at 9 + 9 + 4).
        let polys = f["geometry"]["coordinates"].as_array().unwrap();
        let rings: usize = polys.iter().map(|p| p.as_array().unwrap().len()).sum();
        let coords: usize = polys
            .iter()
            .flat_map(|p| p.as_array().unwrap())
            .map(|r| r.as_array().unwrap().len())
            .sum();
        let wkb = geometry.value(i);
        assert_eq!(
            wkb.len(),
            9 + 9 * polys.len() + 4 * rings + 16 * coords,
            "feature {i}"
        );
        let first = &polys[0][0][0];
        let x = f64::from_le_bytes(wkb[22..30].try_into().unwrap());
        assert_eq!(x, first[0].as_f64().unwrap());
    }
    let pop = batch.column_by_name("population_2023").unwrap();
    assert_eq!(pop.data_type(), &DataType::Int64);
    let meta =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&out).unwrap()).unwrap();
    let kv = meta
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .unwrap();
    let credit = kv.iter().find(|k| k.key == "frontier:attribution").unwrap();
    assert!(credit.value.as_deref().unwrap().contains("OpenStreetMap"));
    // Not to a terminal, and not for the catalogue.
    let o = frontier(&[
        "layers",
        "--format",
        "geoparquet",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// A radius nobody is within: a valid GeoParquet file with no rows.
#[test]
fn an_empty_result_is_a_valid_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("none.parquet");
    let o = frontier(&[
        "near",
        EVENTS,
        "--target",
        "crossings",
        "--within",
        "1m",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let (b, geo) = read(&out);
    assert_eq!(b.num_rows(), 0);
    assert!(geo.unwrap()["columns"]["geometry"].get("bbox").is_none());
    assert!(b.schema().field_with_name("distance_km").is_ok());
}

/// Dates and timestamps of a Parquet input stay dates and timestamps in
/// GeoParquet output (the same days and instants, each timestamp in its
/// unit; a zoned one as UTC), while CSV and JSON output show them as the
/// text they always had.
#[test]
fn dates_and_timestamps_stay_typed_through_geoparquet() {
    use arrow_array::{
        Date64Array, TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray,
    };
    use arrow_schema::TimeUnit;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dated.parquet");
    let ts = |u: TimeUnit, tz: Option<&str>| DataType::Timestamp(u, tz.map(Into::into));
    let schema = Arc::new(Schema::new(vec![
        Field::new("latitude", DataType::Float64, false),
        Field::new("longitude", DataType::Float64, false),
        Field::new("day", DataType::Date32, true),
        Field::new("day64", DataType::Date64, true),
        Field::new("at_ms", ts(TimeUnit::Millisecond, None), true),
        Field::new(
            "at_us",
            ts(TimeUnit::Microsecond, Some("Asia/Karachi")),
            true,
        ),
        Field::new("at_ns", ts(TimeUnit::Nanosecond, Some("UTC")), true),
    ]));
    // 2021-08-15 is day 18854; 1629000000 s is 2021-08-15T04:00:00Z.
    let ms = 1_629_000_000_123_i64;
    let us = -86_400_000_000_i64 + 1; // 1969-12-31T00:00:00.000001Z
    let ns = 1_629_000_000_000_000_001_i64;
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Float64Array::from(vec![34.0151, 31.5])),
            Arc::new(Float64Array::from(vec![71.5249, 65.0])),
            Arc::new(Date32Array::from(vec![Some(18854), None])),
            Arc::new(Date64Array::from(vec![None, Some(-86_400_000)])),
            Arc::new(TimestampMillisecondArray::from(vec![Some(ms), None])),
            Arc::new(
                TimestampMicrosecondArray::from(vec![None, Some(us)]).with_timezone("Asia/Karachi"),
            ),
            Arc::new(TimestampNanosecondArray::from(vec![Some(ns), None]).with_timezone("UTC")),
        ],
    )
    .unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let input = path.to_str().unwrap();

    let out = dir.path().join("out.parquet");
    let o = frontier(&["locate", input, "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    let (b, _) = read(&out);
    let s = b.schema();
    let dt = |n: &str| s.field_with_name(n).unwrap().data_type().clone();
    assert_eq!(dt("day"), DataType::Date32);
    assert_eq!(dt("day64"), DataType::Date32);
    assert_eq!(dt("at_ms"), ts(TimeUnit::Millisecond, None));
    // The zone's name is not kept; the instants are, as UTC.
    assert_eq!(dt("at_us"), ts(TimeUnit::Microsecond, Some("UTC")));
    assert_eq!(dt("at_ns"), ts(TimeUnit::Nanosecond, Some("UTC")));
    let col = |n: &str| b.column_by_name(n).unwrap().clone();
    let day = col("day");
    let day = day.as_primitive::<arrow_array::types::Date32Type>();
    assert_eq!((day.value(0), day.is_null(1)), (18854, true));
    let day64 = col("day64");
    let day64 = day64.as_primitive::<arrow_array::types::Date32Type>();
    assert_eq!((day64.is_null(0), day64.value(1)), (true, -1));
    let at = col("at_ms");
    let at = at.as_primitive::<arrow_array::types::TimestampMillisecondType>();
    assert_eq!((at.value(0), at.is_null(1)), (ms, true));
    let at = col("at_us");
    let at = at.as_primitive::<arrow_array::types::TimestampMicrosecondType>();
    assert_eq!((at.is_null(0), at.value(1)), (true, us));
    let at = col("at_ns");
    let at = at.as_primitive::<arrow_array::types::TimestampNanosecondType>();
    assert_eq!((at.value(0), at.is_null(1)), (ns, true));

    // CSV and JSON: the text they have always shown.
    let o = frontier(&["locate", input, "--format", "csv"]);
    assert!(o.status.success(), "{}", err(&o));
    let csv = String::from_utf8(o.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "latitude,longitude,day,day64,at_ms,at_us,at_ns,country,province,district"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("34.0151,71.5249,2021-08-15,,2021-08-15T04:00:00.123,,2021-08-15T04:00:00.000000001Z,PAK,"),
        "{csv}"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("31.5,65,,1969-12-31,,1969-12-31T05:00:00.000001+05:00,,AFG,"),
        "{csv}"
    );
    let o = frontier(&["locate", input, "--format", "json"]);
    assert!(o.status.success(), "{}", err(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j[0]["day"], "2021-08-15");
    // An empty cell of text, as before (numbers' empty cells are null).
    assert_eq!(j[0]["day64"], "");
    assert_eq!(j[0]["at_ms"], "2021-08-15T04:00:00.123");
    assert_eq!(j[1]["day64"], "1969-12-31");
    // A zoned timestamp in its zone's local time (Asia/Karachi is UTC+5).
    assert_eq!(j[1]["at_us"], "1969-12-31T05:00:00.000001+05:00");
    assert_eq!(j[0]["at_ns"], "2021-08-15T04:00:00.000000001Z");
}
