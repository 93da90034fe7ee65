//! Integration tests, compiled as one binary to save link time.

mod common;
mod paper;
