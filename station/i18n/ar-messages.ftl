# Refusals and errors of the station core, in Arabic (the interface texts are in ar.ftl).

# Demographics form (validate.rs)
v-the-id-number-has-9-digits = رقم الهوية يتكون من ٩ أرقام
v-the-id-number-is-not-valid = رقم الهوية غير صحيح: رقم التحقق لا يطابق
v-the-phone-number-starts-with-the = رقم الهاتف يبدأ برمز الدولة، مثل ‎+970‎
v-the-phone-number-accepts-digits-only = رقم الهاتف يقبل الأرقام فقط
v-the-phone-number-is-not-valid = رقم الهاتف غير صحيح: بعد ‎+970‎ أو ‎+972‎ تأتي ٩ أرقام، وفي الدول الأخرى من ٨ إلى ١٥ رقمًا مع رمز الدولة
v-the-email-address-is-not-valid = البريد الإلكتروني غير صحيح
v-the-governorate-is-required = المحافظة مطلوبة
v-unknown-governorate = المحافظة غير معروفة
v-the-locality-is-required = البلدة أو المدينة مطلوبة
v-a-governorate-applies-to-addresses-in = المحافظة تخص العناوين داخل فلسطين فقط
v-the-city-is-required = المدينة مطلوبة
v-the-country-is-a-twoletter-code = رمز الدولة حرفان لاتينيان، مثل PS أو JO
v-the-date-of-birth-is-yearmonthday = تاريخ الميلاد بالشكل سنة-شهر-يوم، مثل ‎1990-05-12‎
v-the-date-of-birth-is-in = تاريخ الميلاد في المستقبل
v-the-date-of-birth-is-more = تاريخ الميلاد قبل أكثر من ١٣٠ سنة
v-sex-male-or-female = الجنس: ذكر أو أنثى
v-a-child-under-5-is-enrolled = الطفل دون الخامسة يُسجَّل مع وليّ أمر: رقم هويته أو رقم تسجيله مطلوب
v-the-guardians-relation-is-required = صلة القرابة بوليّ الأمر مطلوبة
v-the-guardians-enrollment-id-is-not = رقم تسجيل وليّ الأمر غير صحيح
v-the-guardians-id-number-or-enrollment = رقم هوية وليّ الأمر أو رقم تسجيله مطلوب
v-the-guardian-cannot-be-the-applicant = وليّ الأمر لا يكون صاحب الطلب نفسه
v-name-ar-required = { $what } بالعربية مطلوب
v-name-ar-letters = { $what } بالعربية يُكتب بحروف عربية فقط
v-name-too-long = { $what } أطول من ٤٠ حرفًا
v-name-latin-required = { $what } بالأحرف اللاتينية مطلوب
v-name-latin-letters = { $what } بالأحرف اللاتينية يقبل الحروف A-Z والشرطة والفاصلة العليا فقط
v-part-first = الاسم الأول
v-part-father = اسم الأب
v-part-grandfather = اسم الجد
v-part-family = اسم العائلة

# Devices (ui/live.rs)
device-bad-frame = أرسل الجهاز صورة معاينة تالفة ({ $detail })؛ تُعرض آخر صورة سليمة
