# The station's interface in English.

app-title = Hukumati registration station
theme-dark = Dark theme
theme-light = Light theme
switch-language = العربية
consent-notice-unknown = This station does not have the consent notice version { $version }: ask the administrator
demo-banner = DEMO — simulated devices
login-title = Log in
login-username = User name
login-password = Password
login-submit = Log in
login-finger = Log in with finger
finger-place-login = { $user }: place your finger on the reader
finger-place-approve = To approve enrollment { $n }, place your finger on the reader
finger-place-reject = To reject enrollment { $n }, place your finger on the reader
finger-place-batch = { PLURAL($count) ->
    [one] To approve one enrollment, place your finger on the reader
   *[other] To approve { $count } enrollments, place your finger on the reader
}
finger-place-how = Press one enrolled finger flat on the glass and hold it still until the screen changes.
finger-cancel = Cancel
finger-place-enrol = { $user }: place a finger on the reader (impression { $n } of { $of })
enrol-fingers = Enrol fingers of { $user } ({ $count } enrolled)
station-status = Station { $station } at { $centre }
awaiting-approval = { PLURAL($count) ->
    [one] One enrollment awaits approval
   *[other] { $count } enrollments await approval
}
fingers-left = { PLURAL($count) ->
    [one] One finger left
   *[other] { $count } fingers left
}
retries-left = Retries left: { $count }
applicant-id = ID number: { $id }
applicant-born = Date of birth: { $date }
applicant-phone = Phone: { $phone }
enrollment-sealed = Enrollment { $id } is sealed and in the outbox.
welcome = Welcome, { $user } ({ $role })
today = Today is { $date } by the station clock
logout = Log out
new-enrollment = New enrollment
back-home = Back to the start
next = Next
consent-accept = The applicant agrees
consent-refuse = Does not agree
consent-refused = The applicant did not agree; nothing but the refusal was recorded.
field-name-ar-first = First name (Arabic)
field-name-ar-father = Father's name (Arabic)
field-name-ar-grandfather = Grandfather's name (Arabic)
field-name-ar-family = Family name (Arabic)
field-name-latin-first = First name (Latin letters)
field-name-latin-father = Father's name (Latin letters)
field-name-latin-grandfather = Grandfather's name (Latin letters)
field-name-latin-family = Family name (Latin letters)
field-national-id = ID number
field-date-of-birth = Date of birth (year-month-day)
field-sex = Sex
sex-male = Male
sex-female = Female
field-phone = Phone
field-email = E-mail
field-country = Country (two-letter code)
field-governorate = Governorate
field-locality = Locality or city
field-document-number = Identity document number
field-document-expiry = Document expiry date
photograph-document = Photograph the document
read-document = Read the ID card
prefill-complete = The ID card was read and agrees with every field already typed
prefill-filled = { PLURAL($count) ->
    [one] One field was filled from the ID card; check it with the applicant
   *[other] { $count } fields were filled from the ID card; check them with the applicant
}
capturing = Capturing… { $seconds } s
capture-cancel = Stop waiting
capture-cancelled = The capture was stopped; nothing of it was kept. Capture again when ready.
capture = Capture
excepted-line = { $position }: exception — { $reason }
review-summary = { $name } — ID number { $id } — born { $date }
review-confirm = The applicant confirms the data
sign = Operator signs
signed = Enrollment number { $sequence } is signed and awaits the supervisor.
queue-title = Enrollments awaiting approval
modality-todo = Not captured yet
modality-summary = { $captured } of { $total }, lowest quality { $lowest }{ $excepted ->
    [0] {""}
   *[other] , exceptions { $excepted }
}
quality-bar = { $position }: quality { $quality }, threshold { $threshold }, attempts left { $left }
quality-bar-caption = { $position }: { $quality } (threshold { $threshold }, { $left } left)
quality-bar-empty = { $position } (threshold { $threshold }, { $left } tries)
setting-invalid = { $setting }: { $problem }
applicant-portrait = The applicant's portrait
queue-col-sequence = No.
queue-col-time = Signed at
queue-col-clerk = Clerk
queue-col-flags = Needs attention
queue-col-quality = Lowest quality
queue-flags = { $exceptions ->
    [0] { $forced ->
        [0] —
       *[other] kept after retries: { $forced }
    }
   *[other] { $forced ->
        [0] exceptions: { $exceptions }
       *[other] exceptions: { $exceptions }, kept after retries: { $forced }
    }
}
queue-open = Open
queue-reject = Reject
queue-keys = The up and down arrow keys move between rows; Enter opens the selected enrollment
batch-title = { $count ->
    [0] Nothing can be approved in one batch
    [one] This enrollment will be approved:
   *[other] These { $count } enrollments will be approved:
}
batch-line = Enrollment { $sequence } by { $operator }, signed at { $time }
batch-flagged = Opened one by one because they have exceptions or captures kept after retries: { $list }
batch-confirm = Approve the above ({ $count })
batch-cancel = Cancel
approve-key = Approve this enrollment (F2)
reject-key = Reject this enrollment (F4)
back-key = Back to home (Esc)
approve-all = Approve all
sealed-count = { PLURAL($count) ->
    [one] One enrollment sealed into the outbox
   *[other] { $count } enrollments sealed into the outbox
}
stage-consent = Consent
stage-demographics = Personal data
stage-documents = Identity documents
stage-face = Face photograph
stage-right_four = Right hand, four fingers
stage-left_four = Left hand, four fingers
stage-thumbs = Both thumbs
stage-irises = Both irises
stage-review = Review with the applicant
stage-sign = Operator signs
stage-awaiting_approval = Awaiting the supervisor
stage-approved = Approved and sealed
stage-rejected = Rejected and sealed
step-chip = { $n }. { $stage }
step-done = Step { $n }, { $stage }: done
step-current = Step { $n }, { $stage }: now
step-todo = Step { $n }, { $stage }: to do
steps-child = A child under five: the face only, no fingers and no irises.
applicant-strip = Enrolling { $name } · ID number { $id }
review-field = { $label }: { $value }
field-review-name-ar = Name in Arabic
field-review-name-latin = Name in Latin letters
review-decoding = Preparing the pictures…
step-of = Step { $n } of { $total }: { $stage }
pos-right_thumb = Right thumb
pos-right_index = Right index finger
pos-right_middle = Right middle finger
pos-right_ring = Right ring finger
pos-right_little = Right little finger
pos-left_thumb = Left thumb
pos-left_index = Left index finger
pos-left_middle = Left middle finger
pos-left_ring = Left ring finger
pos-left_little = Left little finger
pos-right_iris = Right iris
pos-left_iris = Left iris
pos-face = Face
pos-exception_photo = Exception photograph
resume = Resume interrupted enrollment ({ $n }) at “{ $stage }”
undecided = { $position } was not captured well enough after three more attempts: choose
accept-best = Accept the best capture
exception-reason = Reason for the exception
exception-missing = Exception: missing
exception-amputated = Exception: amputated
exception-bandaged = Exception: bandaged
exception-unusable = Exception: unusable
reject-one = Reject enrollment { $sequence }
reject-reason = Reason for rejecting
rejected-notice = The enrollment was rejected and sealed with the reason.
slip-title = Hukumati portal enrollment receipt
slip-name = Name: { $name }
slip-id = Enrollment number: { $id }
slip-date = Enrolled on: { $date }
slip-centre = Centre { $centre }, station { $station }, sequence { $sequence }
slip-next = Keep this receipt. Your portal account opens once the central registry accepts your enrollment; you will be notified.
slip-print = Print the receipt
slip-printed = The receipt was sent to the printer.
slip-done = Done, back to the start
role-clerk = clerk
role-supervisor = supervisor
role-admin = centre administrator
sync-status = { PLURAL($count) ->
    [zero] The outbox is empty: every bundle has been sent
    [one] One bundle waits to be sent to the registry ({ $size } MB)
   *[other] { $count } bundles wait to be sent to the registry ({ $size } MB)
}
open-one = Open enrollment number { $sequence } and its samples
daily-report = Today's report
admin-open = Operators, settings and devices
instr-too-dark = Too dark: add light
instr-too-bright = Too bright or glare: soften the light
instr-hold-still = Hold still
instr-ready = Ready to capture
instr-no-face = No face in view: stand in front of the camera
instr-one-face-only = Only the applicant in front of the camera, please
instr-look-at-camera = Look straight at the camera with both eyes open
instr-move-closer = Come a little closer to the camera
instr-move-back = Step back a little from the camera
instr-move-to-centre = Move to the middle of the picture
instr-head-straight = Keep your head straight, not tilted
instr-out-of-focus = The picture is blurred: hold still
instr-remove-glare = Glare on the glasses: take them off or tilt them
instr-plain-background = Stand in front of the plain wall
instr-place-finger = Place the whole finger flat on the glass
instr-press-firmly = Press a little more firmly
instr-clean-finger = The print is smudged: wipe the finger and the glass
instr-wrong-hand = That is the other hand: place the hand shown
instr-same-finger = The same finger was placed twice: place the finger shown
instr-open-eyes = Open your eyes wide
instr-look-at-iris-camera = Look straight into the iris camera
instr-iris-closer = Come closer to the iris camera
instr-iris-further = Move back a little from the iris camera
instr-show-document = Place the whole document in view
instr-document-glare = Glare on the document: tilt it away from the light
instr-hold-document-still = The document is blurred: hold it still
instr-mrz-unreadable = The machine-readable lines cannot be read: flatten the document and try again
slip-qr = QR code of the enrollment number
review-title = Enrollment number { $sequence } by { $operator }
approve-one = Approve this enrollment
reject-this = Reject this enrollment
quality-line = { $position }: quality { $quality }
forced-line = { $position }: quality { $quality } (best capture kept)
station-quality-line = station's own score { $quality }
report-title = Report for { $date }
report-empty = No enrollment was signed today.
report-line = { $operator }: signed { $signed }, approved { $approved }, rejected { $rejected }, waiting { $awaiting }; exceptions { $exceptions }; average quality { $quality }
admin-operators = Operators
operator-line = { $user } ({ $role })
operator-line-locked = { $user } ({ $role }) — locked
lock-operator = Lock { $user }
unlock-operator = Unlock { $user }
admin-add-operator = Add an operator
admin-username = New user name
admin-password = Their first password
admin-add = Add
admin-settings = Station settings
setting-finger = Lowest finger quality (0-100)
setting-thumb = Lowest thumb quality (0-100)
setting-iris = Lowest iris quality (0-100)
setting-face = Lowest face quality (0-100)
setting-retries = Retries
setting-registry = Registry address (empty: the embedded demo registry)
admin-save = Save the settings
officials-password-login = Clerks and supervisors may log in with a password: { $state }
officials-finger-signoff = The supervisor's finger is needed to approve or reject: { $state }
setting-on = yes
setting-off = no
admin-devices = Devices
devices-status = Devices: { $ready } of { $total } ready
devices-missing = Not ready: { $list }
device-line = { $modality }: { $model } — { $kind } — serial { $serial } — { $status }
modality-fingerprint = slap scanner
modality-iris = iris camera
modality-face = face camera
modality-document = document camera
modality-login_reader = login fingerprint reader
device-kind-simulated = simulated (demo)
device-kind-sbi = certified (SBI)
device-kind-usb = USB
device-kind-camera = camera
device-kind-absent = none attached
device-status-ready = ready
device-status-busy = busy
device-status-not_ready = not ready
device-status-disconnected = unplugged
device-status-absent = missing
device-status-untrusted = refused: its signature is not trusted
operator-added = The operator was added.
fingers-enrolled = { PLURAL($count) ->
    [one] One finger impression was enrolled for { $user }.
   *[other] { $count } finger impressions were enrolled for { $user }.
}
settings-saved = The settings were saved.
applicant-title = Hukumati — applicant's screen
applicant-welcome = Welcome. The clerk will guide you step by step.
applicant-consent = Read the consent notice with the clerk
applicant-demographics = The clerk types your personal data
applicant-documents = Place your identity document under the camera
applicant-face = Look at the camera with a neutral expression
applicant-right_four = Place the four fingers of your right hand on the scanner
applicant-left_four = Place the four fingers of your left hand on the scanner
applicant-thumbs = Place both thumbs together on the scanner
applicant-irises = Look into the iris camera and keep your eyes open
applicant-review = Check your data
applicant-check = If anything is wrong, tell the clerk before confirming.
applicant-sign = The clerk signs your enrollment
applicant-thanks = Thank you. Take your receipt: it has your enrollment number.
setting-not-a-number = a number from 0 to { $max }
setting-finger-name = finger quality threshold
setting-thumb-name = thumb quality threshold
setting-iris-name = iris quality threshold
setting-face-name = face quality threshold
setting-retries-name = retries
setting-registry-https = the registry address must start with https:// (plain http only on this machine)
device-not-answering = the device does not answer: { $error }
preview-judge-stopped = the live preview's checks stopped ({ $error }); they restart with the next frame, and if this repeats tell technical support
exception-reason-missing = an exception needs a reason
setting-sync-limit = Sync upload limit in kbit/s (0: none)
setting-sync-limit-name = sync upload limit
sync-sending = Sending a batch of enrollments: { $done } of { $total }, { $sent } of { $size } MB, about { $eta } s left
sync-sending-no-eta = Sending a batch of enrollments: { $done } of { $total }, { $sent } of { $size } MB
sync-failed = The last sync failed: { $reason }. The station tries again by itself.
sync-clock-off = The station's clock is { $offset } seconds off the registry's time (the limit is { $limit }): set the date and time right; enrollment waits until then.
sync-last = Last sync with the registry: { $when }
registry-news-title = What the registry said
registry-news-line = Enrollment { $sequence }: { $what }
registry-news-line-reason = Enrollment { $sequence }: { $what } — { $reason }
registry-refused = refused by the registry — { $reason }
registry-held = waiting at the station until the registry approves operator { $name }
registry-set-aside = refused for good by the registry and set aside (kept; the others go on) — { $reason }
registry-status-received = received by the registry
registry-status-accepted = accepted by the registry
registry-status-rejected = rejected by the registry
registry-status-duplicate_identity = the registry found the applicant enrolled already
registry-status-resend = the registry asks for the enrollment again: the applicant must come back
