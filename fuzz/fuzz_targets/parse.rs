//! Bytes to syntax tree: decoding, the nesting guard and the pest parser.
//! Invalid UTF-8 must give a diagnostic, any text a tree or diagnostics.
#![no_main]

use ashlar::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let id = FileId(0);
    if let Ok(text) = ashlar::syntax::decode(id, data.to_vec()) {
        let _ = ashlar::syntax::parse(id, &text);
    }
});
