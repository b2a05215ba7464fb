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

# نواة المحطة (core.rs, store.rs, vault.rs)
store-sql = تعذّر العمل على قاعدة بيانات المحطة: { $detail }
store-dir = لا يمكن استعمال مجلد البيانات { $path }: { $detail }
store-too-new = قاعدة بيانات المحطة من إصدار أحدث من البرنامج (المخطط { $found }، وهذا البرنامج يعرف { $known }): ثبّت الإصدار الأحدث
store-not-initialised = لم تُعدّ هذه المحطة بعد: شغّل ‎station init‎ أولًا (أو ‎station demo-seed‎ لمحطة تجريبية)
store-corrupt = قيمة محفوظة مفقودة أو تالفة: { $detail }
vault-error = تعذّر فتح الأسرار المحفوظة في المحطة: { $detail }
already-initialised = المحطة مُعدّة مسبقًا في مجلد البيانات هذا
too-many-awaiting-approval = { PLURAL($count) ->
    [one] تسجيل واحد بانتظار المشرف (الحد { $limit }): اعتمده أو ارفضه أولًا
    [two] تسجيلان بانتظار المشرف (الحد { $limit }): اعتمدهما أو ارفضهما أولًا
    [few] { $count } تسجيلات بانتظار المشرف (الحد { $limit }): اعتمدها أو ارفضها أولًا
    [many] { $count } تسجيلًا بانتظار المشرف (الحد { $limit }): اعتمدها أو ارفضها أولًا
   *[other] { $count } تسجيل بانتظار المشرف (الحد { $limit }): اعتمدها أو ارفضها أولًا
}
too-many-awaiting-sync = { PLURAL($count) ->
    [one] حزمة واحدة بانتظار الإرسال (الحد { $limit }): زامن المحطة أولًا
    [two] حزمتان بانتظار الإرسال (الحد { $limit }): زامن المحطة أولًا
    [few] { $count } حزم بانتظار الإرسال (الحد { $limit }): زامن المحطة أولًا
    [many] { $count } حزمةً بانتظار الإرسال (الحد { $limit }): زامن المحطة أولًا
   *[other] { $count } حزمة بانتظار الإرسال (الحد { $limit }): زامن المحطة أولًا
}
registry-too-long-ago = لم يُتصل بالسجل المركزي منذ { PLURAL($days) ->
    [one] يوم واحد
    [two] يومين
    [few] { $days } أيام
    [many] { $days } يومًا
   *[other] { $days } يوم
} (الحد { $limit }): اتصل وزامن أولًا
no-such-enrollment = لا يوجد تسجيل برقم { $id }
wrong-stage = التسجيل في مرحلة «{ $found }» وليس «{ $expected }»
four-eyes = لا يعتمد المشرف تسجيلًا التقطه بنفسه (مبدأ العينين الأربع)
reason-missing = الرفض يتطلب ذكر السبب
no-consent = لم يوافق المتقدم؛ لا يُسجَّل شيء سوى الرفض
not-confirmed = لم يؤكد المتقدم صحة البيانات عند المراجعة
draft-missing = الخطوة المحفوظة «{ $stage }» مفقودة أو تالفة
config-invalid = إعدادات المحطة غير صالحة: { $detail }

# الموظفون (operators.rs)
op-bad-credentials = اسم المستخدم أو كلمة المرور غير صحيحة
op-locked-out = الحساب مقفل مدة { PLURAL($minutes) ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقةً
   *[other] { $minutes } دقيقة
} بعد محاولات دخول فاشلة متكررة
op-locked-by-admin = الحساب مقفل من قبل مدير المركز
op-bad-username = اسم المستخدم من ٣ إلى ٣٢ حرفًا لاتينيًا أو رقمًا أو ‎. - _‎
op-weak-password = كلمة المرور قصيرة: { $min } أحرف على الأقل
op-exists = يوجد مستخدم باسم { $name } مسبقًا
op-unknown = لا يوجد مستخدم باسم { $name }
op-not-allowed = هذه العملية تتطلب صلاحية «{ $role }»
op-idle = أُقفلت الجلسة بعد فترة خمول؛ سجّل الدخول مجددًا
op-key-storage = تعذّر حفظ مفاتيح الموظف: { $detail }

