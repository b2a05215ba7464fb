# Refusals and errors of the station core, in English (the interface texts are in en.ftl).

# Demographics form (validate.rs)
v-the-id-number-has-9-digits = the ID number has 9 digits
v-the-id-number-is-not-valid = the ID number is not valid: its check digit does not match
v-the-phone-number-starts-with-the = the phone number starts with the country code, e.g. +970
v-the-phone-number-accepts-digits-only = the phone number accepts digits only
v-the-phone-number-is-not-valid = the phone number is not valid: +970 or +972 is followed by 9 digits; other countries have 8 to 15 digits with the country code
v-the-email-address-is-not-valid = the e-mail address is not valid
v-the-governorate-is-required = the governorate is required
v-unknown-governorate = unknown governorate
v-the-locality-is-required = the locality is required
v-a-governorate-applies-to-addresses-in = a governorate applies to addresses in Palestine only
v-the-city-is-required = the city is required
v-the-country-is-a-twoletter-code = the country is a two-letter code such as PS or JO
v-the-date-of-birth-is-yearmonthday = the date of birth is year-month-day, e.g. 1990-05-12
v-the-date-of-birth-is-in = the date of birth is in the future
v-the-date-of-birth-is-more = the date of birth is more than 130 years ago
v-sex-male-or-female = sex: male or female
v-a-child-under-5-is-enrolled = a child under 5 is enrolled with a guardian: their ID number or enrollment id is required
v-the-guardians-relation-is-required = the guardian's relation is required
v-the-guardians-enrollment-id-is-not = the guardian's enrollment id is not valid
v-the-guardians-id-number-or-enrollment = the guardian's ID number or enrollment id is required
v-the-guardian-cannot-be-the-applicant = the guardian cannot be the applicant
v-name-ar-required = the { $what } in Arabic is required
v-name-ar-letters = the { $what } in Arabic must use Arabic letters only
v-name-too-long = the { $what } is longer than 40 characters
v-name-latin-required = the { $what } in Latin letters is required
v-name-latin-letters = the { $what } in Latin letters accepts A-Z, hyphen and apostrophe only
v-part-first = first name
v-part-father = father's name
v-part-grandfather = grandfather's name
v-part-family = family name

# Devices (ui/live.rs)
device-bad-frame = the device sent a damaged preview frame ({ $detail }); the last good one is shown

# The station core (core.rs, store.rs, vault.rs)
store-sql = the station's database failed: { $detail }
store-dir = the data folder { $path } cannot be used: { $detail }
store-too-new = the station's database comes from a newer version of the program (schema { $found }, this program knows { $known }): install the newer version
store-not-initialised = this station is not set up yet: run `station init` (or `station demo-seed` for a demo station) first
store-corrupt = a stored value is missing or damaged: { $detail }
vault-error = the station's stored secrets could not be opened: { $detail }
already-initialised = a station is already set up in this data folder
too-many-awaiting-approval = { $count } enrollments await the supervisor (the limit is { $limit }): approve or reject them first
too-many-awaiting-sync = { $count } sealed bundles await sending (the limit is { $limit }): sync the station first
registry-too-long-ago = the central registry has not been reached for { $days } days (the limit is { $limit }): connect and sync first
no-such-enrollment = there is no enrollment { $id }
wrong-stage = the enrollment is at the step “{ $found }”, not “{ $expected }”
four-eyes = a supervisor cannot approve an enrollment they captured themselves (four-eyes rule)
reason-missing = a rejection needs a reason
no-consent = the applicant did not agree; nothing is recorded but the refusal
not-confirmed = the applicant did not confirm the data at the review
draft-missing = the saved step “{ $stage }” is missing or damaged
config-invalid = the station's settings are not valid: { $detail }

# Operators (operators.rs)
op-bad-credentials = wrong user name or password
op-locked-out = the account is locked for { PLURAL($minutes) ->
    [one] one minute
   *[other] { $minutes } minutes
} after repeated failed log-ins
op-locked-by-admin = the account is locked by the centre's administrator
op-bad-username = a user name has 3 to 32 Latin letters, digits, or . - _
op-weak-password = the password is too short: at least { $min } characters
op-exists = an operator named { $name } already exists
op-unknown = there is no operator named { $name }
op-not-allowed = this needs the role { $role }
op-idle = the session locked itself after a period without activity; log in again
op-key-storage = the operator's keys could not be kept: { $detail }

