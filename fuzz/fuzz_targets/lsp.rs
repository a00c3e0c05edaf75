//! Bytes as a script of what an editor sends the language server (framed
//! messages, raw bytes, changes of ranges, requests), served in-process.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../compiler/tests/support/fuzz_lsp.rs"]
mod fuzz_lsp;
#[path = "../../compiler/tests/support/fuzzing.rs"]
mod fuzzing;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_lsp::check(data);
});