# التسجيل بالسيناريو والالتقاط (script.rs, capture.rs)
script-invalid = ملف السيناريو غير صالح: { $detail }
clock-unreadable = ساعة المحطة لا تعطي تاريخًا صالحًا ({ $detail })؛ اضبط التاريخ والوقت ثم أعد المحاولة
demographics-refused = رُفضت البيانات الشخصية: { $reasons }
capture-failed = تعذّر الالتقاط في مرحلة «{ $stage }»: { $reason }
capture-undecided = لم يُلتقط { $position } ولم يُسجَّل له استثناء
capture-record = تعذّر إنشاء السجل البيومتري: { $detail }
capture-image = تعذّر ترميز صورة الوثيقة: { $detail }
device-disconnected = فُصل الجهاز: أعد توصيله
device-timeout = لم يلتقط الجهاز شيئًا خلال { PLURAL($seconds) ->
    [one] ثانية واحدة
    [two] ثانيتين
    [few] { $seconds } ثوانٍ
    [many] { $seconds } ثانيةً
   *[other] { $seconds } ثانية
}
device-not-ready = الجهاز غير جاهز: { $detail }
device-protocol = أجاب الجهاز بما لا يُتوقع: { $detail }
device-unsupported = لا يستطيع هذا الجهاز: { $detail }
device-untrusted-device = يفيد الجهاز بأنه غير مسجَّل أو عُبث به أو انتهت صلاحية مفتاحه؛ لا يُستخدم شيء مما يلتقطه ({ $detail })
device-untrusted-expired = إحدى شهادات الجهاز منتهية الصلاحية أو لم تبدأ صلاحيتها بعد؛ لا يُستخدم شيء مما يلتقطه ({ $detail })
device-untrusted-weak = تستخدم شهادات الجهاز مفتاحًا أو خوارزمية أضعف من أن يُوثق بها (SHA-1 أو RSA أقل من 2048 بت)؛ لا يُستخدم شيء مما يلتقطه ({ $detail })
device-untrusted-misused = إحدى شهادات الجهاز مستخدمة في غير ما تسمح به (استخدام المفتاح أو القيود أو امتداد لا تفهمه المحطة)؛ لا يُستخدم شيء مما يلتقطه ({ $detail })
device-untrusted-unknown-anchor = لا يضمن الجهازَ أيٌّ من مزوّدي الأجهزة الذين تثق بهم هذه المحطة؛ لا يُستخدم شيء مما يلتقطه ({ $detail })
device-untrusted-bad-signature = توقيع الجهاز لا يصح؛ لا يُستخدم شيء مما يلتقطه ({ $detail })
device-untrusted-wrong-env = الجهاز مسجَّل لبيئة SBI غير بيئة هذه المحطة؛ لا يُستخدم شيء مما يلتقطه ({ $detail })
device-untrusted-not-the-device = وقّع التقاطًا جهازٌ غير الجهاز الذي تعرّفت إليه المحطة؛ لا يُستخدم شيء مما يلتقطه ({ $detail })
device-untrusted-broken-chain = سلسلة التقاطات الجهاز مقطوعة؛ لا يُستخدم شيء مما يلتقطه ({ $detail })
device-untrusted-no-anchors = لم تُضبط شهادة أي مزوّد أجهزة، فلا يمكن التحقق من أي جهاز معتمد ({ $detail })
device-absent = لا يوجد جهاز موصول لهذه الخطوة: وصّله، أو اطلب من المسؤول مراجعة قائمة الأجهزة
device-detail-sbi = خدمة SBI على المنفذ { $port }، الجهاز { $id } ({ $level })، مفتاح { $signer } صادر عن { $anchor }
device-detail-camera = الكاميرا { $node }، USB { $usb }
device-detail-usb = ناقل USB رقم { $bus }، العنوان { $address }
device-detail-refused = رُفضت خدمة SBI على المنفذ { $port }: { $detail }
device-detail-simulated = محطة تجريبية: لا جهاز موصول، ويحل محله جهاز محاكاة

# إيصال الاستلام (slip.rs)
slip-qr-failed = تعذّر إنشاء رمز QR للإيصال: { $detail }
slip-pdf-failed = تعذّرت كتابة ملف PDF للإيصال: { $detail }
slip-print-failed = تعذّرت الطباعة: { $detail }

