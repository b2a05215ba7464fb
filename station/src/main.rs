//! `station`: the registration station's command line.
//!
//! Without a subcommand it runs the headless demo: a simulated person is enrolled, sealed to a
//! freshly made registry key, opened again and verified, and the report is printed. The egui kiosk
//! replaces that default when it lands.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use schemas::bundle::{self, Signer};
use schemas::decision::{self, Decision, Verdict};
use schemas::manifest::Bytes32;
use station_core::sample;
use station_core::verify::{self, PinnedKeys};
use station_text::messages::{Explain, Message};

#[derive(Parser)]
#[command(name = "station", version, about = "Hukumati registration station")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the kiosk on a station's data directory.
    Ui {
        #[arg(long)]
        data: PathBuf,
        /// Fullscreen, no window decorations, closable only while an administrator is logged in.
        #[arg(long)]
        kiosk: bool,
    },
    /// Enroll a simulated person headlessly, seal, verify, and print the report (the default
    /// when there is no display).
    Demo {
        /// Keep the sealed bundle and keys here (default: a temporary folder, removed after).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Sealed enrollment bundles.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// Set up a new station and its first administrator (password on standard input): from the
    /// registry's onboarding file (`--onboarding FILE`), or from its keys given one by one.
    Init {
        #[arg(long)]
        data: PathBuf,
        /// User name of the first administrator.
        #[arg(long)]
        admin: String,
        /// The onboarding file the registry issued for this station (`registry station invite`):
        /// the registry's address and keys, the station's id, centre and mode.
        #[arg(long, conflicts_with_all = ["station_id", "centre", "registry_recipient", "registry_url", "registry_key", "mode"])]
        onboarding: Option<PathBuf>,
        /// The registry root keys this station may be onboarded to, one fingerprint per line
        /// (`registry keys` prints the fingerprint). Without the file, the root key is trusted
        /// on first use and its fingerprint printed, to be compared with the one operations gave.
        #[arg(long, default_value = "/etc/hukumati/registry-roots", requires = "onboarding")]
        roots: PathBuf,
        /// Where to write the station key file the registry imports to finish onboarding
        /// (default: station-key.hukumati in the data directory).
        #[arg(long, requires = "onboarding")]
        key_out: Option<PathBuf>,
        #[arg(long, required_unless_present = "onboarding")]
        station_id: Option<String>,
        #[arg(long, required_unless_present = "onboarding")]
        centre: Option<String>,
        /// The registry's age recipient (age1...), from its master data.
        #[arg(long, required_unless_present = "onboarding")]
        registry_recipient: Option<String>,
        /// The registry's address (https://...), for sync.
        #[arg(long, requires = "registry_key")]
        registry_url: Option<String>,
        /// The registry's root public key (hex), which its master data is signed with.
        #[arg(long)]
        registry_key: Option<String>,
        /// production (the default: attached devices only), training (simulated devices where
        /// none is attached; never an identity) or demo. The registry's master data has the
        /// last word.
        #[arg(long)]
        mode: Option<String>,
    },
    /// Sync with the registry now: master data, operators, waiting bundles (announce, upload,
    /// receipts), the status feed; a JSON report (any operator's password on standard input:
    /// it opens the station's key).
    Sync {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        operator: String,
    },
    /// Removable media, for a station with no link: `export --out DIR` writes the waiting
    /// bundles and their tickets; `import DIR` reads back the receipts the registry wrote.
    Media {
        #[command(subcommand)]
        command: MediaCommand,
    },
    /// Where the registry is: `set --url URL --key HEX` (administrators).
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// Set up a DEMO station: admin `admin1`, clerk `clerk1`, supervisor `super1`, password
    /// `demo`, and an embedded demo registry key. Only on a new data directory.
    DemoSeed {
        #[arg(long)]
        data: PathBuf,
    },
    /// Operator accounts.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// Run (or resume) a scripted enrollment against simulated devices, up to the operator's
    /// signature (the operator's password on standard input).
    Enroll {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        script: PathBuf,
        #[arg(long)]
        operator: String,
    },
    /// Approve enrollments awaiting the supervisor and seal them into the outbox (password on
    /// standard input).
    Approve {
        #[arg(long)]
        data: PathBuf,
        /// Every enrollment awaiting approval (an end-of-day batch).
        #[arg(long, conflicts_with = "id")]
        all: bool,
        /// One enrollment.
        id: Option<String>,
        #[arg(long)]
        operator: String,
    },
    /// The acknowledgement slip of a signed enrollment as PDF (the operator who captured it or a
    /// supervisor; password on standard input). Written only where asked, or sent to the printer.
    Slip {
        #[arg(long)]
        data: PathBuf,
        id: String,
        #[arg(long)]
        operator: String,
        /// Where to write the PDF.
        #[arg(long, required_unless_present = "print")]
        out: Option<PathBuf>,
        /// Send it to the default printer (CUPS `lp`) instead.
        #[arg(long)]
        print: bool,
    },
    /// Reject an enrollment with a reason; it is sealed with the rejection so the registry sees it.
    Reject {
        #[arg(long)]
        data: PathBuf,
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        operator: String,
    },
    /// Sealed bundles waiting for the registry.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Station identity and counts, as JSON.
    Status {
        #[arg(long)]
        data: PathBuf,
    },
    /// Capture devices: `replay RECORDING.pcapng --out IMAGE.png` decodes a usbmon recording of
    /// a U.are.U 4500 session to the picture captured (support in the field); `list` shows the
    /// devices the station sees.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Judge an image as the station does at capture and print the verdict, every score and
    /// check (for field calibration and support). IMAGE is a PNG or JPEG, or an ISO/IEC 19794
    /// record (its first image). Exit code 0 when every check passes, 1 when one fails.
    Quality {
        #[command(subcommand)]
        command: QualityCommand,
    },
    /// Identity documents: `read IMAGE` finds the document, straightens it, reads and parses its
    /// machine-readable zone and prints each check digit's result.
    Document {
        #[command(subcommand)]
        command: DocumentCommand,
    },
}

