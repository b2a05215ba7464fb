# The station's interface in English.

app-title = Hukumati registration station
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