# الحزم وقرارات المشرف (messages.rs)
bundle-decrypt = تعذّر فك تشفير الحزمة: المفتاح غير صحيح أو الملف تالف ({ $detail })
bundle-encrypt = تعذّر تشفير الحزمة ({ $detail })
bundle-not-a-bundle = الملف ليس حزمة تسجيل ({ $detail })
bundle-manifest-cbor = بيان الحزمة تالف أو غير مرمّز بالشكل المحدد ({ $detail })
bundle-unsupported-schema = إصدار بيان الحزمة غير مدعوم في هذا الإصدار من البرنامج ({ $detail })
bundle-manifest = بيان الحزمة غير متسق ({ $detail })
bundle-signature = توقيع غير صالح على الحزمة ({ $detail })
bundle-untrusted-signer = الحزمة موقّعة بمفتاح غير موثوق ({ $detail })
bundle-payload = أحد محتويات الحزمة مفقود أو معدّل ({ $detail })
bundle-trailing-data = بيانات زائدة بعد نهاية الحزمة ({ $detail })
bundle-record = سجل بيومتري لا يطابق ما في البيان ({ $detail })
bundle-io = خطأ في القراءة أو الكتابة ({ $detail })
decision-malformed = قرار المشرف تالف ({ $detail })
decision-bad-signature = توقيع المشرف على القرار غير صالح
decision-wrong-bundle = القرار صادر لحزمة أخرى ({ $detail })
decision-untrusted-supervisor = القرار موقّع بمفتاح مشرف غير موثوق
input-file = لا يمكن استعمال الملف { $path }: { $detail }
sample-failed = تعذّر إعداد التسجيل النموذجي: { $detail }

# سطر الأوامر (main.rs, ops.rs)
cli-error = خطأ: { $message }
cli-no-display = لا توجد شاشة: تشغيل العرض التجريبي دون واجهة
cli-demo-mode = وضع تجريبي: محطة تجريبية في { $path } (‏clerk1 أو super1، كلمة المرور demo)
cli-demo-banner = وضع العرض التجريبي: أجهزة محاكاة، ومفتاح سجل مركزي مؤقت
cli-demo-station = محطة تجريبية { $station }
cli-no-data-dir = لا يُعرف مجلد البيانات (لم يُضبط ‎XDG_DATA_HOME‎ ولا ‎HOME‎): استعمل ‎station ui --data DIR‎ ({ $detail })
cli-wayland-egl = لا تُفتح نافذة المحطة في جلسة ‎Wayland‎ هذه: المكتبة ‎{ $library }‎ غير مثبّتة. ثبّت الحزمة ‎libwayland-egl1‎ (‎apt install libwayland-egl1‎)، أو ثبّت المحطة من حزمتها التي تجلبها معها.
cli-window = تعذّر فتح نافذة المحطة: { $detail }
cli-write-file = تعذّرت كتابة الملف: { $detail }
cli-read-file = تعذّرت قراءة الملف: { $detail }
cli-make-dir = تعذّر إنشاء المجلد: { $detail }
cli-new-key = تعذّر إنشاء مفتاح جديد: { $detail }
cli-sample = تعذّر إعداد التسجيل النموذجي: { $detail }
cli-seal = تعذّر ختم الحزمة: { $detail }
cli-sign-decision = تعذّر توقيع قرار المشرف: { $detail }
cli-keys-file = ملف المفاتيح غير صالح: { $detail }
cli-inputs = تعذّرت قراءة المدخلات: { $detail }
cli-iso-record = سجل ISO/IEC 19794 غير صالح: { $detail }
cli-verify-failed = الحزمة لم تجتز التحقق؛ لم يُصدَّر شيء ({ $detail })
cli-cbeff = تعذّر إنشاء مستند CBEFF: { $detail }
cli-read-password = تعذّرت قراءة كلمة المرور: { $detail }
cli-password-missing = كلمة مرور { $detail } مطلوبة على المدخل القياسي، في سطر واحد
cli-demo-seed-used = مجلد البيانات مستخدم: التهيئة التجريبية تعمل على مجلد جديد فقط ({ $detail })
cli-unknown-role = الدور { $detail } غير معروف: clerk أو supervisor أو admin
cli-read-script = تعذّرت قراءة ملف السيناريو: { $detail }
cli-id-or-all = حدّد رقم التسجيل أو ‎--all‎ ({ $detail })
cli-translations = تعذّر تحميل ملفات الترجمة: { $detail }
cli-write-slip = تعذّرت كتابة ملف الإيصال: { $detail }
audit-broken = سجل التدقيق معدّل أو ناقص عند القيد { $sequence } ({ $detail })
cli-onboarding-invalid = ملف الانضمام غير صالح، فلم تُعدّ المحطة: { $detail }
cli-onboarding-untrusted = ملف الانضمام صادر عن سجلّ لا تثق به هذه المحطة: بصمة مفتاحه الجذري ‎{ $fingerprint }‎ غير مدرجة في ‎{ $roots }‎. لم تُعدّ المحطة.
cli-onboarding-first-use = لا يوجد ‎{ $roots }‎، فيُعتمد المفتاح الجذري للسجل عند أول استعمال. قارن بصمته بالبصمة التي أعطاك إياها فريق العمليات: ‎{ $fingerprint }‎
cli-onboarding-key-file = مفتاح المحطة في ‎{ $path }‎: سلّم هذا الملف لفريق عمليات السجل ليُتمّ الانضمام (‎registry station import‎).
cli-set-up = أُعدّت المحطة { $station } في { $path }
cli-demo-seeded = محطة تجريبية { $station } في { $path }: ‏admin1 وclerk1 وsuper1 (كلمة المرور demo)؛ مفتاح السجل التجريبي { $key }
cli-operator-added = أُضيف الموظف { $name } بصفة «{ $role }»
cli-operator-locked = أُقفل حساب الموظف { $name }
cli-operator-unlocked = فُتح حساب الموظف { $name }
cli-sample-sealed = خُتمت الحزمة { $id } ({ $bytes } بايت، { $payloads } من المحتويات) في { $path }
station-revoked = ألغى السجل المركزي اعتماد هذه المحطة: لا يجوز لها تسجيل أحد؛ اتصل بدعم السجل المركزي