#[derive(Subcommand)]
enum QualityCommand {
    Face {
        image: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// One finger at --ppi (500 unless told), or a whole slap with --slap right|left|thumbs.
    Finger {
        image: PathBuf,
        #[arg(long, default_value_t = 500)]
        ppi: u16,
        #[arg(long)]
        slap: Option<String>,
        #[arg(long)]
        json: bool,
    },
    Iris {
        image: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DocumentCommand {
    Read {
        image: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    Replay {
        recording: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Look for devices once and print what each modality would capture with (JSON).
    List {
        #[arg(long)]
        data: PathBuf,
    },
    /// Trust SBI devices whose certificates chain to this CA (a PEM file from the device
    /// provider); standard input gives the administrator's password.
    Trust {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        operator: String,
        certificate: PathBuf,
    },
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Add an operator: standard input gives the administrator's password, then the new one's.
    Add {
        #[arg(long)]
        data: PathBuf,
        /// The administrator doing it.
        #[arg(long)]
        operator: String,
        #[arg(long)]
        username: String,
        /// clerk, supervisor or admin.
        #[arg(long)]
        role: String,
    },
    /// List operators as JSON.
    List {
        #[arg(long)]
        data: PathBuf,
    },
    /// Lock an account (administrator's password on standard input).
    Lock {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        operator: String,
        #[arg(long)]
        username: String,
    },
    /// Unlock an account (administrator's password on standard input).
    Unlock {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        operator: String,
        #[arg(long)]
        username: String,
    },
    /// Officials' fingers: enrol them, check one.
    Finger {
        #[command(subcommand)]
        command: FingerCommand,
    },
}

#[derive(Subcommand)]
enum FingerCommand {
    /// Enrol finger images of an official (administrator's password on standard input): PNG
    /// or other images at --ppi, or ISO/IEC 19794-4 records (their position and resolution are
    /// read from the record). Two impressions or more the first time.
    Add {
        #[arg(long)]
        data: PathBuf,
        /// The administrator doing it.
        #[arg(long)]
        operator: String,
        /// The official whose fingers these are.
        #[arg(long)]
        username: String,
        /// Resolution of plain images (records state their own).
        #[arg(long, default_value_t = 500)]
        ppi: u16,
        #[arg(required = true, num_args = 1..)]
        images: Vec<PathBuf>,
    },
    /// Compares one finger image with an official's enrolled fingers (1:1); exit status 0 on a
    /// match, 1 otherwise. Records nothing and does not count towards the lockout.
    Verify {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        username: String,
        #[arg(long, default_value_t = 500)]
        ppi: u16,
        /// Print the result as JSON: {"match", "score", "threshold", ...}.
        #[arg(long)]
        json: bool,
        image: PathBuf,
    },
}

#[derive(Subcommand)]
enum MediaCommand {
    Export {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        operator: String,
        #[arg(long)]
        out: PathBuf,
    },
    Import {
        dir: PathBuf,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        operator: String,
    },
}

#[derive(Subcommand)]
enum RegistryCommand {
    Set {
        #[arg(long)]
        data: PathBuf,
        /// The administrator doing it.
        #[arg(long)]
        operator: String,
        /// The registry's address; empty for a demo station's embedded registry.
        #[arg(long, default_value = "")]
        url: String,
        /// The registry's root public key, hex.
        #[arg(long)]
        key: String,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// List sealed bundles.
    List {
        #[arg(long)]
        data: PathBuf,
        /// JSON output (the only format for now).
        #[arg(long)]
        json: bool,
    },
    /// Copy one sealed bundle and its decision out: DIR/BUNDLE_ID.age and DIR/BUNDLE_ID.decision.cose.
    Export {
        #[arg(long)]
        data: PathBuf,
        id: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole hash chain; non-zero exit if any entry was edited or deleted.
    Verify {
        #[arg(long)]
        data: PathBuf,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Seal a sample bundle of a synthetic person: DIR/bundle.age, DIR/registry.key,
    /// DIR/signers.json and DIR/decision.cose (a supervisor's approval).
    Sample {
        #[arg(long)]
        out: PathBuf,
        /// Seed of the synthetic person.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Open a bundle, verify everything, print a JSON report; non-zero exit on any failure.
    Verify {
        file: PathBuf,
        /// The registry's age identity file.
        #[arg(long)]
        identity: PathBuf,
        /// Pin the signers' public keys from a signers.json ({"station": HEX, "operator": HEX, "supervisor": HEX}).
        #[arg(long)]
        signers: Option<PathBuf>,
        /// Also verify a supervisor decision statement (COSE_Sign1) against this bundle.
        #[arg(long)]
        decision: Option<PathBuf>,
        /// Skip decoding the JPEG 2000 images (signatures, hashes and record headers are still checked).
        #[arg(long)]
        no_decode: bool,
    },
    /// Print the header fields of an ISO/IEC 19794 record as JSON.
    InspectIso { file: PathBuf },
    /// Write the bundle's biometric records as one CBEFF (ISO/IEC 19785-3) XML document.
    ExportCbeff {
        file: PathBuf,
        #[arg(long)]
        identity: PathBuf,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

mod ops;

/// An error for the person at the terminal, told in Arabic and English from the translation
/// files.
pub(crate) struct Failure(Message);

impl Failure {
    /// The failure `id` of the translation files with its technical detail.
    fn new(id: &'static str, detail: impl std::fmt::Display) -> Self {
        Failure(Message::new(id).detail(detail))
    }
}

impl<E: Explain> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.explain())
    }
}

/// Tells the person at the terminal, on standard error, in Arabic and then English.
/// The English line loses the invisible isolation marks around values, which terminals without
/// bidirectional support show as boxes; the Arabic line keeps them for those that have it.
pub(crate) fn say(m: &Message) {
    let b = m.both();
    eprintln!("{}\n{}", b.ar, ops::plain(&b.en));
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => default_run(),
        Some(c) => run(c),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            say(&Message::new("cli-error").nested("message", f.0));
            ExitCode::from(2)
        }
    }
}

/// Without a subcommand: the kiosk on a DEMO station (made on first use) when a display is
/// present, otherwise the headless demo, saying which and why.
fn default_run() -> Result<ExitCode, Failure> {
    let display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if !display {
        say(&Message::new("cli-no-display"));
        return demo(None);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .ok_or_else(|| Failure::new("cli-no-data-dir", "XDG_DATA_HOME, HOME"))?;
    let data = base.join("hukumati/demo-station");
    if !data.join(station_core::store::DB_FILE).exists() {
        ops::demo_seed(&data)?;
    }
    say(&Message::new("cli-demo-mode").with("path", data.display()));
    ui(&data, false)
}

/// How this build starts a demo station's embedded registry: with the `demo-registry` feature
/// (on by default), the registry crate's SQLite-and-folder server in this process; without it,
/// never (a demo station then has no registry to sync with, and says so).
pub(crate) fn embedded_registry() -> Option<station_uplink::StartEmbedded> {
    #[cfg(feature = "demo-registry")]
    return Some(std::sync::Arc::new(|config: &Path| {
        let running = registry::Embedded::start(config).map_err(|e| e.to_string())?;
        Ok((running.url.clone(), Box::new(running) as Box<dyn std::any::Any + Send>))
    }));
    #[cfg(not(feature = "demo-registry"))]
    None
}

fn ui(data: &Path, kiosk: bool) -> Result<ExitCode, Failure> {
    if let Some(missing) = station_kiosk::window_system_missing() {
        return Err(Failure(missing));
    }
    let station = station_core::station::Station::open(data)?;
    // Devices are looked for while the window is open: every few seconds, and at once on USB
    // hotplug.
    let watcher = station_core::devices::Watcher::start(
        station.config.devices.clone(),
        std::time::Duration::from_secs(5),
    );
    let mut model = station_kiosk::Model::new(station, Box::new(now_ms));
    model.services.embedded_registry = embedded_registry();
    model.services.devices = Some(watcher.attached.clone());
    let attached = watcher.attached.clone();
    model.services.finger_reader = Some(Box::new(move || {
        station_core::devices::Attached::read_official_finger(
            &attached,
            std::time::Duration::from_secs(15),
        )
    }));
    station_kiosk::run_native(model, kiosk).map_err(|e| Failure::new("cli-window", e))?;
    drop(watcher);
    Ok(ExitCode::SUCCESS)
}

fn run(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::Ui { data, kiosk } => ui(&data, kiosk),
        Command::Demo { out } => demo(out),
        Command::Bundle { command } => match command {
            BundleCommand::Sample { out, seed } => {
                write_sample(&out, seed).map(|_| ExitCode::SUCCESS)
            }
            BundleCommand::Verify { file, identity, signers, decision, no_decode } => {
                verify(&file, &identity, signers.as_deref(), decision.as_deref(), !no_decode)
            }
            BundleCommand::InspectIso { file } => inspect_iso(&file),
            BundleCommand::ExportCbeff { file, identity, out } => {
                export_cbeff(&file, &identity, out.as_deref())
            }
        },
        Command::Init { data, admin, onboarding: Some(file), roots, key_out, .. } => {
            ops::init_onboarding(&data, &admin, &file, &roots, key_out.as_deref())
        }
        Command::Init {
            data,
            station_id,
            centre,
            admin,
            registry_recipient,
            registry_url,
            registry_key,
            mode,
            ..
        } => ops::init(
            &data,
            &ops::Setup {
                station_id: station_id.as_deref().unwrap_or_default(),
                centre: centre.as_deref().unwrap_or_default(),
                admin: &admin,
                recipient: registry_recipient.as_deref().unwrap_or_default(),
                registry_url: registry_url.as_deref(),
                registry_key: registry_key.as_deref(),
                mode: mode.as_deref().unwrap_or("production"),
            },
        ),
        Command::Sync { data, operator } => ops::sync(&data, &operator),
        Command::Media { command: MediaCommand::Export { data, operator, out } } => {
            ops::media_export(&data, &operator, &out)
        }
        Command::Media { command: MediaCommand::Import { dir, data, operator } } => {
            ops::media_import(&data, &operator, &dir)
        }
        Command::Registry { command: RegistryCommand::Set { data, operator, url, key } } => {
            ops::registry_set(&data, &operator, &url, &key)
        }
        Command::DemoSeed { data } => ops::demo_seed(&data),
        Command::Operator { command } => match command {
            OperatorCommand::Add { data, operator, username, role } => {
                ops::operator_add(&data, &operator, &username, &role)
            }
            OperatorCommand::List { data } => ops::operator_list(&data),
            OperatorCommand::Lock { data, operator, username } => {
                ops::operator_lock(&data, &operator, &username, true)
            }
            OperatorCommand::Unlock { data, operator, username } => {
                ops::operator_lock(&data, &operator, &username, false)
            }
            OperatorCommand::Finger {
                command: FingerCommand::Add { data, operator, username, ppi, images },
            } => ops::finger_add(&data, &operator, &username, ppi, &images),
            OperatorCommand::Finger {
                command: FingerCommand::Verify { data, username, ppi, json, image },
            } => ops::finger_verify(&data, &username, ppi, &image, json),
        },
        Command::Enroll { data, script, operator } => ops::enroll(&data, &script, &operator),
        Command::Approve { data, all, id, operator } => {
            ops::approve(&data, all, id.as_deref(), &operator)
        }
        Command::Slip { data, id, operator, out, print } => {
            ops::slip(&data, &id, &operator, out.as_deref(), print)
        }
        Command::Reject { data, id, reason, operator } => {
            ops::reject(&data, &id, &reason, &operator)
        }
        Command::Outbox { command } => match command {
            OutboxCommand::List { data, json } => ops::outbox_list(&data, json),
            OutboxCommand::Export { data, id, out } => ops::outbox_export(&data, &id, &out),
        },
        Command::Audit { command: AuditCommand::Verify { data } } => ops::audit_verify(&data),
        Command::Status { data } => ops::status(&data),
        Command::Device { command: DeviceCommand::Replay { recording, out } } => {
            device_replay(&recording, &out)
        }
        Command::Device { command: DeviceCommand::List { data } } => ops::device_list(&data),
        Command::Device { command: DeviceCommand::Trust { data, operator, certificate } } => {
            ops::device_trust(&data, &operator, &certificate)
        }
        Command::Quality { command } => quality_command(command),
        Command::Document { command: DocumentCommand::Read { image, json } } => {
            let img = load_image(&image)?;
            let a = station_quality::document::read(
                &img,
                &station_quality::DocumentThresholds::default(),
            )?;
            print_verdict(&a, a.assessment.passed, json)
        }
    }
}

/// An image file, or the first image of an ISO/IEC 19794 record.
fn load_image(path: &Path) -> Result<drivers::raster::Image, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::new("cli-read-file", format!("{}: {e}", path.display())))?;
    decode_image(path, &bytes)
}

/// The image in `bytes` (an image file, or the first image of an ISO/IEC 19794 record).
pub(crate) fn decode_image(path: &Path, bytes: &[u8]) -> Result<drivers::raster::Image, Failure> {
    if let Ok(record) = schemas::iso19794::Record::parse(bytes) {
        let px = record
            .decode_images()
            .map_err(|e| Failure::new("cli-not-an-image", format!("{}: {e}", path.display())))?;
        let p = px.into_iter().next().ok_or_else(|| {
            Failure::new(
                "cli-not-an-image",
                format!("{}: the record holds no image", path.display()),
            )
        })?;
        return Ok(drivers::raster::Image::from(p));
    }
    let img = image::load_from_memory(bytes)
        .map_err(|e| Failure::new("cli-not-an-image", format!("{}: {e}", path.display())))?;
    Ok(match img.color().channel_count() {
        1 | 2 => {
            let g = img.to_luma8();
            drivers::raster::Image {
                width: g.width(),
                height: g.height(),
                channels: 1,
                data: g.into_raw(),
            }
        }
        _ => {
            let c = img.to_rgb8();
            drivers::raster::Image {
                width: c.width(),
                height: c.height(),
                channels: 3,
                data: c.into_raw(),
            }
        }
    })
}

/// Prints a verdict: JSON with --json, else one line per check; exit 1 when a check failed.
fn print_verdict(
    value: &impl serde::Serialize,
    passed: bool,
    json: bool,
) -> Result<ExitCode, Failure> {
    let v = serde_json::to_value(value).map_err(|e| Failure::new("cli-json", e))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&v).map_err(|e| Failure::new("cli-json", e))?);
    } else {
        for key in ["algorithm", "score", "instruction", "passed"] {
            if let Some(x) = v.get(key) {
                println!("{key}: {x}");
            }
        }
        for c in v.get("checks").and_then(|c| c.as_array()).into_iter().flatten() {
            println!(
                "  {} {} {}",
                if c["passed"].as_bool() == Some(true) { "ok  " } else { "FAIL" },
                c["name"].as_str().unwrap_or(""),
                c["value"]
            );
        }
        if let Some(lines) = v.pointer("/mrz/lines").and_then(|l| l.as_array()) {
            for l in lines {
                println!("  {}", l.as_str().unwrap_or(""));
            }
        }
    }
    Ok(if passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn quality_command(command: QualityCommand) -> Result<ExitCode, Failure> {
    use station_quality::{self as quality, finger};
    match command {
        QualityCommand::Face { image, json } => {
            let a = quality::face::assess(
                &load_image(&image)?,
                &quality::FaceThresholds::default(),
                true,
            )?;
            print_verdict(&a, a.assessment.passed, json)
        }
        QualityCommand::Finger { image, ppi, slap: None, json } => {
            let a =
                finger::assess(&load_image(&image)?, ppi, &quality::FingerThresholds::default())?;
            print_verdict(&a, a.assessment.passed, json)
        }
        QualityCommand::Finger { image, slap: Some(kind), json, .. } => {
            let kind = match kind.as_str() {
                "right" => drivers::device::Slap::RightFour,
                "left" => drivers::device::Slap::LeftFour,
                "thumbs" => drivers::device::Slap::Thumbs,
                other => return Err(Failure::new("cli-bad-slap", other)),
            };
            let a = finger::segment_slap(&load_image(&image)?, kind)?;
            let passed = a.checks.passed();
            print_verdict(&a, passed, json)
        }
        QualityCommand::Iris { image, json } => {
            let a =
                quality::iris::assess(&load_image(&image)?, &quality::IrisThresholds::default())?;
            print_verdict(&a, a.assessment.passed, json)
        }
    }
}

pub(crate) fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Decodes a recorded U.are.U 4500 session to its picture (PNG, 8-bit grey).
fn device_replay(recording: &Path, out: &Path) -> Result<ExitCode, Failure> {
    let bytes = std::fs::read(recording)
        .map_err(|e| Failure::new("cli-read-file", format!("{}: {e}", recording.display())))?;
    drivers::usb::usbmon::read(&bytes).map_err(|e| {
        Failure::new("cli-not-a-recording", format!("{}: {e}", recording.display()))
    })?;
    let image =
        drivers::uru4500::replay(&bytes).map_err(|e| Failure(station_core::explain::device(&e)))?;
    image::save_buffer(out, &image.data, image.width, image.height, image::ExtendedColorType::L8)
        .map_err(|e| Failure::new("cli-write-file", format!("{}: {e}", out.display())))?;
    println!("{}", serde_json::json!({ "width": image.width, "height": image.height, "out": out }));
    Ok(ExitCode::SUCCESS)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::new("cli-write-file", format!("{}: {e}", path.display())))
}

/// Seals a synthetic enrollment into `dir`, with fresh keys, and a supervisor approval.
fn write_sample(dir: &Path, seed: u64) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::new("cli-make-dir", format!("{}: {e}", dir.display())))?;
    let key = |role: &str| {
        schemas::keys::new_signing_key()
            .map_err(|e| Failure::new("cli-new-key", format!("{role}: {e}")))
    };
    let (station_key, operator_key, supervisor_key) =
        (key("station")?, key("operator")?, key("supervisor")?);
    let registry = schemas::keys::new_registry_identity();
    let (station_id, operator_id, supervisor_id) = ("ST-RAM-0001", "op-0017", "sup-0003");

