# The station's interface in English.

app-title = Hukumati registration station
switch-language = العربية
consent-notice-unknown = This station does not have the consent notice version { $version }: ask the administrator
demo-banner = DEMO — simulated devices
login-title = Log in
login-username = User name
login-password = Password
login-submit = Log in
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
capture = Capture
captured-line = { $position }: quality { $quality }, extra attempts { $retries }
excepted-line = { $position }: exception — { $reason }
review-summary = { $name } — ID number { $id } — born { $date }
review-confirm = The applicant confirms the data
sign = Operator signs
signed = Enrollment number { $sequence } is signed and awaits the supervisor.
queue-title = Enrollments awaiting approval
queue-line = Enrollment { $sequence } by { $operator } — exceptions { $exceptions }
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
retries-allowed = { PLURAL($count) ->
    [zero] No retries after the first attempt
    [one] One retry for each finger below the threshold
   *[other] { $count } retries for each finger below the threshold
}
slip-qr = QR code of the enrollment number
review-title = Enrollment number { $sequence } by { $operator }
approve-one = Approve this enrollment
reject-this = Reject this enrollment
quality-line = { $position }: quality { $quality }
forced-line = { $position }: quality { $quality } (best capture kept)
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
admin-devices = Devices
device-line = { $model } — serial { $serial } — { $status }
device-simulated-ready = simulated, ready
device-simulated-busy = simulated, busy
device-simulated-notready = simulated, not ready
device-simulated-disconnected = simulated, unplugged
device-device-ready = ready
device-device-busy = busy
device-device-notready = not ready
device-device-disconnected = unplugged
operator-added = The operator was added.
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
exception-reason-missing = an exception needs a reason
