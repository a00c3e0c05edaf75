//! Bytes as the `ashlar.lock` beside a fixed plan of `auto` prefixes, through
//! analysis and emission; a lock ashlar would write must read back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../compiler/tests/support/fuzz_files.rs"]
mod fuzz_files;
#[path = "../../compiler/tests/support/fuzzing.rs"]
mod fuzzing;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_files::check_lock(data.to_vec());
});