# Scripted enrollments and capture (script.rs, capture.rs)
script-invalid = the enrollment script is not valid: { $detail }
clock-unreadable = the station's clock gives no valid date ({ $detail }); set the date and time, then try again
demographics-refused = the personal data were refused: { $reasons }
capture-failed = capture failed at the step “{ $stage }”: { $reason }
capture-undecided = { $position } was not captured and no exception was recorded for it
capture-record = the biometric record could not be built: { $detail }
capture-image = the document image could not be encoded: { $detail }
device-disconnected = the device was unplugged: plug it in again
device-timeout = the device gave no capture within { $seconds } seconds
device-not-ready = the device is not ready: { $detail }
device-protocol = the device answered something unexpected: { $detail }
device-unsupported = this device cannot { $detail }
device-untrusted-device = the device reports that it is not registered, was tampered with, or its key has expired; nothing it captures is used ({ $detail })
device-untrusted-expired = a certificate of the device is expired or not yet valid; nothing it captures is used ({ $detail })
device-untrusted-weak = the device's certificates use a key or algorithm too weak to trust (SHA-1, or RSA under 2048 bits); nothing it captures is used ({ $detail })
device-untrusted-misused = a certificate of the device is used beyond what it allows (key usage, constraints, or an extension the station does not understand); nothing it captures is used ({ $detail })
device-untrusted-unknown-anchor = the device is not vouched for by any device provider this station trusts; nothing it captures is used ({ $detail })
device-untrusted-bad-signature = the device's signature does not verify; nothing it captures is used ({ $detail })
device-untrusted-wrong-env = the device is registered for another SBI environment than this station's; nothing it captures is used ({ $detail })
device-untrusted-not-the-device = a capture was signed by another device than the one the station identified; nothing it captures is used ({ $detail })
device-untrusted-broken-chain = the chain of the device's captures is broken; nothing it captures is used ({ $detail })
device-untrusted-no-anchors = no device provider's certificate is configured, so no certified device can be checked ({ $detail })
device-absent = no device for this step is attached: connect it, or ask the administrator to check the device list
device-detail-sbi = SBI service on port { $port }, device { $id } ({ $level }), key of { $signer } issued by { $anchor }
device-detail-camera = camera { $node }, USB { $usb }
device-detail-usb = USB bus { $bus }, address { $address }
device-detail-refused = SBI service on port { $port } refused: { $detail }
device-detail-simulated = demo station: no device attached, a simulated one stands in

# The acknowledgement slip (slip.rs)
slip-qr-failed = the slip's QR code could not be made: { $detail }
slip-pdf-failed = the slip's PDF could not be written: { $detail }
slip-print-failed = printing failed: { $detail }

# Bundles and decisions (messages.rs)
bundle-decrypt = the bundle could not be decrypted: wrong key, or the file is damaged ({ $detail })
bundle-encrypt = the bundle could not be encrypted ({ $detail })
bundle-not-a-bundle = the file is not an enrollment bundle ({ $detail })
bundle-manifest-cbor = the bundle's manifest is damaged or not encoded as specified ({ $detail })
bundle-unsupported-schema = this version of the program does not know the bundle's manifest version ({ $detail })
bundle-manifest = the bundle's manifest is not consistent ({ $detail })
bundle-signature = a signature on the bundle is not valid ({ $detail })
bundle-untrusted-signer = the bundle is signed with a key that is not trusted ({ $detail })
bundle-payload = a part of the bundle is missing or was changed ({ $detail })
bundle-trailing-data = there is data after the end of the bundle ({ $detail })
bundle-record = a biometric record does not match the manifest ({ $detail })
bundle-io = reading or writing failed ({ $detail })
decision-malformed = the supervisor's decision is damaged ({ $detail })
decision-bad-signature = the supervisor's signature on the decision is not valid
decision-wrong-bundle = the decision was made for another bundle ({ $detail })
decision-untrusted-supervisor = the decision is signed by a supervisor key that is not trusted
input-file = the file { $path } cannot be used: { $detail }
sample-failed = the sample enrollment could not be built: { $detail }