    let captures = sample::capture(seed);
    let (manifest, payloads) = sample::enrollment(&captures, station_id, operator_id, 1, now_ms())
        .map_err(|e| Failure::new("cli-sample", e))?;
    let mut sealed_bytes = Vec::new();
    let sealed = bundle::seal(
        manifest,
        &payloads,
        &Signer { id: station_id, key: &station_key },
        &Signer { id: operator_id, key: &operator_key },
        &registry.to_public(),
        &mut sealed_bytes,
    )
    .map_err(|e| Failure::new("cli-seal", e))?;
    let decision = Decision {
        bundle_id: sealed.bundle_id.clone(),
        manifest_sha256: Bytes32::new(sealed.manifest_sha256),
        verdict: Verdict::Approve,
        reason: None,
        decided_at: now_ms(),
        supervisor_id: supervisor_id.into(),
        supervisor_ed25519: Bytes32::new(supervisor_key.verifying_key().to_bytes()),
        master_version: 0,
    };
    let decision_bytes = decision::sign(&decision, &supervisor_key)
        .map_err(|e| Failure::new("cli-sign-decision", e))?;
    let signers = serde_json::json!({
        "station": hex::encode(station_key.verifying_key().to_bytes()),
        "operator": hex::encode(operator_key.verifying_key().to_bytes()),
        "supervisor": hex::encode(supervisor_key.verifying_key().to_bytes()),
        "station_id": station_id,
        "operator_id": operator_id,
        "supervisor_id": supervisor_id,
    });
    write_file(&dir.join("bundle.age"), &sealed_bytes)?;
    write_file(&dir.join("registry.key"), schemas::keys::identity_file_text(&registry).as_bytes())?;
    write_file(
        &dir.join("signers.json"),
        serde_json::to_string_pretty(&signers).expect("json").as_bytes(),
    )?;
    write_file(&dir.join("decision.cose"), &decision_bytes)?;
    say(&Message::new("cli-sample-sealed")
        .with("id", &sealed.bundle_id)
        .number("bytes", sealed.ciphertext_len as i64)
        .number("payloads", payloads.len() as i64)
        .with("path", dir.display()));
    Ok(())
}

