//! Bytes as the `ashlar.toml` beside a fixed plan of warnings and policies,
//! through analysis and emission; an error of ashlar's own must stay an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../compiler/tests/support/fuzz_files.rs"]
mod fuzz_files;
#[path = "../../compiler/tests/support/fuzzing.rs"]
mod fuzzing;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_files::check_config(data.to_vec());
});
