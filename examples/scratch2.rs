use frontier::Catalogue;
use frontier::index::PolygonIndex;
use frontier::query::DistanceIndex;
use std::time::Instant;
fn main() {
    let t = Instant::now();
    let d = Catalogue::load("districts").unwrap();
    eprintln!("load districts {:?}", t.elapsed());
    let t = Instant::now();
    let n = Catalogue::load("neighbours").unwrap();
    eprintln!("load neighbours {:?}", t.elapsed());
    let t = Instant::now();
    let _a = PolygonIndex::new(&d);
    eprintln!("index districts {:?}", t.elapsed());
    let t = Instant::now();
    let _b = PolygonIndex::new(&n);
    eprintln!("index neighbours {:?}", t.elapsed());
    let t = Instant::now();
    let _c = DistanceIndex::new(&n);
    eprintln!("dist neighbours {:?}", t.elapsed());
}
