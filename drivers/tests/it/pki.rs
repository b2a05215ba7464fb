//! Certificate paths of our own, made with the openssl command (scripts/setup.sh installs it):
//! good ones and ones with one defect each, and JWS statements signed by their keys, to try the
//! SBI certificate checks on what a dishonest or careless device provider could issue.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

pub struct Pki {
    dir: fixtures::TempDir,
}

/// X.509 v3 extensions of a certificate authority.
pub const CA: &str = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
/// ... of a device key.
pub const DEVICE: &str = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n";

impl Pki {
    pub fn new(name: &str) -> Pki {
        Pki { dir: fixtures::tempdir(&format!("pki-{name}")) }
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).to_string_lossy().into_owned()
    }

    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl").args(args).current_dir(&*self.dir).output().unwrap();
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// A key pair `name`: "ed25519", or "rsa:BITS".
    pub fn key(&self, name: &str, kind: &str) {
        let out = self.path(&format!("{name}.key"));
        match kind.strip_prefix("rsa:") {
            Some(bits) => self.openssl(&[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                &format!("rsa_keygen_bits:{bits}"),
                "-out",
                &out,
            ]),
            None => self.openssl(&["genpkey", "-algorithm", kind, "-out", &out]),
        }
    }

    /// Certificate `name` for key `key` with subject `/CN=cn`, issued by certificate `issuer`
    /// with its key (itself when None), valid `days` from now, with `extensions` and, for RSA
    /// issuers, `digest` (sha256, sha1).
    #[allow(clippy::too_many_arguments)]
    pub fn cert(
        &self,
        name: &str,
        key: &str,
        cn: &str,
        issuer: Option<(&str, &str)>,
        days: u32,
        extensions: &str,
        digest: Option<&str>,
    ) {
        std::fs::write(self.dir.join(format!("{name}.ext")), extensions).unwrap();
        let csr = self.path(&format!("{name}.csr"));
        let key_file = self.path(&format!("{key}.key"));
        self.openssl(&[
            "req",
            "-new",
            "-key",
            &key_file,
            "-subj",
            &format!("/CN={cn}"),
            "-out",
            &csr,
        ]);
        let (ext, out, days) = (
            self.path(&format!("{name}.ext")),
            self.path(&format!("{name}.crt")),
            days.to_string(),
        );
        let mut args: Vec<String> = ["x509", "-req", "-in", &csr, "-days", &days, "-extfile", &ext]
            .iter()
            .map(ToString::to_string)
            .collect();
        match issuer {
            Some((cert, ikey)) => args.extend([
                "-CA".into(),
                self.path(&format!("{cert}.crt")),
                "-CAkey".into(),
                self.path(&format!("{ikey}.key")),
                "-set_serial".into(),
                format!("{}", 1000 + name.len() * 7 + cn.len()),
            ]),
            None => args.extend(["-signkey".into(), key_file.clone()]),
        }
        if let Some(d) = digest {
            args.push(format!("-{d}"));
        }
        args.extend(["-out".into(), out]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.openssl(&refs);
    }

    /// The certificate in DER.
    pub fn der(&self, name: &str) -> Vec<u8> {
        let out = self.path(&format!("{name}.der"));
        self.openssl(&[
            "x509",
            "-in",
            &self.path(&format!("{name}.crt")),
            "-outform",
            "DER",
            "-out",
            &out,
        ]);
        std::fs::read(out).unwrap()
    }

    /// The certificates, in PEM, as a trust anchor file holds them.
    pub fn pem(&self, names: &[&str]) -> Vec<u8> {
        names
            .iter()
            .flat_map(|n| std::fs::read(self.dir.join(format!("{n}.crt"))).unwrap())
            .collect()
    }

    /// A compact JWS of `payload` signed with key `key` (Ed25519: EdDSA; RSA: RS256), carrying
    /// the certificates `x5c`.
    pub fn jws(&self, key: &str, x5c: &[&str], payload: &[u8]) -> String {
        let rsa = self.is_rsa(key);
        let chain: Vec<String> = x5c.iter().map(|n| STANDARD.encode(self.der(n))).collect();
        let header =
            serde_json::json!({ "alg": if rsa { "RS256" } else { "EdDSA" }, "x5c": chain });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let (msg, sig) = (self.path("input.bin"), self.path("sig.bin"));
        std::fs::write(&msg, &input).unwrap();
        let key_file = self.path(&format!("{key}.key"));
        if rsa {
            self.openssl(&["dgst", "-sha256", "-sign", &key_file, "-out", &sig, &msg]);
        } else {
            self.openssl(&[
                "pkeyutl", "-sign", "-inkey", &key_file, "-rawin", "-in", &msg, "-out", &sig,
            ]);
        }
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(std::fs::read(Path::new(&sig)).unwrap()))
    }

    fn is_rsa(&self, key: &str) -> bool {
        let out = Command::new("openssl")
            .args(["pkey", "-in", &self.path(&format!("{key}.key")), "-noout", "-text"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains("modulus")
    }
}