# المزامنة مع السجل المركزي (uplink)
uplink-network = تعذّر الوصول إلى السجل المركزي؛ ستعيد المحطة المحاولة ({ $detail })
uplink-refused = رفض السجل المركزي: { $reason } ({ $detail })
uplink-protocol = جواب السجل المركزي غير صالح ({ $detail })
uplink-not-configured = المزامنة غير مُعدّة: { $detail }
code-bad_request = الطلب ليس بالشكل الذي يقبله السجل المركزي
code-bad_token = لم يُقبل توقيع المحطة على الطلب: هل اعتُمدت المحطة لدى السجل المركزي بهذا المفتاح؟
code-stale_token = ساعة المحطة بعيدة عن ساعة السجل المركزي: اضبط الوقت
code-replayed_request = أُرسل طلب مرتين
code-unknown_station = لا يعرف السجل المركزي هذه المحطة: يجب اعتمادها أولًا
code-revoked_station = ألغى السجل المركزي اعتماد هذه المحطة
code-bad_ticket = لم تُقبل بطاقة الحزمة
code-sequence_reused = رقم التسجيل هذا استُعمل لحزمة أخرى
code-sequence_gap = رقم تسجيل سابق لم يصل إلى السجل المركزي بعد
code-bundle_id_reused = رقم الحزمة هذا استُعمل بمحتوى آخر
code-content_reused = هذا المحتوى أُرسل من قبل كحزمة أخرى
code-too_large = الحزمة أكبر مما يقبله السجل المركزي
code-unknown_upload = لا ينتظر السجل المركزي حزمة كهذه
code-offset_mismatch = لدى السجل المركزي جزء آخر من الحزمة
code-size_mismatch = أُرسل أكثر من حجم الحزمة
code-hash_mismatch = ما وصل ليس الحزمة نفسها (تلف في الطريق)
code-bad_bundle = الحزمة لا تُفتح أو توقيعاتها غير صحيحة
code-bad_decision = لم يُقبل قرار المشرف
code-unknown_operator = لا يعرف السجل المركزي أحد الموظفين الموقّعين
code-revoked_operator = أحد الموظفين الموقّعين أُلغي اعتماده
code-operator_key_changed = أحد الموظفين مسجَّل بمفتاح آخر
code-unknown_bundle = ليس لدى السجل المركزي حزمة كهذه
code-not_admin = يلزم رمز مدير
code-busy = لدى السجل المركزي أكبر عدد يقبله من حزم هذه المحطة المفتوحة أو الجارية؛ تُرسل لاحقًا
code-unavailable = السجل المركزي غير متاح الآن
cli-demo-registry = تعذّر إعداد السجل المركزي المدمج في المحطة التجريبية: { $detail }
cli-no-demo-registry = هذه النسخة من برنامج المحطة بُنيت دون السجل المركزي المدمج، فلا يمكنها إعداد محطة تجريبية (الخاصية { $detail })
cli-not-a-recording = الملف ليس تسجيلًا لحركة USB بصيغة ‎usbmon‎ ‏(pcapng، نوع الرابط 220): { $detail }
cli-not-a-certificate = ليست شهادة PEM: { $detail }
quality-model-missing = نموذج الجودة { $path } مفقود: ثبّت حزمة opencv-data من دبيان، أو صحّح مجلد النماذج في إعدادات المحطة (capture.quality.face.models)
quality-failed = تعذّر تقييم الصورة: { $detail }
cli-not-an-image = الملف ليس صورة ولا سجلًا حيويًا فيه صورة: { $detail }
cli-bad-slap = نوع الكفّ '{ $detail }' غير معروف: right أو left أو thumbs
cli-json = تعذّرت كتابة النتيجة بصيغة JSON: { $detail }
document-mrz-mismatch = المنطقة المقروءة آليًا في الوثيقة تخالف ما في النموذج: { $fields }. صحّح النموذج، أو تحقّق من أن الوثيقة وثيقة مقدّم الطلب.
mrz-difference = { $field }: في الوثيقة { $zone } وفي النموذج { $typed }
value-empty = (فارغ)
document-zone-unread = لم تُقرأ المنطقة المقروءة آليًا في الوثيقة: ضع وجه البطاقة الذي يحمل الأسطر الثلاثة تحت الكاميرا بلا لمعان وأعد القراءة، أو اكتب البيانات بنفسك.
prefill-differs = بطاقة الهوية تخالف ما كُتب في النموذج، وقد أُبقي ما كُتب: { $fields }. صحّح ما أخطأت كتابته.
prefill-name-cut = الاسم في المنطقة المقروءة آليًا مقطوع عند آخره، فلم يُملأ آخر أسمائه: اكتبه كما في البطاقة.
prefill-doubt = قارن الحرف { $place } من «{ $field }» بما في البطاقة: لا يميّز القارئ هناك بين { $read } و{ $other }، ولا يكشف رقمُ التحقق الفرق بينهما.
capture-same-finger = يبدو { $second } هو { $first } نفسه موضوعًا مرة أخرى: ضع الإصبع المبيّن على الشاشة وأعد الالتقاط
cli-outbox-count = في صندوق الإرسال { PLURAL($count) ->
    [zero] لا حزم مختومة
    [one] حزمة مختومة واحدة
    [two] حزمتان مختومتان
    [few] { $count } حزم مختومة
    [many] { $count } حزمةً مختومةً
   *[other] { $count } حزمة مختومة
}، تنتظر الإرسال منها { $waiting }
cli-outbox-entry = رقم { $sequence }: { $id }، { $verdict }، خُتمت { $sealed } بالتوقيت العالمي، { $state }
cli-outbox-waiting = تنتظر الإرسال ({ $size } ميغابايت)
cli-outbox-synced = استلمها السجل المركزي { $time } بالتوقيت العالمي
op-revoked-by-registry = ألغى السجل المركزي اعتماد الموظف { $name }: لا يعيده إلا السجل المركزي، لا المركز
clock-went-back = تشير الساعة إلى وقت أسبق بـ { $minutes } دقيقة من آخر عملية سجّلتها المحطة: اضبط التاريخ والوقت قبل التسجيل
clock-off = ساعة المحطة بعيدة عن وقت السجل المركزي بـ { $offset } ثانية (الحد { $limit }): اضبط التاريخ والوقت قبل التسجيل
simulation-on-production = هذه محطة إنتاج: لا يُسجَّل فيها إلا بالأجهزة الموصولة؛ التسجيل المبرمج والأجهزة المحاكاة لمحطات التدريب والعرض فقط
stale-master-data = بيانات السجل المعروضة إصدارها { $got }، أقدم من الإصدار { $have } الموجود هنا: رُفضت ولم يتغير شيء
code-operator_not_approved = أحد الموظفين الموقّعين ينتظر موافقة السجل المركزي؛ تبقى الحزمة في المحطة
code-simulated_capture = عيّنة لم يلتقطها جهاز حقيقي (محاكاة أو تسجيل مُعاد أو بلا جهاز مسمّى)؛ يجب أن تأتي حزم محطة الإنتاج من أجهزة حقيقية
code-wrong_centre = تذكر الحزمة مركزًا غير الذي اعتُمدت فيه المحطة
code-bad_record = سجلّ حيوي في الحزمة لا يجتاز فحوص ISO/IEC 19794
code-not_production = الحزمة من محطة تدريب أو عرض ولا يمكن أن تكون هوية
cli-unknown-mode = نوع محطة غير معروف { $detail }: production أو training أو demo
cli-outbox-set-aside = رفضها السجل المركزي نهائيًا فوُضعت جانبًا { $time } بالتوقيت العالمي: { $reason } ({ $detail })؛ يخرجها الأمر `station outbox export` لموظفي السجل
cli-outbox-held = تنتظر موافقة السجل المركزي على الموظف { $name }
removable-media = لم تُستعمل وسيلة التخزين المنقولة كما هي، إذ قد يكون كتبها أي أحد: { $detail }
uplink-address = لا يجوز لهذه المحطة استعمال عنوان السجل المركزي هذا: { $detail }
capture-thread = تعذّر بدء الالتقاط ({ $detail })؛ افتح التسجيل من جديد من الشاشة الرئيسية
capture-lost = توقف الالتقاط دون جواب؛ افتح التسجيل من جديد من الشاشة الرئيسية

