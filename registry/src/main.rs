//! `registry`: the reference central intake. For now it makes the registry's age identity, the
//! key stations seal bundles to; the intake service comes with the sync issue.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "registry", version, about = "Hukumati central registry intake (reference)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make a new registry identity: writes the age identity file and prints its recipient.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Keygen { out } => {
            if out.exists() {
                eprintln!("refusing to overwrite {}", out.display());
                return ExitCode::from(2);
            }
            let id = schemas::keys::new_registry_identity();
            if let Err(e) = std::fs::write(&out, schemas::keys::identity_file_text(&id)) {
                eprintln!("cannot write {}: {e}", out.display());
                return ExitCode::from(2);
            }
            println!("{}", id.to_public());
            ExitCode::SUCCESS
        }
    }
}
