//! What a person reads when a format or a device fails: the errors of `schemas` and `drivers`
//! (which know no language) explained as [`Message`]s from the Fluent files. They are
//! functions, not `Explain` impls: neither the trait nor those types belong to this crate.

use schemas::bundle::BundleError;
use station_text::messages::Message;

/// Why a bundle could not be sealed, opened or checked.
pub fn bundle(e: &BundleError) -> Message {
    let id = match e {
        BundleError::Decrypt(_) => "bundle-decrypt",
        BundleError::Encrypt(_) => "bundle-encrypt",
        BundleError::NotABundle(_) => "bundle-not-a-bundle",
        BundleError::ManifestCbor(_) => "bundle-manifest-cbor",
        BundleError::UnsupportedSchema { .. } => "bundle-unsupported-schema",
        BundleError::Manifest(_) => "bundle-manifest",
        BundleError::Signature { .. } => "bundle-signature",
        BundleError::UntrustedSigner { .. } => "bundle-untrusted-signer",
        BundleError::Payload { .. } => "bundle-payload",
        BundleError::TrailingData => "bundle-trailing-data",
        BundleError::Record { .. } | BundleError::Iso { .. } => "bundle-record",
        BundleError::Io(_) => "bundle-io",
    };
    Message::new(id).detail(e)
}

/// Why a supervisor's decision could not be made or checked.
pub fn decision(e: &schemas::decision::DecisionError) -> Message {
    use schemas::decision::DecisionError as D;
    let id = match e {
        D::Malformed(_) | D::Cbor(_) => "decision-malformed",
        D::ReasonMissing => "reason-missing",
        D::BadSignature => "decision-bad-signature",
        D::WrongBundle { .. } | D::WrongManifest => "decision-wrong-bundle",
        D::SameAsOperator => "four-eyes",
        D::UntrustedSupervisor => "decision-untrusted-supervisor",
    };
    Message::new(id).detail(e)
}

/// What a device said when it failed.
pub fn device(e: &drivers::device::DeviceError) -> Message {
    use drivers::device::DeviceError as D;
    match e {
        D::Disconnected => Message::new("device-disconnected"),
        D::Timeout(t) => {
            Message::new("device-timeout").number("seconds", t.as_secs().max(1) as i64)
        }
        D::NotReady(d) => Message::new("device-not-ready").detail(d),
        D::Protocol(d) => Message::new("device-protocol").detail(d),
        D::Unsupported(d) => Message::new("device-unsupported").detail(d),
        D::Untrusted { why, detail } => {
            Message::new(format!("device-untrusted-{}", why.as_str())).detail(detail)
        }
        D::Absent => Message::new("device-absent"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_error_reads_in_both_languages_and_keeps_the_detail() {
        let e = BundleError::Payload {
            index: 3,
            kind: "iso19794-4:2011",
            problem: "SHA-256 does not match the manifest".into(),
        };
        let m = bundle(&e).both();
        assert!(m.ar.starts_with("أحد محتويات الحزمة"), "{}", m.ar);
        assert!(m.en.starts_with("a part of the bundle"), "{}", m.en);
        assert!(m.ar.contains("payload 3") && m.en.contains("payload 3"));
    }

    #[test]
    fn every_reason_to_distrust_a_device_reads_in_both_languages() {
        for why in drivers::device::Distrust::ALL {
            let e = drivers::device::DeviceError::Untrusted { why, detail: "DETAIL".into() };
            let m = device(&e).both();
            for text in [&m.ar, &m.en] {
                assert!(!text.starts_with('['), "{why:?}: {text}");
                assert!(text.contains("DETAIL"), "{why:?}: {text}");
            }
            assert_ne!(m.ar, m.en);
        }
    }
}