# The command line (main.rs, ops.rs)
cli-error = error: { $message }
cli-no-display = no display: running the headless demo
cli-demo-mode = DEMO mode: a demo station in { $path } (clerk1 / super1, password demo)
cli-demo-banner = DEMO MODE: simulated devices, a throw-away registry key
cli-demo-station = DEMO station { $station }
cli-no-data-dir = the data folder is not known (neither XDG_DATA_HOME nor HOME is set): use `station ui --data DIR` ({ $detail })
cli-wayland-egl = the station's window cannot open in this Wayland session: the library { $library } is not installed. Install the package libwayland-egl1 (`apt install libwayland-egl1`), or install the station from its package, which brings it.
cli-window = the station's window could not be opened: { $detail }
cli-write-file = the file could not be written: { $detail }
cli-read-file = the file could not be read: { $detail }
cli-make-dir = the folder could not be made: { $detail }
cli-new-key = a new key could not be made: { $detail }
cli-sample = the sample enrollment could not be prepared: { $detail }
cli-seal = the bundle could not be sealed: { $detail }
cli-sign-decision = the supervisor's decision could not be signed: { $detail }
cli-keys-file = the keys file is not valid: { $detail }
cli-inputs = the inputs could not be read: { $detail }
cli-iso-record = not a valid ISO/IEC 19794 record: { $detail }
cli-verify-failed = the bundle failed verification; nothing was exported ({ $detail })
cli-cbeff = the CBEFF document could not be made: { $detail }
cli-read-password = the password could not be read: { $detail }
cli-password-missing = the password of { $detail } is expected on standard input, one line
cli-demo-seed-used = this data folder already holds a station; demo-seed only sets up a new folder ({ $detail })
cli-unknown-role = unknown role { $detail }: clerk, supervisor or admin
cli-read-script = the enrollment script could not be read: { $detail }
cli-id-or-all = give an enrollment id or --all ({ $detail })
cli-translations = the translation files could not be loaded: { $detail }
cli-write-slip = the slip's file could not be written: { $detail }
audit-broken = the audit log was changed or is incomplete at entry { $sequence } ({ $detail })
cli-onboarding-invalid = the onboarding file is not valid, so the station was not set up: { $detail }
cli-onboarding-untrusted = the onboarding file comes from a registry this station does not trust: its root key's fingerprint { $fingerprint } is not listed in { $roots }. The station was not set up.
cli-onboarding-first-use = { $roots } does not exist, so the registry's root key is trusted on first use. Compare its fingerprint with the one the operations team gave you: { $fingerprint }
cli-onboarding-key-file = the station's key is in { $path }: give this file to the registry's operations team to finish onboarding (`registry station import`).
cli-set-up = station { $station } is set up in { $path }
cli-demo-seeded = DEMO station { $station } in { $path }: admin1, clerk1, super1 (password demo); the demo registry key is { $key }
cli-operator-added = operator { $name } added as { $role }
cli-operator-locked = operator { $name } is locked
cli-operator-unlocked = operator { $name } is unlocked
cli-sample-sealed = sealed bundle { $id } ({ $bytes } bytes, { $payloads } payloads) in { $path }
station-revoked = the registry has revoked this station: it may not enroll anyone; call the registry's support