fn verify(
    file: &Path,
    identity: &Path,
    signers: Option<&Path>,
    decision: Option<&Path>,
    decode: bool,
) -> Result<ExitCode, Failure> {
    let pinned = match signers {
        Some(p) => PinnedKeys::from_file(p).map_err(|e| Failure::new("cli-keys-file", e))?,
        None => PinnedKeys::default(),
    };
    let v = verify::bundle(file, identity, &pinned, decision, decode)
        .map_err(|e| Failure::new("cli-inputs", e))?;
    println!("{}", serde_json::to_string_pretty(&v.report).expect("json"));
    Ok(if v.ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn inspect_iso(file: &Path) -> Result<ExitCode, Failure> {
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::new("cli-read-file", format!("{}: {e}", file.display())))?;
    let record =
        schemas::iso19794::Record::parse(&bytes).map_err(|e| Failure::new("cli-iso-record", e))?;
    let mut v = serde_json::to_value(&record).expect("json");
    v["registration_issues"] = serde_json::json!(record.registration_issues());
    println!("{}", serde_json::to_string_pretty(&v).expect("json"));
    Ok(ExitCode::SUCCESS)
}

fn export_cbeff(file: &Path, identity: &Path, out: Option<&Path>) -> Result<ExitCode, Failure> {
    let v = verify::bundle(file, identity, &PinnedKeys::default(), None, false)
        .map_err(|e| Failure::new("cli-inputs", e))?;
    let Some(opened) = v.opened else {
        eprintln!("{}", serde_json::to_string_pretty(&v.report).expect("json"));
        return Err(Failure::new("cli-verify-failed", file.display()));
    };
    let xml = schemas::cbeff::to_xml(&opened).map_err(|e| Failure::new("cli-cbeff", e))?;
    match out {
        Some(p) => write_file(p, xml.as_bytes())?,
        None => print!("{xml}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn demo(out: Option<PathBuf>) -> Result<ExitCode, Failure> {
    let (dir, temporary) = match out {
        Some(d) => (d, false),
        None => (std::env::temp_dir().join(format!("hukumati-demo-{}", std::process::id())), true),
    };
    say(&Message::new("cli-demo-banner"));
    write_sample(&dir, 1)?;
    let pinned = PinnedKeys::from_file(&dir.join("signers.json"))
        .map_err(|e| Failure::new("cli-keys-file", e))?;
    let v = verify::bundle(
        &dir.join("bundle.age"),
        &dir.join("registry.key"),
        &pinned,
        Some(&dir.join("decision.cose")),
        true,
    )
    .map_err(|e| Failure::new("cli-inputs", e))?;
    println!("{}", serde_json::to_string_pretty(&v.report).expect("json"));
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(if v.ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
