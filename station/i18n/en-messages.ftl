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
