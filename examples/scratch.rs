use frontier::query::Locator;
use geo::Coord;
use std::time::Instant;
fn main() {
    let t = Instant::now();
    let loc = Locator::new().unwrap();
    eprintln!("load {:?}", t.elapsed());
    let mut r = csv::Reader::from_path(std::env::args().nth(1).unwrap()).unwrap();
    let mut pts = Vec::new();
    let t = Instant::now();
    let mut rec = csv::ByteRecord::new();
    while r.read_byte_record(&mut rec).unwrap() {
        let y: f64 = std::str::from_utf8(&rec[3]).unwrap().parse().unwrap();
        let x: f64 = std::str::from_utf8(&rec[4]).unwrap().parse().unwrap();
        pts.push(Coord { x, y });
    }
    eprintln!("read+parse {:?}", t.elapsed());
    let t = Instant::now();
    let mut n = 0;
    for p in &pts {
        if loc.locate(*p).country == "PAK" {
            n += 1;
        }
    }
    eprintln!("locate 1 thread {:?} {n}", t.elapsed());
}
