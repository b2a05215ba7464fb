//! Onboarding stations from files instead of typed keys (the protocol is in
//! [`sync::onboarding`]): the registry issues a signed onboarding file for a new station, and
//! onboards the station when its station key file comes back.

use sync::api::NewStation;
use sync::master::StationMode;
use sync::onboarding::{Onboarding, StationKey};

use crate::ServeError;
use crate::config::Config;
use crate::error::ApiError;
use crate::intake::Intake;
use crate::meta::Meta;

/// What an administrator asks for when inviting a station.
pub struct Invitation<'a> {
    pub station_id: &'a str,
    pub centre: &'a str,
    pub mode: StationMode,
    /// The address stations reach the registry at.
    pub url: &'a str,
    /// 1 to 90.
    pub days: u32,
}

/// The signed onboarding file for a new station, checked as the station will check it.
pub fn invite(
    c: &Config,
    inv: &Invitation<'_>,
    now: i64,
) -> Result<(Vec<u8>, Onboarding), ServeError> {
    if !(1..=90).contains(&inv.days) {
        return Err(ServeError::Other(format!(
            "an onboarding file is valid for 1 to 90 days, not {}",
            inv.days
        )));
    }
    let keys = c.load_keys()?;
    let recipient = keys
        .recipients()
        .last()
        .map(|r| r.recipient.clone())
        .ok_or_else(|| ServeError::Other("the configuration names no identity".into()))?;
    let o = Onboarding {
        registry_url: inv.url.to_string(),
        root_key: schemas::manifest::Bytes32::new(keys.root.verifying_key().to_bytes()),
        recipient,
        station_id: inv.station_id.to_string(),
        centre: inv.centre.to_string(),
        mode: inv.mode,
        issued_at: now,
        expires_at: now + i64::from(inv.days) * 24 * 3600 * 1000,
    };
    let bytes = o.sign(&keys.root);
    Onboarding::open(&bytes, now).map_err(|e| ServeError::Other(e.to_string()))?;
    Ok((bytes, o))
}

impl<M: Meta> Intake<M> {
    /// Onboards the station a station key file names (bytes, or the `hukumati-station-key:` text
    /// of its QR code), once its onboarding is found to be this registry's, unexpired, and the
    /// station's signature verifies. The onboarding, and whether the station is new.
    pub async fn import_station_key(&self, input: &[u8]) -> Result<(Onboarding, bool), ApiError> {
        let bad = |e: sync::ProtocolError| ApiError::new(sync::Code::BadRequest, e.to_string());
        let bytes = sync::onboarding::station_key_bytes(input).map_err(bad)?;
        let (o, key) = StationKey::open(&bytes, &self.keys.root.verifying_key(), (self.clock)())
            .map_err(bad)?;
        let created = self
            .add_station(NewStation {
                id: o.station_id.clone(),
                ed25519: hex::encode(key.as_slice()),
                centre: o.centre.clone(),
                mode: o.mode,
            })
            .await?;
        tracing::info!(station = o.station_id, "station onboarded from its key file");
        Ok((o, created))
    }
}