# Sync with the registry (uplink)
uplink-network = the registry could not be reached; the station will try again ({ $detail })
uplink-refused = the registry refused: { $reason } ({ $detail })
uplink-protocol = the registry's answer is not valid ({ $detail })
uplink-not-configured = sync is not set up: { $detail }
code-bad_request = the request was not of the registry's form
code-bad_token = the station's signature on the request was not accepted: is the station onboarded at the registry with this key?
code-stale_token = the station's clock is too far from the registry's: set the time
code-replayed_request = a request was sent twice
code-unknown_station = the registry does not know this station: it must be onboarded
code-revoked_station = the registry has revoked this station
code-bad_ticket = the bundle's ticket was not accepted
code-sequence_reused = this enrollment number was already used for another bundle
code-sequence_gap = an earlier enrollment number has not reached the registry
code-bundle_id_reused = this bundle number was already used with other content
code-content_reused = this content was already sent as another bundle
code-too_large = the bundle is larger than the registry accepts
code-unknown_upload = the registry expects no such bundle
code-offset_mismatch = the registry holds a different part of the bundle
code-size_mismatch = more was sent than the bundle's size
code-hash_mismatch = the bytes that arrived are not the bundle (damaged on the way)
code-bad_bundle = the bundle does not open or its signatures do not hold
code-bad_decision = the supervisor's decision was not accepted
code-unknown_operator = the registry does not know an operator who signed
code-revoked_operator = an operator who signed was revoked
code-operator_key_changed = an operator is registered with another key
code-unknown_bundle = the registry has no such bundle
code-not_admin = an administrator's token is required
code-busy = the registry holds as many of this station's open or running uploads as it allows; they are sent later
code-unavailable = the registry is not available right now
cli-demo-registry = the demo station's embedded registry could not be set up: { $detail }
cli-no-demo-registry = this build of the station has no embedded registry, so it cannot set up a demo station (feature { $detail })
cli-not-a-recording = the file is not a usbmon recording (pcapng, link type 220): { $detail }
cli-not-a-certificate = not a PEM certificate: { $detail }
quality-model-missing = The quality model { $path } is missing: install Debian's opencv-data, or correct the models folder in the station's settings (capture.quality.face.models)
quality-failed = The image could not be judged: { $detail }
cli-not-an-image = the file is not an image or a biometric record with an image: { $detail }
cli-bad-slap = unknown slap '{ $detail }': right, left or thumbs
cli-json = the result could not be written as JSON: { $detail }
document-mrz-mismatch = The document's machine-readable zone says otherwise than the form: { $fields }. Correct the form, or check that this is the applicant's document.
mrz-difference = { $field }: { $zone } on the document, { $typed } on the form
value-empty = (empty)
document-zone-unread = The document's machine-readable zone could not be read: place the side of the card with the three lines under the camera, without glare, and read it again, or type the data.
prefill-differs = The ID card says otherwise than the form, and what was typed was kept: { $fields }. Correct what was mistyped.
prefill-name-cut = The machine-readable zone cuts the name short, so its last name was not filled: type it as the card prints it.
prefill-doubt = Compare character { $place } of “{ $field }” with the card: the reader cannot tell { $read } from { $other } there, and no check digit shows the difference.
capture-same-finger = { $second } looks like { $first } placed again: place the finger the screen shows and capture again
cli-outbox-count = { PLURAL($count) ->
    [one] One sealed bundle in the outbox
   *[other] { $count } sealed bundles in the outbox
}, { $waiting } waiting to be sent
cli-outbox-entry = No. { $sequence }: { $id }, { $verdict }, sealed { $sealed } UTC, { $state }
cli-outbox-waiting = waiting to be sent ({ $size } MB)
cli-outbox-synced = received by the registry { $time } UTC
op-revoked-by-registry = the registry has revoked operator { $name }: only the registry can restore them, not the centre
clock-went-back = the clock reads { $minutes } minutes earlier than the station's last recorded action: set the date and time right before enrolling
clock-off = the station's clock is { $offset } seconds off the registry's time (the limit is { $limit }): set the date and time right before enrolling
simulation-on-production = this is a production station: enrollments are captured with the attached devices only; scripted enrollments and simulated devices are for training and demo stations
stale-master-data = the registry's data offered is version { $got }, older than version { $have } held here: refused, nothing changed
code-operator_not_approved = an operator who signed awaits the registry's approval; the bundle waits at the station
code-simulated_capture = a sample was not captured by a live device (simulated, replayed, or no device named); a production station's bundle must come from real devices
code-wrong_centre = the bundle names another centre than the one the station was onboarded at
code-bad_record = a biometric record in the bundle fails the ISO/IEC 19794 checks
code-not_production = the bundle comes from a training or demo station and can never be an identity
cli-unknown-mode = unknown station mode { $detail }: production, training or demo
cli-outbox-set-aside = refused for good by the registry and set aside { $time } UTC: { $reason } ({ $detail }); `station outbox export` copies it out for the registry's staff
cli-outbox-held = waiting for the registry to approve operator { $name }
removable-media = the removable medium was not used as it is, since it may have been written by anyone: { $detail }
uplink-address = the registry's address cannot be used by this station: { $detail }
capture-thread = the capture could not start ({ $detail }); open the enrollment again from the start screen
capture-lost = the capture stopped without an answer; open the enrollment again from the start screen

# Officials' fingers (fingers.rs, station_quality::matching)
op-finger-no-match = the finger does not match this user's enrolled fingers
op-no-fingers = { $name } has no finger enrolled at this station: log in with the password, or ask an administrator to enrol fingers
op-password-once-first = { $name } must log in once with the password before logging in by finger
finger-too-few-minutiae = the finger shows too little detail ({ $found } points where { $needed } are needed): clean the glass and the finger, press flat, and try again
finger-template-image = the finger image cannot be used: { $detail }
finger-template-bad = a stored finger template is damaged: { $detail }
finger-enrolment = the fingers were not enrolled: { $detail }
finger-required = this station requires the supervisor's finger to approve or reject
password-login-forbidden = at this station clerks and supervisors log in by finger only
applicant-is-official = the applicant's { $finger } matches the enrolled finger of official { $official }: an official may not enroll themself. Reject the enrollment and report it
cli-fingers-enrolled = { $count } finger impressions enrolled for { $name } ({ $total } in all)
cli-finger-match = the finger matches { $name } (score { $score }, threshold { $threshold })
cli-finger-no-match = the finger does not match { $name } (score { $score }, threshold { $threshold })
cli-ppi = the resolution must be between 250 and 1000 pixels per inch, not { $detail }
pos-unknown = finger
cli-not-a-finger = this is not a finger image: { $detail }
login-finger-who = type your user name first, then log in with your finger
finger-no-reader = no finger reader is attached to this station: use the password
