# The station's interface in Arabic (the default). Plurals choose their form with PLURAL(),
# which takes the category from ICU4X (Arabic has six: zero, one, two, few, many, other).

app-title = محطة تسجيل حكومتي
demo-banner = وضع تجريبي — أجهزة محاكاة
login-title = تسجيل الدخول
login-username = اسم المستخدم
login-password = كلمة المرور
login-submit = دخول
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
