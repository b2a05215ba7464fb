//! Helpers shared by the station's integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub const STATION: &str = env!("CARGO_BIN_EXE_station");

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {cmd:?}: {e} (scripts/test.sh installs the tools these tests use)")
    })
}

pub fn station(args: &[&str]) -> Output {
    run(Command::new(STATION).args(args))
}

pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub use fixtures::{TempDir, tempdir};

pub fn sample(dir: &Path) {
    let out = station(&["bundle", "sample", "--out", dir.to_str().unwrap(), "--seed", "1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in ["bundle.age", "registry.key", "signers.json", "decision.cose"] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
}

pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs the station with `input` on standard input (passwords).
pub fn station_in(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(STATION)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn station");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("station output")
}

/// A fresh demo station (admin1, clerk1, super1; password "demo").
pub fn demo_station(name: &str) -> TempDir {
    let d = tempdir(name);
    let data = d.join("data");
    let out = station(&["demo-seed", "--data", p(&data)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    d
}

/// One of the shipped enrollment scripts.
pub fn script(name: &str) -> PathBuf {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo");
    Path::new(&dir).join("../fixtures/enrollments").join(format!("{name}.json"))
}
