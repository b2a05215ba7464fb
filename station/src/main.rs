//! `station`: the registration station's command line.
//!
//! Without a subcommand it runs the headless demo: a simulated person is enrolled, sealed to a
//! freshly made registry key, opened again and verified, and the report is printed. The egui kiosk
//! replaces that default when it lands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use schemas::bundle::{self, Signer};
use schemas::decision::{self, Decision, Verdict};
use schemas::manifest::Bytes32;
use station::report::{self, PinnedKeys};
use station::sample;

#[derive(Parser)]
#[command(name = "station", version, about = "Hukumati registration station")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Enroll a simulated person headlessly, seal, verify, and print the report (the default).
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

/// An error for the person at the terminal, in Arabic and English.
struct Failure {
    ar: String,
    en: String,
}

impl Failure {
    fn new(ar: &str, en: impl std::fmt::Display) -> Self {
        Failure { ar: format!("{ar}: {en}"), en: en.to_string() }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Demo { out: None }) {
        Command::Demo { out } => demo(out),
        Command::Bundle { command } => match command {
            BundleCommand::Sample { out, seed } => write_sample(&out, seed).map(|_| ExitCode::SUCCESS),
            BundleCommand::Verify { file, identity, signers, decision, no_decode } => verify(&file, &identity, signers.as_deref(), decision.as_deref(), !no_decode),
            BundleCommand::InspectIso { file } => inspect_iso(&file),
            BundleCommand::ExportCbeff { file, identity, out } => export_cbeff(&file, &identity, out.as_deref()),
        },
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            eprintln!("خطأ: {}\nerror: {}", f.ar, f.en);
            ExitCode::from(2)
        }
    }
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure::new("تعذّرت كتابة الملف", format!("{}: {e}", path.display())))
}

/// Seals a synthetic enrollment into `dir`, with fresh keys, and a supervisor approval.
fn write_sample(dir: &Path, seed: u64) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| Failure::new("تعذّر إنشاء المجلد", format!("{}: {e}", dir.display())))?;
    let key = |role| schemas::keys::new_signing_key().map_err(|e| Failure::new(role, e));
    let (station_key, operator_key, supervisor_key) = (key("مفتاح المحطة")?, key("مفتاح الموظف")?, key("مفتاح المشرف")?);
    let registry = schemas::keys::new_registry_identity();
    let (station_id, operator_id, supervisor_id) = ("ST-RAM-0001", "op-0017", "sup-0003");

    let captures = sample::capture(seed);
    let (manifest, payloads) = sample::enrollment(&captures, station_id, operator_id, 1, now_ms()).map_err(|e| Failure::new("تعذّر إعداد التسجيل", e))?;
    let mut sealed_bytes = Vec::new();
    let sealed = bundle::seal(
        manifest,
        &payloads,
        &Signer { id: station_id, key: &station_key },
        &Signer { id: operator_id, key: &operator_key },
        &registry.to_public(),
        &mut sealed_bytes,
    )
    .map_err(|e| Failure::new("تعذّر ختم الحزمة", e))?;
    let decision = Decision {
        bundle_id: sealed.bundle_id.clone(),
        manifest_sha256: Bytes32::new(sealed.manifest_sha256),
        verdict: Verdict::Approve,
        reason: None,
        decided_at: now_ms(),
        supervisor_id: supervisor_id.into(),
        supervisor_ed25519: Bytes32::new(supervisor_key.verifying_key().to_bytes()),
    };
    let decision_bytes = decision::sign(&decision, &supervisor_key).map_err(|e| Failure::new("تعذّر توقيع قرار المشرف", e))?;
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
    write_file(&dir.join("signers.json"), serde_json::to_string_pretty(&signers).expect("json").as_bytes())?;
    write_file(&dir.join("decision.cose"), &decision_bytes)?;
    eprintln!(
        "sealed bundle {} ({} bytes, {} payloads) in {}",
        sealed.bundle_id,
        sealed.ciphertext_len,
        payloads.len(),
        dir.display()
    );
    Ok(())
}

fn verify(file: &Path, identity: &Path, signers: Option<&Path>, decision: Option<&Path>, decode: bool) -> Result<ExitCode, Failure> {
    let pinned = match signers {
        Some(p) => PinnedKeys::from_file(p).map_err(|e| Failure::new("ملف المفاتيح غير صالح", e))?,
        None => PinnedKeys::default(),
    };
    let v = report::verify(file, identity, &pinned, decision, decode).map_err(|e| Failure::new("تعذّرت قراءة المدخلات", e))?;
    println!("{}", serde_json::to_string_pretty(&v.report).expect("json"));
    Ok(if v.ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn inspect_iso(file: &Path) -> Result<ExitCode, Failure> {
    let bytes = std::fs::read(file).map_err(|e| Failure::new("تعذّرت قراءة الملف", format!("{}: {e}", file.display())))?;
    let record = schemas::iso19794::Record::parse(&bytes).map_err(|e| Failure::new("سجل ISO 19794 غير صالح", e))?;
    let mut v = serde_json::to_value(&record).expect("json");
    v["registration_issues"] = serde_json::json!(record.registration_issues());
    println!("{}", serde_json::to_string_pretty(&v).expect("json"));
    Ok(ExitCode::SUCCESS)
}

fn export_cbeff(file: &Path, identity: &Path, out: Option<&Path>) -> Result<ExitCode, Failure> {
    let v = report::verify(file, identity, &PinnedKeys::default(), None, false).map_err(|e| Failure::new("تعذّرت قراءة المدخلات", e))?;
    let Some(opened) = v.opened else {
        eprintln!("{}", serde_json::to_string_pretty(&v.report).expect("json"));
        return Err(Failure::new("الحزمة لم تجتز التحقق", "the bundle failed verification; nothing exported"));
    };
    let xml = schemas::cbeff::to_xml(&opened).map_err(|e| Failure::new("تعذّر إنشاء CBEFF", e))?;
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
    eprintln!("وضع العرض التجريبي: أجهزة محاكاة، وسجل مركزي مؤقت\nDEMO MODE: simulated devices, throw-away registry key\n");
    write_sample(&dir, 1)?;
    let pinned = PinnedKeys::from_file(&dir.join("signers.json")).map_err(|e| Failure::new("ملف المفاتيح غير صالح", e))?;
    let v = report::verify(&dir.join("bundle.age"), &dir.join("registry.key"), &pinned, Some(&dir.join("decision.cose")), true)
        .map_err(|e| Failure::new("تعذّرت قراءة المدخلات", e))?;
    println!("{}", serde_json::to_string_pretty(&v.report).expect("json"));
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(if v.ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