# بصمات الموظفين (fingers.rs و station_quality::matching)
op-finger-no-match = البصمة لا تطابق بصمات هذا المستخدم المسجّلة
op-no-fingers = لا بصمة مسجّلة لـ { $name } في هذه المحطة: ادخل بكلمة المرور، أو اطلب من مدير المركز تسجيل البصمات
op-password-once-first = على { $name } الدخول مرة واحدة بكلمة المرور قبل الدخول بالبصمة
finger-too-few-minutiae = تفاصيل البصمة غير كافية ({ $found } نقطة والمطلوب { $needed }): نظّف الزجاج والإصبع واضغط بالإصبع مستويًا ثم أعد المحاولة
finger-template-image = لا يمكن استعمال صورة البصمة: { $detail }
finger-template-bad = قالب بصمة محفوظ تالف: { $detail }
finger-enrolment = لم تُسجَّل البصمات: { $detail }
finger-required = تتطلب هذه المحطة بصمة المشرف للاعتماد أو الرفض
password-login-forbidden = في هذه المحطة يدخل موظفو التسجيل والمشرفون بالبصمة فقط
applicant-is-official = { $finger } لمقدّم الطلب تطابق البصمة المسجّلة للموظف { $official }: لا يسجّل الموظف نفسه. ارفض التسجيل وأبلغ عنه
cli-fingers-enrolled = سُجّلت { $count } طبعة بصمة لـ { $name } (المجموع { $total })
cli-finger-match = البصمة تطابق { $name } (الدرجة { $score }، الحد { $threshold })
cli-finger-no-match = البصمة لا تطابق { $name } (الدرجة { $score }، الحد { $threshold })
cli-ppi = يجب أن تكون الدقة بين ٢٥٠ و١٠٠٠ نقطة في البوصة، لا { $detail }
pos-unknown = الإصبع
cli-not-a-finger = هذه ليست صورة بصمة: { $detail }
login-finger-who = اكتب اسم المستخدم أولًا ثم ادخل بالبصمة
finger-no-reader = لا قارئ بصمات موصولًا بهذه المحطة: استعمل كلمة المرور
