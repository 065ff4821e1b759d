//! The I/O floor for the comparison in bench/: read a CSV and write it out
//! again with one empty column added, with the same csv crate and buffer
//! sizes frontier uses, doing nothing else. `cargo run --release --example
//! csv_copy -- IN OUT`.

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = (&args[1], &args[2]);
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_path(input)?;
    let out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(output)?);
    let mut w = csv::WriterBuilder::new()
        .buffer_capacity(1 << 16)
        .from_writer(out);
    let mut header = r.byte_headers()?.clone();
    header.push_field(b"extra");
    w.write_byte_record(&header)?;
    let mut rec = csv::ByteRecord::new();
    while r.read_byte_record(&mut rec)? {
        rec.push_field(b"");
        w.write_byte_record(&rec)?;
    }
    w.into_inner()?.flush()?;
    Ok(())
}
