//! Bytes to ARM JSON and Bicep: analyse the bytes as a one-file plan (parse,
//! resolve, check, policies, lower) and, when the plan is clean, emit it.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../compiler/tests/support/fuzzing.rs"]
mod fuzzing;

fuzz_target!(|data: &[u8]| {
    let _ = fuzzing::check_and_build(&fuzzing::nowhere(), data.to_vec());
});
