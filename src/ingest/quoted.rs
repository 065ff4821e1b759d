//! Records with quotes, read by the csv crate's own parser (csv-core):
//! quoted delimiters, doubled quotes and line ends inside fields.

/// The csv crate's own record parser, for records with quotes.
pub(super) struct QuotedReader {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl QuotedReader {
    pub(super) fn new(delimiter: u8) -> Self {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // A byte order mark is stripped only at the start of a file (the
        // header's batch); say this parser has read already.
        let _ = core.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        QuotedReader {
            core,
            out: vec![0; 1024],
            ends: vec![0; 64],
        }
    }

    /// One record from the start of `input` and the bytes it used (`None`
    /// when only line ends were left); the error is the index of a field
    /// that is not UTF-8.
    pub(super) fn read(
        &mut self,
        input: &[u8],
    ) -> (Option<std::result::Result<csv::StringRecord, usize>>, usize) {
        use csv_core::ReadRecordResult as R;
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        // Batches end at record ends, so the batch running out inside a
        // record means the file ended there.
        let mut eof = false;
        loop {
            let rest = if eof { &[][..] } else { &input[nin..] };
            let (res, i, o, e) =
                self.core
                    .read_record(rest, &mut self.out[nout..], &mut self.ends[nend..]);
            nin += i;
            nout += o;
            nend += e;
            match res {
                R::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                R::InputEmpty => eof = true,
                R::Record | R::End => break,
            }
        }
        if nend == 0 {
            return (None, nin);
        }
        let mut rec = csv::ByteRecord::with_capacity(nout, nend);
        let mut start = 0;
        for &e in &self.ends[..nend] {
            rec.push_field(&self.out[start..e]);
            start = e;
        }
        let rec = csv::StringRecord::from_byte_record(rec).map_err(|e| e.utf8_error().field());
        (Some(rec), nin)
    }
}
