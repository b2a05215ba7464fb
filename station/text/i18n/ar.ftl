# The station's interface in Arabic (the default). Plurals choose their form with PLURAL(),
# which takes the category from ICU4X (Arabic has six: zero, one, two, few, many, other).

app-title = محطة تسجيل حكومتي
theme-dark = الوضع الداكن
theme-light = الوضع الفاتح
switch-language = English
consent-notice-unknown = لا يوجد في هذه المحطة إشعار الموافقة بالإصدار { $version }: راجع مدير المركز
demo-banner = وضع تجريبي — أجهزة محاكاة
login-title = تسجيل الدخول
login-username = اسم المستخدم
login-password = كلمة المرور
login-submit = دخول
login-finger = الدخول بالبصمة
finger-place-login = { $user }: ضع إصبعك على القارئ
finger-place-approve = لاعتماد التسجيل رقم { $n } ضع إصبعك على القارئ
finger-place-reject = لرفض التسجيل رقم { $n } ضع إصبعك على القارئ
finger-place-batch = { PLURAL($count) ->
    [one] لاعتماد تسجيل واحد ضع إصبعك على القارئ
    [two] لاعتماد تسجيلين ضع إصبعك على القارئ
    [few] لاعتماد { $count } تسجيلات ضع إصبعك على القارئ
   *[other] لاعتماد { $count } تسجيلًا ضع إصبعك على القارئ
}
finger-place-how = اضغط بإصبع مسجّلة مستويةً على الزجاج وأبقها ثابتة حتى تتغير الشاشة.
finger-cancel = إلغاء
finger-place-enrol = { $user }: ضع إصبعًا على القارئ (الطبعة { $n } من { $of })
enrol-fingers = تسجيل بصمات { $user } (المسجّل { $count })
station-status = المحطة { $station } في { $centre }
awaiting-approval = { PLURAL($count) ->
    [zero] لا توجد تسجيلات بانتظار الاعتماد
    [one] تسجيل واحد بانتظار الاعتماد
    [two] تسجيلان بانتظار الاعتماد
    [few] { $count } تسجيلات بانتظار الاعتماد
    [many] { $count } تسجيلًا بانتظار الاعتماد
   *[other] { $count } تسجيل بانتظار الاعتماد
}
fingers-left = { PLURAL($count) ->
    [zero] لم يبق أي إصبع
    [one] بقي إصبع واحد
    [two] بقي إصبعان
    [few] بقيت { $count } أصابع
    [many] بقي { $count } إصبعًا
   *[other] بقي { $count } إصبع
}
retries-left = المحاولات المتبقية: { $count }
applicant-id = رقم الهوية: { $id }
applicant-born = تاريخ الميلاد: { $date }
applicant-phone = رقم الهاتف: { $phone }
enrollment-sealed = خُتم التسجيل { $id } ووُضع في صندوق الإرسال.
welcome = أهلًا { $user } ({ $role })
today = تاريخ اليوم { $date } حسب ساعة المحطة
logout = تسجيل الخروج
new-enrollment = تسجيل جديد
back-home = العودة إلى الرئيسية
next = التالي
consent-accept = يوافق المتقدم
consent-refuse = لا يوافق
consent-refused = لم يوافق المتقدم؛ لم يُسجَّل شيء سوى الرفض.
field-name-ar-first = الاسم الأول
field-name-ar-father = اسم الأب
field-name-ar-grandfather = اسم الجد
field-name-ar-family = اسم العائلة
field-name-latin-first = الاسم الأول بالأحرف اللاتينية
field-name-latin-father = اسم الأب بالأحرف اللاتينية
field-name-latin-grandfather = اسم الجد بالأحرف اللاتينية
field-name-latin-family = اسم العائلة بالأحرف اللاتينية
field-national-id = رقم الهوية
field-date-of-birth = تاريخ الميلاد (سنة-شهر-يوم)
field-sex = الجنس
sex-male = ذكر
sex-female = أنثى
field-phone = رقم الهاتف
field-email = البريد الإلكتروني
field-country = الدولة (رمز من حرفين)
field-governorate = المحافظة
field-locality = البلدة أو المدينة
field-document-number = رقم وثيقة الهوية
field-document-expiry = تاريخ انتهاء الوثيقة
photograph-document = تصوير الوثيقة
read-document = قراءة بطاقة الهوية
prefill-complete = قُرئت بطاقة الهوية وهي توافق كل ما كُتب في النموذج
prefill-filled = { PLURAL($count) ->
    [one] مُلئت خانة واحدة من بطاقة الهوية؛ راجِعها مع المتقدم
    [two] مُلئت خانتان من بطاقة الهوية؛ راجِعهما مع المتقدم
    [few] مُلئت { $count } خانات من بطاقة الهوية؛ راجِعها مع المتقدم
    [many] مُلئت { $count } خانة من بطاقة الهوية؛ راجِعها مع المتقدم
   *[other] مُلئت { $count } خانة من بطاقة الهوية؛ راجِعها مع المتقدم
}
capturing = جارٍ الالتقاط… { $seconds } ث
capture-cancel = التوقف عن الانتظار
capture-cancelled = أُوقف الالتقاط ولم يُحفظ منه شيء. التقط من جديد عند الاستعداد.
capture = التقاط
excepted-line = { $position }: استثناء — { $reason }
review-summary = { $name } — رقم الهوية { $id } — مواليد { $date }
review-confirm = أكّد المتقدم صحة البيانات
sign = توقيع الموظف
signed = وُقّع التسجيل رقم { $sequence } وهو بانتظار اعتماد المشرف.
queue-title = تسجيلات بانتظار الاعتماد
modality-todo = لم يُلتقط بعد
modality-summary = { $captured } من { $total }، أدنى جودة { $lowest }{ $excepted ->
    [0] {""}
   *[other] ، استثناءات { $excepted }
}
quality-bar = { $position }: الجودة { $quality }، الحد { $threshold }، المحاولات المتبقية { $left }
quality-bar-caption = { $position }: { $quality } (الحد { $threshold }، بقي { $left })
quality-bar-empty = { $position } (الحد { $threshold }، محاولات { $left })
setting-invalid = { $setting }: { $problem }
applicant-portrait = صورة المتقدم
queue-col-sequence = الرقم
queue-col-time = وقت التوقيع
queue-col-clerk = الموظف
queue-col-flags = ما يستدعي الانتباه
queue-col-quality = أدنى جودة
queue-flags = { $exceptions ->
    [0] { $forced ->
        [0] —
       *[other] التقاط بعد المحاولات: { $forced }
    }
   *[other] { $forced ->
        [0] استثناءات: { $exceptions }
       *[other] استثناءات: { $exceptions }، التقاط بعد المحاولات: { $forced }
    }
}
queue-open = فتح
queue-reject = رفض
queue-keys = مفتاحا السهمين (أعلى وأسفل) للتنقل بين الصفوف، و Enter لفتح التسجيل المحدد
batch-title = { PLURAL($count) ->
    [zero] لا يوجد ما يُعتمد دفعة واحدة
    [one] سيُعتمد هذا التسجيل الواحد:
    [two] سيُعتمد هذان التسجيلان:
    [few] ستُعتمد هذه التسجيلات الـ { $count }:
    [many] سيُعتمد هذه الـ { $count } تسجيلًا:
   *[other] سيُعتمد هذه الـ { $count } تسجيل:
}
batch-line = التسجيل رقم { $sequence } من { $operator }، وُقّع الساعة { $time }
batch-flagged = تُفتح واحدًا واحدًا لأن فيها استثناءات أو التقاطًا بعد المحاولات: { $list }
batch-confirm = اعتماد ما سبق ({ $count })
batch-cancel = إلغاء
approve-key = اعتماد هذا التسجيل (F2)
reject-key = رفض هذا التسجيل (F4)
back-key = العودة إلى الرئيسية (Esc)
approve-all = اعتماد الكل
sealed-count = { PLURAL($count) ->
    [zero] لم يُختم أي تسجيل
    [one] خُتم تسجيل واحد ووُضع في صندوق الإرسال
    [two] خُتم تسجيلان ووُضعا في صندوق الإرسال
    [few] خُتمت { $count } تسجيلات ووُضعت في صندوق الإرسال
    [many] خُتم { $count } تسجيلًا ووُضعت في صندوق الإرسال
   *[other] خُتم { $count } تسجيل ووُضعت في صندوق الإرسال
}
stage-consent = الموافقة
stage-demographics = البيانات الشخصية
stage-documents = وثائق الهوية
stage-face = صورة الوجه
stage-right_four = أصابع اليد اليمنى الأربعة
stage-left_four = أصابع اليد اليسرى الأربعة
stage-thumbs = الإبهامان
stage-irises = قزحيتا العينين
stage-review = المراجعة مع المتقدم
stage-sign = توقيع الموظف
stage-awaiting_approval = بانتظار اعتماد المشرف
stage-approved = معتمد ومختوم
stage-rejected = مرفوض ومختوم
step-chip = { $n }. { $stage }
step-done = الخطوة { $n }، { $stage }: تمّت
step-current = الخطوة { $n }، { $stage }: الآن
step-todo = الخطوة { $n }، { $stage }: لم تبدأ بعد
steps-child = طفل دون الخامسة: صورة الوجه وحدها، بلا بصمات ولا قزحية.
applicant-strip = تسجيل { $name } · رقم الهوية { $id }
review-field = { $label }: { $value }
field-review-name-ar = الاسم بالعربية
field-review-name-latin = الاسم بالأحرف اللاتينية
review-decoding = جارٍ تجهيز الصور…
step-of = الخطوة { $n } من { $total }: { $stage }
pos-right_thumb = إبهام اليد اليمنى
pos-right_index = سبابة اليد اليمنى
pos-right_middle = وسطى اليد اليمنى
pos-right_ring = بنصر اليد اليمنى
pos-right_little = خنصر اليد اليمنى
pos-left_thumb = إبهام اليد اليسرى
pos-left_index = سبابة اليد اليسرى
pos-left_middle = وسطى اليد اليسرى
pos-left_ring = بنصر اليد اليسرى
pos-left_little = خنصر اليد اليسرى
pos-right_iris = قزحية العين اليمنى
pos-left_iris = قزحية العين اليسرى
pos-face = الوجه
pos-exception_photo = صورة الاستثناء
resume = متابعة تسجيل متوقف ({ $n }) عند «{ $stage }»
undecided = لم يُلتقط { $position } بجودة كافية بعد ثلاث محاولات إضافية: اختر
accept-best = قبول أفضل التقاط
exception-reason = سبب الاستثناء
exception-missing = استثناء: مفقود
exception-amputated = استثناء: مبتور
exception-bandaged = استثناء: مضمّد
exception-unusable = استثناء: غير صالح
reject-one = رفض التسجيل رقم { $sequence }
reject-reason = سبب الرفض
rejected-notice = رُفض التسجيل وخُتم مع سبب الرفض.
slip-title = إيصال التسجيل في بوابة حكومتي
slip-name = الاسم: { $name }
slip-id = رقم الطلب: { $id }
slip-date = تاريخ التسجيل: { $date }
slip-centre = المركز { $centre }، المحطة { $station }، التسلسل { $sequence }
slip-next = احتفظ بهذا الإيصال. يُفتح حسابك في البوابة بعد أن يقبل السجل المركزي تسجيلك، وتصلك رسالة بذلك.
slip-print = طباعة الإيصال
slip-printed = أُرسل الإيصال إلى الطابعة.
slip-done = تم، العودة إلى الرئيسية
role-clerk = موظف تسجيل
role-supervisor = مشرف
role-admin = مدير المركز
sync-status = { PLURAL($count) ->
    [zero] صندوق الإرسال فارغ: كل الحزم أُرسلت
    [one] حزمة واحدة بانتظار الإرسال إلى السجل المركزي ({ $size } ميغابايت)
    [two] حزمتان بانتظار الإرسال إلى السجل المركزي ({ $size } ميغابايت)
    [few] { $count } حزم بانتظار الإرسال إلى السجل المركزي ({ $size } ميغابايت)
    [many] { $count } حزمة بانتظار الإرسال إلى السجل المركزي ({ $size } ميغابايت)
   *[other] { $count } حزمة بانتظار الإرسال إلى السجل المركزي ({ $size } ميغابايت)
}
open-one = فتح التسجيل رقم { $sequence } وعيناته
daily-report = تقرير اليوم
admin-open = الموظفون والإعدادات والأجهزة
instr-too-dark = الإضاءة خافتة: زد الإضاءة
instr-too-bright = الإضاءة ساطعة أو فيها وهج: خفّفها
instr-hold-still = اثبت في مكانك
instr-ready = جاهز للالتقاط
instr-no-face = لا يظهر وجه: قف أمام الكاميرا
instr-one-face-only = يرجى أن يكون مقدّم الطلب وحده أمام الكاميرا
instr-look-at-camera = انظر إلى الكاميرا مباشرة وعيناك مفتوحتان
instr-move-closer = اقترب قليلًا من الكاميرا
instr-move-back = ابتعد قليلًا عن الكاميرا
instr-move-to-centre = تحرّك إلى وسط الصورة
instr-head-straight = اجعل رأسك مستقيمًا غير مائل
instr-out-of-focus = الصورة غير واضحة: اثبت في مكانك
instr-remove-glare = انعكاس على النظارة: انزعها أو أمِلها قليلًا
instr-plain-background = قف أمام الجدار السادة
instr-place-finger = ضع الإصبع كلّه مسطّحًا على الزجاج
instr-press-firmly = اضغط بقوة أكبر قليلًا
instr-clean-finger = البصمة ملطّخة: امسح الإصبع والزجاج
instr-wrong-hand = هذه اليد الأخرى: ضع اليد المبيّنة
instr-same-finger = وُضع الإصبع نفسه مرتين: ضع الإصبع المبيّن
instr-open-eyes = افتح عينيك جيدًا
instr-look-at-iris-camera = انظر مباشرة إلى كاميرا القزحية
instr-iris-closer = اقترب من كاميرا القزحية
instr-iris-further = ابتعد قليلًا عن كاميرا القزحية
instr-show-document = ضع الوثيقة كاملة أمام الكاميرا
instr-document-glare = انعكاس على الوثيقة: أمِلها بعيدًا عن الضوء
instr-hold-document-still = الوثيقة غير واضحة: ثبّتها
instr-mrz-unreadable = تتعذّر قراءة الأسطر المقروءة آليًا: افرد الوثيقة وأعد المحاولة
slip-qr = رمز QR لرقم الطلب
review-title = التسجيل رقم { $sequence } من { $operator }
approve-one = اعتماد هذا التسجيل
reject-this = رفض هذا التسجيل
quality-line = { $position }: الجودة { $quality }
forced-line = { $position }: الجودة { $quality } (قُبل أفضل التقاط)
station-quality-line = تقدير المحطة { $quality }
report-title = تقرير يوم { $date }
report-empty = لم يُوقَّع أي تسجيل اليوم.
report-line = { $operator }: وقّع { $signed }، اعتُمد { $approved }، رُفض { $rejected }، ينتظر { $awaiting }؛ الاستثناءات { $exceptions }؛ متوسط الجودة { $quality }
admin-operators = الموظفون
operator-line = { $user } ({ $role })
operator-line-locked = { $user } ({ $role }) — موقوف
lock-operator = إيقاف { $user }
unlock-operator = إعادة تفعيل { $user }
admin-add-operator = إضافة موظف
admin-username = اسم المستخدم الجديد
admin-password = كلمة مروره الأولى
admin-add = إضافة
admin-settings = إعدادات المحطة
setting-finger = أدنى جودة للأصابع (٠–١٠٠)
setting-thumb = أدنى جودة للإبهامين (٠–١٠٠)
setting-iris = أدنى جودة للقزحية (٠–١٠٠)
setting-face = أدنى جودة للوجه (٠–١٠٠)
setting-retries = عدد المحاولات الإضافية
setting-registry = عنوان السجل المركزي (فارغ: السجل المدمج التجريبي)
admin-save = حفظ الإعدادات
officials-password-login = يدخل موظفو التسجيل والمشرفون بكلمة المرور: { $state }
officials-finger-signoff = يلزم إصبع المشرف للاعتماد أو الرفض: { $state }
setting-on = نعم
setting-off = لا
admin-devices = الأجهزة
devices-status = الأجهزة: { $ready } من { $total } جاهزة
devices-missing = غير جاهز: { $list }
device-line = { $modality }: { $model } — { $kind } — الرقم التسلسلي { $serial } — { $status }
modality-fingerprint = ماسح البصمات العشر
modality-iris = كاميرا القزحية
modality-face = كاميرا الوجه
modality-document = كاميرا الوثائق
modality-login_reader = قارئ بصمة الدخول
device-kind-simulated = محاكاة (عرض تجريبي)
device-kind-sbi = معتمد (SBI)
device-kind-usb = USB
device-kind-camera = كاميرا
device-kind-absent = غير موصول
device-status-ready = جاهز
device-status-busy = مشغول
device-status-not_ready = غير جاهز
device-status-disconnected = مفصول
device-status-absent = مفقود
device-status-untrusted = مرفوض: توقيعه غير موثوق
operator-added = أُضيف الموظف.
fingers-enrolled = { PLURAL($count) ->
    [one] سُجّلت طبعة بصمة واحدة لـ { $user }.
    [two] سُجّلت طبعتا بصمة لـ { $user }.
    [few] سُجّلت { $count } طبعات بصمة لـ { $user }.
   *[other] سُجّلت { $count } طبعة بصمة لـ { $user }.
}
settings-saved = حُفظت الإعدادات.
applicant-title = حكومتي — شاشة المتقدم
applicant-welcome = أهلًا بك. سيرشدك الموظف خطوة بخطوة.
applicant-consent = اقرأ إشعار الموافقة مع الموظف
applicant-demographics = يُدخل الموظف بياناتك الشخصية
applicant-documents = ضع وثيقة هويتك تحت الكاميرا
applicant-face = انظر إلى الكاميرا بوجه محايد
applicant-right_four = ضع أصابع يدك اليمنى الأربعة على الماسح
applicant-left_four = ضع أصابع يدك اليسرى الأربعة على الماسح
applicant-thumbs = ضع الإبهامين معًا على الماسح
applicant-irises = انظر إلى كاميرا القزحية ولا تغمض عينيك
applicant-review = راجع بياناتك
applicant-check = إن كان في بياناتك خطأ فأخبر الموظف قبل التأكيد.
applicant-sign = يوقّع الموظف تسجيلك
applicant-thanks = شكرًا لك. خذ إيصالك، ففيه رقم طلبك.
setting-not-a-number = عدد من 0 إلى { $max }
setting-finger-name = حد جودة الأصابع
setting-thumb-name = حد جودة الإبهامين
setting-iris-name = حد جودة القزحية
setting-face-name = حد جودة الوجه
setting-retries-name = عدد المحاولات الإضافية
setting-registry-https = عنوان السجل يجب أن يبدأ بـ https://‎ (ويُقبل http على هذا الجهاز فقط)
device-not-answering = الجهاز لا يستجيب: { $error }
preview-judge-stopped = توقف فحص الصورة الحية ({ $error })؛ يُعاد تشغيله مع الصورة التالية، وإن تكرر فأبلغ الدعم الفني
exception-reason-missing = سبب الاستثناء مطلوب
setting-sync-limit = أقصى سرعة إرسال للمزامنة بالكيلوبت في الثانية (٠: بلا حد)
setting-sync-limit-name = أقصى سرعة إرسال للمزامنة
sync-sending = جارٍ إرسال دفعة من التسجيلات: { $done } من { $total }، { $sent } من { $size } ميغابايت، يتبقى نحو { PLURAL($eta) ->
    [zero] أقل من ثانية
    [one] ثانية واحدة
    [two] ثانيتين
    [few] { $eta } ثوانٍ
    [many] { $eta } ثانية
   *[other] { $eta } ثانية
}
sync-sending-no-eta = جارٍ إرسال دفعة من التسجيلات: { $done } من { $total }، { $sent } من { $size } ميغابايت
sync-failed = تعذّرت المزامنة الأخيرة: { $reason }. تعيد المحطة المحاولة من تلقاء نفسها.
sync-clock-off = ساعة المحطة بعيدة عن وقت السجل المركزي بـ { $offset } ثانية (الحد { $limit }): اضبط التاريخ والوقت؛ ينتظر التسجيل حتى ذلك.
sync-last = آخر مزامنة مع السجل المركزي: { $when }
registry-news-title = ما قاله السجل المركزي
registry-news-line = التسجيل رقم { $sequence }: { $what }
registry-news-line-reason = التسجيل رقم { $sequence }: { $what } — { $reason }
registry-refused = رفضه السجل المركزي — { $reason }
registry-held = ينتظر في المحطة حتى يوافق السجل المركزي على الموظف { $name }
registry-set-aside = رفضه السجل المركزي نهائيًا فوُضع جانبًا (محفوظ؛ ويمضي غيره) — { $reason }
registry-status-received = وصل إلى السجل المركزي
registry-status-accepted = قبله السجل المركزي
registry-status-rejected = رفضه السجل المركزي
registry-status-duplicate_identity = وجد السجل المركزي أن المتقدم مسجَّل من قبل
registry-status-resend = يطلب السجل المركزي إعادة التسجيل: على المتقدم الحضور مجددًا
