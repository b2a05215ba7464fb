//! The architecture as a test: which crate may depend on which, read from `cargo metadata`
//! (the resolved graph of normal dependencies, followed transitively; dev-dependencies and
//! build scripts are not part of what a crate ships). docs/architecture.md says why each rule
//! holds; this fails when an import breaks one.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// The workspace's dependency graph: crate name to the names of its normal dependencies.
struct Graph {
    deps: BTreeMap<String, BTreeSet<String>>,
    ours: BTreeSet<String>,
}

impl Graph {
    fn load() -> Graph {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .arg("-vV")
            .output()
            .expect("rustc -vV");
        let host = String::from_utf8_lossy(&rustc.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
            .expect("rustc names its host");
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
        let out = Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--locked",
                "--filter-platform",
                &host,
                "--manifest-path",
                manifest,
            ])
            .output()
            .expect("cargo metadata");
        assert!(out.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&out.stderr));
        let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
        let name_of: BTreeMap<&str, &str> = meta["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .map(|p| (p["id"].as_str().expect("id"), p["name"].as_str().expect("name")))
            .collect();
        let ours = meta["workspace_members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|id| name_of[id.as_str().expect("member id")].to_string())
            .collect();
        let mut deps = BTreeMap::new();
        for node in meta["resolve"]["nodes"].as_array().expect("resolve nodes") {
            let normal = node["deps"].as_array().expect("deps").iter().filter(|d| {
                d["dep_kinds"].as_array().expect("dep kinds").iter().any(|k| k["kind"].is_null())
            });
            let names =
                normal.map(|d| name_of[d["pkg"].as_str().expect("pkg")].to_string()).collect();
            deps.insert(name_of[node["id"].as_str().expect("node id")].to_string(), names);
        }
        Graph { deps, ours }
    }

    /// Every crate `name` links, directly or through others.
    fn closure(&self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![name.to_string()];
        while let Some(n) = todo.pop() {
            for d in self.deps.get(&n).unwrap_or_else(|| panic!("{n} is not in the graph")) {
                if seen.insert(d.clone()) {
                    todo.push(d.clone());
                }
            }
        }
        seen
    }

    /// The workspace crates `name` depends on directly.
    fn ours_of(&self, name: &str) -> BTreeSet<String> {
        self.deps[name].iter().filter(|d| self.ours.contains(*d)).cloned().collect()
    }

    /// Fails naming every crate of `banned` that `name` links, directly or not.
    fn links_none(&self, name: &str, banned: &[&str]) {
        let all = self.closure(name);
        let found: Vec<&&str> = banned.iter().filter(|b| all.contains(**b)).collect();
        assert!(found.is_empty(), "{name} must not link {found:?} (docs/architecture.md)");
    }

    /// Fails when `name` depends directly on a workspace crate outside `allowed`.
    fn ours_within(&self, name: &str, allowed: &[&str]) {
        let extra: Vec<String> =
            self.ours_of(name).into_iter().filter(|d| !allowed.contains(&d.as_str())).collect();
        assert!(
            extra.is_empty(),
            "{name} depends on {extra:?}; it may use only {allowed:?} (docs/architecture.md)"
        );
    }
}

/// The screen, the server and the registry, which only the top of the station may link.
const UI: &[&str] = &["egui", "eframe", "egui-wgpu", "wgpu", "winit", "krilla"];
const SERVER: &[&str] = &["axum", "registry", "tokio-postgres", "object_store"];

#[test]
fn every_crate_depends_only_downward() {
    let g = Graph::load();
    for c in [
        "station",
        "station-text",
        "station-quality",
        "station-core",
        "station-uplink",
        "station-kiosk",
        "schemas",
        "drivers",
        "sync",
        "registry",
        "fixtures",
    ] {
        assert!(g.ours.contains(c), "{c} is not a workspace member: {:?}", g.ours);
    }
    // Formats know nothing of ours; devices know formats; the protocol knows formats.
    g.ours_within("schemas", &[]);
    g.ours_within("drivers", &["schemas"]);
    g.ours_within("sync", &["schemas"]);
    g.ours_within("registry", &["schemas", "sync"]);
    // The station, bottom to top.
    g.ours_within("station-text", &[]);
    g.ours_within("station-quality", &["station-text", "schemas", "drivers"]);
    g.ours_within("station-core", &["station-text", "station-quality", "schemas", "drivers"]);
    g.ours_within("station-uplink", &["station-text", "station-core", "schemas", "sync"]);
    g.ours_within(
        "station-kiosk",
        &[
            "station-text",
            "station-quality",
            "station-core",
            "station-uplink",
            "schemas",
            "drivers",
        ],
    );
}

#[test]
fn the_core_knows_no_screen_and_no_server() {
    let g = Graph::load();
    for c in ["station-text", "station-quality", "station-core", "station-uplink"] {
        g.links_none(c, UI);
        g.links_none(c, SERVER);
    }
    // The text path has no image library and no device; the checks store nothing (they do link
    // HTTP, through the drivers' SBI client).
    g.links_none("station-text", &["opencv", "drivers", "schemas", "rusqlite"]);
    g.links_none("station-quality", &["rusqlite", "libsqlite3-sys"]);
    // The core speaks no HTTP of its own: the sync client is the uplink's.
    assert!(
        !g.deps["station-core"].contains("reqwest"),
        "station-core speaks HTTP; the sync client belongs to station-uplink"
    );
    g.links_none("station-kiosk", SERVER);
}

#[test]
fn only_the_binary_links_the_registry_and_no_library_links_test_support() {
    let g = Graph::load();
    let users: Vec<&String> = g.ours.iter().filter(|c| g.deps[*c].contains("registry")).collect();
    // The test support crate serves a registry to the tests; it is never a normal dependency.
    assert_eq!(
        users,
        ["station", "station-testkit"],
        "only the station binary (its demo registry) and the test support may use the registry"
    );
    for c in &g.ours {
        assert!(
            !g.deps[c].contains("fixtures") && !g.deps[c].contains("station-testkit"),
            "{c} ships test support as a normal dependency"
        );
        assert!(!g.deps[c].contains("station"), "{c} depends on the station binary");
    }
    let kiosk_users: Vec<&String> =
        g.ours.iter().filter(|c| g.deps[*c].contains("station-kiosk")).collect();
    assert_eq!(kiosk_users, ["station"], "only the binary opens the kiosk");
}
