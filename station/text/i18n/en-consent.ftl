# The consent notice, by version. A published version is never edited: a new wording is a new version.

consent-notice-2026-1 = To open your Hukumati portal account we record your personal details, a photograph of your face, your ten fingerprints, images of both irises and photographs of your identity documents. They are encrypted as soon as they are captured and can be read only by the central civil registry, which uses them solely to confirm your identity and to prevent duplicate enrollment. You may see and correct your data. Do you agree to enroll?
