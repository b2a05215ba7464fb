//! The kiosk, driven through egui_kittest: found by accessible labels, clicked, typed into, and
//! rendered to snapshot images (wgpu on Mesa's software Vulkan) compared with the committed ones
//! in `station/tests/snapshots/`. `UPDATE_SNAPSHOTS=1` rewrites them; look at them.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use station_core::operators::Role as OperatorRole;
use station_core::station::{InitParams, Mode, Station};
use station_core::workflow::Stage;
use station_kiosk::{App, Model, Screen};
use station_text::i18n::{Lang, Translations};

use crate::common::*;

const T0: i64 = 1_795_000_000_000;
/// The enrollment id the slip snapshots show.
const FIXED_ID: &str = "019a9a3e-6c00-7000-8000-000000000001";

fn app(name: &str) -> (TempDir, App) {
    let dir = tempdir(name);
    let data = dir.join("data");
    // A fixed registry key and clock keep every pixel of the snapshots the same from run to run.
    let recipient = "age1ztzdq7cadsc6av8w4kl7hc9z72vl2hpshj756zkspsg0l5u5n49qj3cmmy";
    Station::init(
        &data,
        &InitParams {
            station_id: "DEMO-ST-0001",
            centre: "DEMO-CENTRE",
            registry_recipient: recipient,
            admin: "admin1",
            admin_password: "demo",
            mode: Mode::Demo,
        },
        T0,
    )
    .unwrap();
    let mut station = Station::open(&data).unwrap();
    let admin = station.login("admin1", "demo", T0).unwrap();
    station.add_operator(&admin, "clerk1", OperatorRole::Clerk, "demo", T0).unwrap();
    // The face camera's auto-capture off, so a test's clicks decide each step.
    let mut config = station.config.clone();
    config.capture.quality.auto_capture_frames = 0;
    station.set_config(&admin, config, T0).unwrap();
    let model = Model::new(station, Box::new(|| T0));
    (dir, App::new(model, Translations::load().unwrap()))
}

fn harness(app: App) -> Harness<'static, App> {
    harness_sized(app, 640.0)
}

fn harness_sized(app: App, height: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(900.0, height))
        .with_context_setup(App::setup)
        .wgpu()
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

fn log_in(
    h: &mut Harness<'_, App>,
    user_label: &str,
    pw_label: &str,
    button: &str,
    user: &str,
    password: &str,
) {
    h.get_by_role_and_label(Role::TextInput, user_label).click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, user_label).type_text(user);
    h.run();
    h.get_by_role_and_label(Role::PasswordInput, pw_label).click();
    h.run();
    h.get_by_role_and_label(Role::PasswordInput, pw_label).type_text(password);
    h.run();
    h.get_by_role_and_label(Role::Button, button).click();
    h.run();
}

#[test]
fn login_home_and_language_switch_in_arabic_and_english() {
    let (_dir, app) = app("ui-login");
    let mut h = harness(app);
    h.run();
    // Arabic by default: the title, the DEMO banner, the station line with its values isolated.
    h.get_by_label("محطة تسجيل حكومتي");
    h.get_by_label_contains("DEMO-ST-0001");
    h.get_by_label("لا توجد تسجيلات بانتظار الاعتماد");
    h.snapshot("login_ar");

    // A wrong password is refused, in Arabic.
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "clerk1", "wrong");
    assert_eq!(h.state().model.screen, Screen::Login);
    h.get_by_label_contains("كلمة المرور غير صحيحة");
    assert!(h.state().model.password.is_empty(), "the password is cleared after an attempt");

    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "", "demo");
    assert_eq!(h.state().model.screen, Screen::Home);
    h.get_by_label_contains("أهلًا clerk1");
    h.get_by_label("تاريخ اليوم 2026-11-18 حسب ساعة المحطة");
    h.snapshot("home_ar");

    h.get_by_role_and_label(Role::Button, "English").click();
    h.run();
    assert_eq!(h.state().model.lang, Lang::En);
    h.get_by_label("Welcome, clerk1 (clerk)");
    h.get_by_label("0 enrollments await approval");
    h.snapshot("home_en");

    h.get_by_role_and_label(Role::Button, "Log out").click();
    h.run();
    assert_eq!(h.state().model.screen, Screen::Login);
    h.get_by_label("User name");
    h.snapshot("login_en");
}

/// The whole demographics form typed in Arabic (no card read).
fn fill_arabic_form(h: &mut Harness<'_, App>) {
    fill_what_the_card_does_not_give(h);
    type_all(
        h,
        &[
            ("الاسم الأول بالأحرف اللاتينية", "Salma"),
            ("اسم الأب بالأحرف اللاتينية", "Yousef"),
            ("اسم العائلة بالأحرف اللاتينية", "Al-Khatib"),
            ("تاريخ الميلاد (سنة-شهر-يوم)", "١٩٩٠-٠٥-١٢"),
        ],
    );
}

/// After the simulated ID card (Salma's) was read: the Arabic names, the third Latin name the
/// card's zone cut, the ID number (in Eastern Arabic digits), phone and address.
fn fill_what_the_card_does_not_give(h: &mut Harness<'_, App>) {
    type_all(
        h,
        &[
            ("الاسم الأول", "سلمى"),
            ("اسم الأب", "يوسف"),
            ("اسم الجد", "محمود"),
            ("اسم العائلة", "الخطيب"),
            ("اسم الجد بالأحرف اللاتينية", "Mahmoud"),
            ("رقم الهوية", "٤٠١٢٣٤٥٦٢"),
            ("رقم الهاتف", "+970 599 123 456"),
            ("المحافظة", "رام الله والبيرة"),
            ("البلدة أو المدينة", "البيرة"),
        ],
    );
}

/// clerk1 logs in, starts an enrollment and records consent: the demographics form is next.
fn clerk_starts_an_enrollment(h: &mut Harness<'_, App>) {
    log_in(h, "اسم المستخدم", "كلمة المرور", "دخول", "clerk1", "demo");
    click(h, "تسجيل جديد");
    click(h, "يوافق المتقدم");
}

/// clerk1 logs in, starts an enrollment, records consent, fills the form in Arabic and
/// photographs the document: the face step is next.
fn clerk_to_the_face_step(h: &mut Harness<'_, App>) {
    clerk_starts_an_enrollment(h);
    fill_arabic_form(h);
    click(h, "أنثى");
    click(h, "التالي");
    click(h, "تصوير الوثيقة");
}

fn click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).click();
    h.run();
}

/// Types each value into the text field with its label, in order.
fn type_all(h: &mut Harness<'_, App>, fields: &[(&str, &str)]) {
    for (label, value) in fields {
        type_into(h, label, value);
    }
}

fn type_into(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, label).type_text(text);
    h.run();
}

/// A clerk enrolls a simulated person through every step in the kiosk, typing Eastern Arabic
/// digits; a different operator, the supervisor, approves; the sealed bundle is in the outbox.
#[test]
fn enroll_through_every_step_then_supervisor_approves() {
    let (_dir, mut app) = app("ui-enroll");
    {
        let admin = app.model.services.station.login("admin1", "demo", T0).unwrap();
        app.model
            .services
            .station
            .add_operator(&admin, "super1", OperatorRole::Supervisor, "demo", T0)
            .unwrap();
    }
    // Tall enough for the whole demographics form.
    let mut h = harness_sized(app, 2600.0);
    h.run();
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "clerk1", "demo");
    click(&mut h, "تسجيل جديد");
    h.get_by_label("الخطوة 1 من 10: الموافقة");
    h.get_by_label_contains("بصمات أصابعك العشر");
    click(&mut h, "يوافق المتقدم");
    h.get_by_label("الخطوة 2 من 10: البيانات الشخصية");

    // An empty form: each field's refusal is shown, in Arabic.
    click(&mut h, "التالي");
    h.get_by_label("الاسم الأول بالعربية مطلوب");
    assert!(h.query_by_label_contains("رقم الهوية").is_some());
    // The birth date typed first, in Eastern Arabic digits; then the ID card read: its zone
    // fills the empty fields it states and agrees with the typed date.
    type_into(&mut h, "تاريخ الميلاد (سنة-شهر-يوم)", "١٩٩٠-٠٥-١٢");
    click(&mut h, "قراءة بطاقة الهوية");
    let f = &h.state().model.form;
    assert_eq!(
        f.name_latin,
        ["Salma".to_string(), "Yousef".into(), String::new(), "Al Khatib".into()],
        "the zone's cut third name is left to the clerk"
    );
    assert_eq!(
        (f.sex.as_str(), f.document_number.as_str(), f.document_expiry.as_str()),
        ("female", "401234562", "2031-03-01")
    );
    h.get_by_label("مُلئت 6 خانات من بطاقة الهوية؛ راجِعها مع المتقدم");
    h.get_by_label_contains("مقطوع عند آخره");
    fill_what_the_card_does_not_give(&mut h);
    // Eastern Arabic digits are taken, and shown as the digits the ID card prints (egui would
    // draw a run of Eastern digits reversed).
    assert_eq!(h.state().model.form.national_id, "401234562");
    assert_eq!(h.state().model.form.date_of_birth, "1990-05-12");
    h.snapshot("enroll_demographics_ar");
    click(&mut h, "التالي");
    assert!(h.state().model.field_errors.is_empty(), "{:?}", h.state().model.field_errors);
    h.get_by_label("الخطوة 3 من 10: وثائق الهوية");
    click(&mut h, "تصوير الوثيقة");
    // The face camera's live preview, judged: a well-lit still face is ready; the frame and the
    // ICAO head guide are drawn over it.
    h.get_by_label("الخطوة 4 من 10: صورة الوجه");
    h.get_by_label("جاهز للالتقاط");
    let seq = h.state().model.live.as_ref().unwrap().frame.sequence;
    h.run();
    assert!(
        h.state().model.live.as_ref().unwrap().frame.sequence > seq,
        "the preview advances frame by frame"
    );
    assert_eq!(h.state().model.live.as_ref().unwrap().frame.image.width, 1280);
    h.snapshot("enroll_face_ar");
    click(&mut h, "التقاط");
    click(&mut h, "التقاط"); // right four
    // The hand diagram: the right hand's four fingers captured with their quality, the left
    // hand's outlined as the current step.
    assert_eq!(h.state().model.marks.len(), 5, "the face and four fingers");
    h.snapshot("enroll_fingers_ar");
    for n in 6..=8 {
        h.get_by_label_contains(&format!("الخطوة {n} من 10"));
        click(&mut h, "التقاط");
    }
    h.get_by_label("الخطوة 9 من 10: المراجعة مع المتقدم");
    // Every field as it will be sealed (the ID number and the date left to right inside Arabic),
    // and every sample with its picture and its quality.
    h.get_by_label("الاسم بالعربية: سلمى يوسف محمود الخطيب");
    h.get_by_label("رقم الهوية: 401234562");
    h.get_by_label("تاريخ الميلاد (سنة-شهر-يوم): 1990-05-12");
    assert_eq!(h.query_all_by_label_contains("قزحية العين اليمنى: الجودة").count(), 1);
    let samples = h.state().model.review_samples.as_ref().expect("decoded for the review");
    assert_eq!(samples.len(), 13, "face, ten fingers, two irises");
    assert!(samples.iter().all(|s| s.image.is_some()), "every record decodes");
    h.snapshot("enroll_review_ar");
    click(&mut h, "أكّد المتقدم صحة البيانات");
    click(&mut h, "توقيع الموظف");
    // The acknowledgement slip, from the signed manifest, with its QR code.
    h.get_by_label("وُقّع التسجيل رقم 1 وهو بانتظار اعتماد المشرف.");
    h.get_by_label("الاسم: سلمى يوسف محمود الخطيب");
    h.get_by_label("تاريخ التسجيل: 2026-11-18");
    h.get_by_label("رمز QR لرقم الطلب");
    let id = h.state().model.slip.as_ref().unwrap().enrollment_id.clone();
    h.get_by_label(&format!("رقم الطلب: {id}"));
    // Enrollment ids are UUIDv7 (random bits): the snapshot shows a fixed one so that its pixels
    // (and its QR code) are the same on every run.
    h.state_mut().model.slip.as_mut().unwrap().enrollment_id = FIXED_ID.into();
    h.run();
    h.snapshot("slip_ar");
    click(&mut h, "تم، العودة إلى الرئيسية");
    click(&mut h, "تسجيل الخروج");

    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "super1", "demo");
    // The queue's table: one row, by clerk1, with nothing flagged.
    h.get_by_label("clerk1");
    h.get_by_label("—");
    h.snapshot("supervisor_queue_ar");
    // The supervisor opens it: every sample decoded from the signed records, with its quality.
    click(&mut h, "فتح التسجيل رقم 1 وعيناته");
    h.get_by_label("التسجيل رقم 1 من clerk1");
    assert_eq!(
        h.state()
            .model
            .review
            .as_ref()
            .unwrap()
            .samples
            .iter()
            .filter(|s| s.image.is_some())
            .count(),
        13
    );
    h.get_by_label_contains("سبابة اليد اليمنى: الجودة");
    // The simulated scanner scored the fingers; the station's own scores are shown beside.
    assert_eq!(
        h.state()
            .model
            .review
            .as_ref()
            .unwrap()
            .samples
            .iter()
            .filter(|s| s.station_quality.is_some())
            .count(),
        12,
        "ten fingers and two irises"
    );
    assert_eq!(h.get_all_by_label_contains("تقدير المحطة").count(), 12);
    h.snapshot("supervisor_review_ar");
    click(&mut h, "اعتماد هذا التسجيل");
    h.get_by_label("خُتم تسجيل واحد ووُضع في صندوق الإرسال");
    let outbox = h.state().model.services.station.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].verdict, "approve");
    // The outbox shows on the start screen, waiting for sync.
    h.get_by_label_contains("حزمة واحدة بانتظار الإرسال إلى السجل المركزي");
    h.snapshot("supervisor_sealed_ar");
    // The day's report: one enrollment by clerk1, approved.
    click(&mut h, "تقرير اليوم");
    h.get_by_label_contains("clerk1: وقّع 1، اعتُمد 1، رُفض 0، ينتظر 0؛ الاستثناءات 0؛ متوسط الجودة");
    h.snapshot("report_ar");
    click(&mut h, "English");
    h.get_by_label_contains(
        "clerk1: signed 1, approved 1, rejected 0, waiting 0; exceptions 0; average quality",
    );
    h.snapshot("report_en");
}

/// In English: an enrollment interrupted after the demographics (the kiosk closed, as in a power
/// cut) is found again after a restart and resumed at its next step, with its data.
#[test]
fn interrupted_enrollment_is_resumed_after_a_restart_in_english() {
    let (dir, mut app) = app("ui-resume");
    // The second simulated person: Khaled's ID card is on the document camera.
    app.model.next_seed = 2;
    let mut h = harness_sized(app, 2600.0);
    h.run();
    click(&mut h, "English");
    log_in(&mut h, "User name", "Password", "Log in", "clerk1", "demo");
    click(&mut h, "New enrollment");
    h.get_by_label("Step 1 of 10: Consent");
    h.get_by_label_contains("ten fingerprints");
    click(&mut h, "The applicant agrees");
    type_all(
        &mut h,
        &[
            ("First name (Arabic)", "خالد"),
            ("Father's name (Arabic)", "عمر"),
            ("Grandfather's name (Arabic)", "حسن"),
            ("Family name (Arabic)", "النجار"),
            ("First name (Latin letters)", "Khaled"),
            ("Father's name (Latin letters)", "Omar"),
            ("Grandfather's name (Latin letters)", "Hasan"),
            ("Family name (Latin letters)", "Al-Najjar"),
            ("ID number", "852314475"),
            ("Date of birth (year-month-day)", "1978-11-02"),
            ("Phone", "+962 79 123 4567"),
            ("Country (two-letter code)", ""),
            ("Locality or city", "Amman"),
        ],
    );
    // Abroad: the country field starts as PS; make it JO.
    h.state_mut().model.form.country = "JO".into();
    click(&mut h, "Male");
    // Everything the card states was typed already and agrees with it; only the document's
    // number and expiry are left to fill.
    click(&mut h, "Read the ID card");
    h.get_by_label("2 fields were filled from the ID card; check them with the applicant");
    assert_eq!(
        (
            h.state().model.form.document_number.as_str(),
            h.state().model.form.document_expiry.as_str()
        ),
        ("852314475", "2029-09-15")
    );
    assert!(h.state().model.refusal.is_empty());
    click(&mut h, "Next");
    h.get_by_label("Step 3 of 10: Identity documents");
    drop(h); // the kiosk goes away mid-enrollment

    let mut station = Station::open(&dir.join("data")).unwrap();
    // This station keeps the face camera's auto-capture (five good frames).
    let admin = station.login("admin1", "demo", T0).unwrap();
    let mut config = station.config.clone();
    config.capture.quality.auto_capture_frames = 5;
    station.set_config(&admin, config, T0).unwrap();
    let mut model = Model::new(station, Box::new(|| T0));
    model.lang = Lang::En;
    model.next_seed = 2;
    let mut h = harness_sized(App::new(model, Translations::load().unwrap()), 2600.0);
    h.run();
    log_in(&mut h, "User name", "Password", "Log in", "clerk1", "demo");
    click(&mut h, "Resume interrupted enrollment (1) at “Identity documents”");
    h.get_by_label("Step 3 of 10: Identity documents");
    click(&mut h, "Photograph the document");
    // This station keeps the default auto-capture: once the face has been good for five
    // consecutive preview frames the camera captures without a click.
    for _ in 0..30 {
        if h.query_by_label_contains("Step 5 of 10").is_some() {
            break;
        }
        h.run();
    }
    h.get_by_label_contains("Step 5 of 10");
    for n in 5..=8 {
        h.get_by_label_contains(&format!("Step {n} of 10"));
        click(&mut h, "Capture");
    }
    h.get_by_label("ID number: 852314475");
    h.get_by_label("Date of birth (year-month-day): 1978-11-02");
    h.snapshot("enroll_review_en");
    click(&mut h, "The applicant confirms the data");
    click(&mut h, "Operator signs");
    h.get_by_label("Enrollment number 1 is signed and awaits the supervisor.");
    h.get_by_label("Name: Khaled Omar Hasan Al-Najjar");
    h.state_mut().model.slip.as_mut().unwrap().enrollment_id = FIXED_ID.into();
    h.run();
    h.snapshot("slip_en");
    click(&mut h, "Done, back to the start");
    assert!(h.state().model.in_progress.is_empty());
}

/// The ID card read after the clerk mistyped two fields: the typed values are kept and the
/// clerk is told, in Arabic, what the card says of each (numbers kept in their order).
#[test]
fn reading_the_id_card_flags_what_was_mistyped() {
    let (_dir, app) = app("ui-prefill");
    let mut h = harness_sized(app, 2600.0);
    h.run();
    clerk_starts_an_enrollment(&mut h);
    type_into(&mut h, "اسم العائلة بالأحرف اللاتينية", "Al-Katib");
    type_into(&mut h, "تاريخ الميلاد (سنة-شهر-يوم)", "١٩٩١-٠٥-١٢");
    click(&mut h, "قراءة بطاقة الهوية");
    let f = &h.state().model.form;
    assert_eq!(
        (f.name_latin[3].as_str(), f.date_of_birth.as_str(), f.name_latin[0].as_str()),
        ("Al-Katib", "1991-05-12", "Salma")
    );
    let plain = |t: &str| t.replace(['\u{2066}', '\u{2068}', '\u{2069}'], "");
    let told = |lang| h.state().model.refusal_text(lang).expect("the differences are told");
    let (ar, en) = (plain(&told(Lang::Ar)), plain(&told(Lang::En)));
    assert!(
        ar.contains("اسم العائلة بالأحرف اللاتينية: في الوثيقة Al Khatib وفي النموذج Al-Katib"),
        "{ar}"
    );
    assert!(
        en.contains(
            "Date of birth (year-month-day): 1990-05-12 on the document, 1991-05-12 on the form"
        ),
        "{en}"
    );
    h.get_by_label("مُلئت 5 خانات من بطاقة الهوية؛ راجِعها مع المتقدم");
    h.snapshot("prefill_differs_ar");
    // With the birth date left wrong, the document step refuses: the card's birth date is
    // guarded by a check digit, so this is a typing slip, not a misread.
    fill_what_the_card_does_not_give(&mut h);
    click(&mut h, "التالي");
    assert!(h.state().model.field_errors.is_empty(), "{:?}", h.state().model.field_errors);
    click(&mut h, "تصوير الوثيقة");
    h.get_by_label("الخطوة 3 من 10: وثائق الهوية");
    let ar = plain(&h.state().model.refusal_text(Lang::Ar).expect("the document step is refused"));
    assert!(
        ar.contains("تاريخ الميلاد (سنة-شهر-يوم): في الوثيقة 1990-05-12 وفي النموذج 1991-05-12"),
        "{ar}"
    );
    assert!(!ar.contains("Al Khatib"), "only the guarded fields stop the step: {ar}");
}

/// As the kiosk runs it: a preview frame is drawn at once, and the face checks' verdict comes
/// from their own thread at a later refresh; it becomes "ready", and the verdict shown is never
/// of a frame newer than the one drawn.
#[test]
fn the_kiosk_preview_draws_frames_without_waiting_for_their_verdict() {
    let (_dir, mut app) = app("ui-judge");
    app.model.services.wait_for_verdict = false;
    let mut h = harness_sized(app, 2600.0);
    h.run();
    clerk_to_the_face_step(&mut h);
    let start = std::time::Instant::now();
    loop {
        h.run();
        if let Some(l) = &h.state().model.live {
            assert!(
                l.judged <= l.frame.sequence,
                "verdict of frame {} over frame {}",
                l.judged,
                l.frame.sequence
            );
            if l.verdict.instruction == station_quality::Instruction::Ready {
                break;
            }
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "no verdict came from the judging thread"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.get_by_label("جاهز للالتقاط");
    // The capture itself is judged in full, as ever.
    click(&mut h, "التقاط");
    h.get_by_label_contains("الخطوة 5 من 10");
}

/// A second enrollment reaching the step where the first was left gets verdicts of its own
/// frames: nothing of the first one's camera carries over to the judging thread.
#[test]
fn a_second_enrollment_at_the_same_step_is_judged_afresh() {
    let (_dir, app) = app("ui-judge-again");
    let mut h = harness_sized(app, 2600.0);
    h.run();
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "clerk1", "demo");
    let to_documents = |h: &mut Harness<'_, App>| {
        click(h, "تسجيل جديد");
        click(h, "يوافق المتقدم");
        fill_arabic_form(h);
        click(h, "أنثى");
        click(h, "التالي");
        h.get_by_label("الخطوة 3 من 10: وثائق الهوية");
    };
    to_documents(&mut h);
    for _ in 0..5 {
        h.run();
    }
    let first = h
        .state()
        .model
        .live
        .as_ref()
        .map(|l| l.frame.sequence)
        .expect("the document camera's preview");
    click(&mut h, "العودة إلى الرئيسية");
    to_documents(&mut h);
    let l = h.state().model.live.as_ref().expect("the new camera's preview");
    assert!(
        l.frame.sequence < first,
        "the new enrollment's camera counts from the start: {} after {first}",
        l.frame.sequence
    );
    assert_eq!(l.judged, l.frame.sequence, "the verdict shown is of the frame shown");
}

/// A models folder without OpenCV's models: the face preview says so in both languages and the
/// face camera does not capture by itself; with the folder put right the checks run again and
/// the ready face is captured without a click.
#[test]
fn missing_face_models_are_told_and_stop_auto_capture() {
    let (dir, mut app) = app("ui-models");
    let empty = dir.join("no-models");
    std::fs::create_dir_all(&empty).unwrap();
    let admin = app.model.services.station.login("admin1", "demo", T0).unwrap();
    let mut config = app.model.services.station.config.clone();
    config.capture.quality.auto_capture_frames = 3;
    config.capture.quality.face.models = Some(empty.clone());
    app.model.services.station.set_config(&admin, config.clone(), T0).unwrap();
    let mut h = harness_sized(app, 2600.0);
    h.run();
    clerk_to_the_face_step(&mut h);
    for _ in 0..8 {
        h.run();
    }
    assert_eq!(
        h.state().model.enrolling.as_ref().map(|e| e.stage),
        Some(Stage::Face),
        "no capture without the face checks"
    );
    let (ar, en) = (
        h.state().model.refusal_text(Lang::Ar).expect("the clerk is told"),
        h.state().model.refusal_text(Lang::En).expect("the clerk is told"),
    );
    let missing = empty.join("quality").display().to_string();
    assert!(
        ar.contains("مفقود") && ar.contains(&missing) && ar.contains("capture.quality.face.models"),
        "{ar}"
    );
    assert!(en.contains("is missing") && en.contains(&missing), "{en}");
    assert!(
        h.state().model.live.as_ref().is_some_and(|l| l.verdict.problem.is_some() && l.steady == 0)
    );

    // The administrator puts the folder right (here: back to Debian's).
    config.capture.quality.face.models = None;
    let admin = h.state_mut().model.services.station.login("admin1", "demo", T0).unwrap();
    h.state_mut().model.services.station.set_config(&admin, config, T0).unwrap();
    for _ in 0..8 {
        h.run();
    }
    assert_eq!(
        h.state().model.enrolling.as_ref().map(|e| e.stage),
        Some(Stage::RightFour),
        "the ready face was captured by itself: {:?}",
        h.state().model.refusal
    );
}

/// A finger that is not there: after the retries the clerk records an amputation with a reason;
/// the exception and an exception photograph are in the signed enrollment.
#[test]
fn a_missing_finger_is_recorded_as_an_exception() {
    use drivers::device::Finger;
    use drivers::simdev::{Fault, Target};
    let (_dir, app) = app("ui-exception");
    let mut h = harness_sized(app, 2600.0);
    h.run();
    clerk_to_the_face_step(&mut h);
    click(&mut h, "التقاط"); // face
    click(&mut h, "التقاط"); // right four
    h.state().model.faults().unwrap().always(Target::Finger(Finger::LeftRing), Fault::Absent);
    click(&mut h, "التقاط"); // left four: the ring finger never shows
    h.get_by_label_contains("لم يُلتقط بنصر اليد اليسرى");
    // No reason typed: refused.
    click(&mut h, "استثناء: مبتور");
    h.get_by_label("سبب الاستثناء مطلوب");
    type_into(&mut h, "سبب الاستثناء", "بُتر عام 2003");
    click(&mut h, "استثناء: مبتور");
    h.get_by_label("بنصر اليد اليسرى: استثناء — بُتر عام 2003");
    // The modality list gains the exception photo, taken at once.
    h.get_by_label("صورة الاستثناء");
    assert!(
        h.state()
            .model
            .marks
            .iter()
            .any(|(p, _)| *p == schemas::manifest::Position::ExceptionPhoto)
    );
    h.snapshot("enroll_exception_ar");
    click(&mut h, "التقاط"); // thumbs
    click(&mut h, "التقاط"); // irises
    click(&mut h, "أكّد المتقدم صحة البيانات");
    click(&mut h, "توقيع الموظف");
    let station = &mut h.state_mut().model.services.station;
    let admin = station.login("admin1", "demo", T0).unwrap();
    station.add_operator(&admin, "super9", OperatorRole::Supervisor, "demo", T0).unwrap();
    let sup = station.login("super9", "demo", T0).unwrap();
    let pending = station.pending(&sup).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].exceptions, 1);
}

/// The supervisor rejects with a reason (refused without one); an idle session locks itself.
#[test]
fn supervisor_rejects_with_a_reason_and_idle_sessions_lock() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};
    let (dir, app) = app("ui-reject");
    drop(app);
    let clock = Arc::new(AtomicI64::new(T0));
    let mut station = Station::open(&dir.join("data")).unwrap();
    {
        let admin = station.login("admin1", "demo", T0).unwrap();
        station.add_operator(&admin, "super1", OperatorRole::Supervisor, "demo", T0).unwrap();
        let clerk = station.login("clerk1", "demo", T0).unwrap();
        let (sc, hash) = station_core::script::Script::parse(
            &std::fs::read_to_string(script("child-under-5")).unwrap(),
        )
        .unwrap();
        station_core::script::run(&mut station, &clerk, &sc, &hash, &|| T0).unwrap();
    }
    let c = clock.clone();
    let model = Model::new(station, Box::new(move || c.load(Ordering::SeqCst)));
    let mut h = harness_sized(App::new(model, Translations::load().unwrap()), 1000.0);
    h.run();
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "super1", "demo");
    h.get_by_label("clerk1");
    click(&mut h, "رفض التسجيل رقم 1");
    h.get_by_label("الرفض يتطلب ذكر السبب");
    type_into(&mut h, "سبب الرفض", "وليّ الأمر لم يحضر");
    click(&mut h, "رفض التسجيل رقم 1");
    h.get_by_label("رُفض التسجيل وخُتم مع سبب الرفض.");
    let outbox = h.state().model.services.station.outbox().unwrap();
    assert_eq!(outbox[0].verdict, "reject");
    // Sixteen minutes without a touch: the next action finds the session locked, and is not done.
    clock.fetch_add(16 * 60_000, Ordering::SeqCst);
    click(&mut h, "English");
    assert_eq!(h.state().model.screen, Screen::Login);
    assert!(h.state().model.session.is_none());
    assert_eq!(h.state().model.lang, Lang::Ar);
    h.get_by_label("أُقفلت الجلسة بعد فترة خمول؛ سجّل الدخول مجددًا");
    // The kiosk window closes only under an administrator.
    assert!(!h.state().model.may_close());
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "admin1", "demo");
    assert!(h.state().model.may_close());
}

/// The supervisor's queue is a table in risk order worked by keyboard (the arrows move, Enter
/// opens, F2 approves), and the end-of-day batch says what one press approves: the enrollments
/// nothing flags, while the one with an exception is left to be opened.
#[test]
fn the_queue_is_worked_by_keyboard_and_the_batch_says_what_it_approves() {
    let (dir, app) = app("ui-queue");
    drop(app);
    let mut station = Station::open(&dir.join("data")).unwrap();
    {
        let admin = station.login("admin1", "demo", T0).unwrap();
        station.add_operator(&admin, "super1", OperatorRole::Supervisor, "demo", T0).unwrap();
        let clerk = station.login("clerk1", "demo", T0).unwrap();
        for name in ["adult", "adult-missing-finger", "child-under-5"] {
            let (sc, hash) = station_core::script::Script::parse(
                &std::fs::read_to_string(script(name)).unwrap(),
            )
            .unwrap();
            station_core::script::run(&mut station, &clerk, &sc, &hash, &|| T0).unwrap();
        }
    }
    let model = Model::new(station, Box::new(|| T0));
    let mut h = harness_at(App::new(model, Translations::load().unwrap()), 1366.0, 768.0);
    h.run();
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "super1", "demo");
    let pending = h.state().model.pending.clone();
    assert_eq!(pending.len(), 3);
    // Risk order: the enrollment with the exception first, flagged in its row.
    assert!(pending[0].exceptions > 0, "{pending:?}");
    h.get_by_label_contains("استثناءات: ");
    h.get_by_label("مفتاحا السهمين (أعلى وأسفل) للتنقل بين الصفوف، و Enter لفتح التسجيل المحدد");
    h.snapshot("supervisor_queue_table_ar");

    // Down once, Enter: the second row opens side by side; F2 approves it.
    h.key_press(egui::Key::ArrowDown);
    h.run();
    assert_eq!(h.state().model.queue_selected, 1);
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().model.screen, Screen::Review);
    assert_eq!(h.state().model.review.as_ref().unwrap().id, pending[1].id);
    h.snapshot("supervisor_review_side_by_side_ar");
    h.key_press(egui::Key::F2);
    h.run();
    h.get_by_label("خُتم تسجيل واحد ووُضع في صندوق الإرسال");
    assert_eq!(h.state().model.services.station.outbox().unwrap().len(), 1);

    // The batch: what it would approve, line by line, and the flagged one left out.
    let left: Vec<_> = h.state().model.pending.clone();
    assert_eq!(left.len(), 2);
    let clean: Vec<_> = left.iter().filter(|p| p.exceptions == 0 && p.forced == 0).collect();
    let flagged: Vec<_> = left.iter().filter(|p| p.exceptions > 0 || p.forced > 0).collect();
    assert_eq!((clean.len(), flagged.len()), (1, 1), "{left:?}");
    click(&mut h, "اعتماد الكل");
    h.get_by_label("سيُعتمد هذا التسجيل الواحد:");
    h.get_by_label(&format!("التسجيل رقم {} من clerk1، وُقّع الساعة 11:06", clean[0].sequence));
    h.get_by_label_contains(&format!("أو التقاطًا بعد المحاولات: {}", flagged[0].sequence));
    h.snapshot("supervisor_batch_ar");
    // Cancelled: nothing approved.
    click(&mut h, "إلغاء");
    assert_eq!(h.state().model.services.station.outbox().unwrap().len(), 1);
    click(&mut h, "اعتماد الكل");
    click(&mut h, "اعتماد ما سبق (1)");
    let outbox = h.state().model.services.station.outbox().unwrap();
    assert_eq!(outbox.len(), 2);
    let still: Vec<_> = h.state().model.pending.iter().map(|p| p.id.clone()).collect();
    assert_eq!(still, vec![flagged[0].id.clone()], "the flagged enrollment waits to be opened");
    click(&mut h, "English");
    click(&mut h, "Approve all");
    h.get_by_label("Nothing can be approved in one batch");
    h.snapshot("supervisor_batch_en");
}

/// The administrator adds an operator, locks one, and changes the thresholds (typed in Eastern
/// Arabic digits; nonsense refused and nothing saved); the devices are listed as simulated.
#[test]
fn administrator_manages_operators_settings_and_sees_devices() {
    let (dir, app) = app("ui-admin");
    let mut h = harness_sized(app, 2200.0);
    h.run();
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "admin1", "demo");
    click(&mut h, "الموظفون والإعدادات والأجهزة");
    h.get_by_label("clerk1 (موظف تسجيل)");
    h.get_by_label_contains("كاميرا الوجه: ");
    h.get_by_label_contains("محاكاة (عرض تجريبي) — الرقم التسلسلي SIM-CAM-FACE — جاهز");
    type_into(&mut h, "اسم المستخدم الجديد", "super2");
    h.get_by_role_and_label(Role::PasswordInput, "كلمة مروره الأولى").click();
    h.run();
    h.get_by_role_and_label(Role::PasswordInput, "كلمة مروره الأولى").type_text("a-long-pass");
    h.run();
    click(&mut h, "مشرف");
    click(&mut h, "إضافة");
    h.get_by_label("أُضيف الموظف.");
    h.get_by_label("super2 (مشرف)");
    assert!(h.state().model.admin.password.is_empty());
    click(&mut h, "إيقاف clerk1");
    h.get_by_label("clerk1 (موظف تسجيل) — موقوف");

    // A threshold that is not a number: refused, nothing saved.
    h.state_mut().model.admin.finger = "خمسون".into();
    click(&mut h, "حفظ الإعدادات");
    h.get_by_label_contains("حد جودة الأصابع: عدد من 0 إلى 100");
    assert_eq!(h.state().model.services.station.config.capture.finger_threshold, 40);
    h.state_mut().model.admin.finger.clear();
    type_into(&mut h, "أدنى جودة للأصابع (٠–١٠٠)", "٥٥");
    click(&mut h, "حفظ الإعدادات");
    h.get_by_label("حُفظت الإعدادات.");
    h.snapshot("admin_ar");
    drop(h);
    // Saved in the station: a restart reads it back; the locked clerk cannot log in.
    let mut station = Station::open(&dir.join("data")).unwrap();
    assert_eq!(station.config.capture.finger_threshold, 55);
    assert!(station.login("clerk1", "demo", T0).is_err());
    assert!(station.login("super2", "a-long-pass", T0).is_ok());
}

/// The applicant's window follows the capture in its own language (English here while the clerk
/// works in Arabic), with the live preview and one plain instruction.
#[test]
fn applicant_screen_mirrors_the_capture_in_its_own_language() {
    let (_dir, app) = app("ui-applicant");
    let mut h = harness_sized(app, 2600.0);
    h.run();
    clerk_to_the_face_step(&mut h);
    h.get_by_label("الخطوة 4 من 10: صورة الوجه");
    // Hand the same app to a harness that draws the applicant's window.
    let app = std::mem::replace(
        h.state_mut(),
        App::new(
            Model::new(Station::open(&_dir.join("data")).unwrap(), Box::new(|| T0)),
            Translations::load().unwrap(),
        ),
    );
    drop(h);
    let mut a = Harness::builder()
        .with_size(egui::vec2(900.0, 700.0))
        .with_context_setup(App::setup)
        .wgpu()
        .build_ui_state(|ui, app: &mut App| app.draw_applicant(ui), app);
    a.run();
    a.get_by_label("انظر إلى الكاميرا بوجه محايد");
    click(&mut a, "English");
    a.get_by_label("Look at the camera with a neutral expression");
    a.get_by_label("Ready to capture");
    assert_eq!(a.state().model.lang, Lang::Ar, "the clerk's language is unchanged");
    a.snapshot("applicant_face_en");
}

/// The kiosk syncs in the background with a demo station's embedded registry while an operator
/// is logged in; the supervisor sees the registry's later decision on the home screen.
#[test]
fn the_kiosk_syncs_in_the_background_and_the_supervisor_hears_from_the_registry() {
    let d = demo_station("ui-sync");
    let data = d.join("data");
    assert!(
        station_in(
            &[
                "enroll",
                "--data",
                p(&data),
                "--script",
                p(&script("child-under-5")),
                "--operator",
                "clerk1"
            ],
            "demo\n"
        )
        .status
        .success()
    );
    assert!(
        station_in(&["approve", "--all", "--data", p(&data), "--operator", "super1"], "demo\n")
            .status
            .success()
    );
    // This station's clock stays at T0 while the registry's runs: an offset that grows each
    // day. The allowed offset is set beyond it (ten years), so that the screens stay the same
    // from one day to the next; the warning is shown below with an offset set by hand.
    let mut station = Station::open(&data).unwrap();
    let admin = station.login("admin1", "demo", T0).unwrap();
    let mut config = station.config.clone();
    config.max_clock_offset_s = 315_360_000;
    station.set_config(&admin, config, T0).unwrap();
    let mut model = Model::new(station, Box::new(|| T0));
    model.services.sync_enabled = true;
    // Cycles when asked (a sealed bundle, or `wake`), so that what is shown stays still.
    model.services.sync_interval = std::time::Duration::from_secs(3600);
    model.services.sync_clock = std::sync::Arc::new(|| T0);
    model.services.embedded_registry = Some(std::sync::Arc::new(|cfg: &std::path::Path| {
        registry::Embedded::start(cfg)
            .map(|e| (e.url.clone(), Box::new(e) as Box<dyn std::any::Any + Send>))
            .map_err(|e| e.to_string())
    }));
    let mut h = harness(App::new(model, Translations::load().unwrap()));
    h.run();
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "super1", "demo");
    let wait = |h: &mut Harness<'_, App>, what: &str, done: &dyn Fn(&App) -> bool| {
        for _ in 0..300 {
            h.run();
            if done(h.state()) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!(
            "{what} did not happen in 30 s: {:?}",
            h.state().model.services.sync.as_ref().map(station_uplink::Worker::progress)
        );
    };
    wait(&mut h, "the first sync", &|a| {
        a.model.outbox.0 == 0
            && a.model
                .services
                .sync
                .as_ref()
                .is_some_and(|w| w.progress().last_success_at.is_some())
    });
    h.get_by_label_contains("صندوق الإرسال فارغ");
    h.get_by_label("آخر مزامنة مع السجل المركزي: 2026-11-18 11:06 UTC");

    // The registry's operators reject the enrollment; the next cycle brings the news.
    let bundle = h.state().model.services.station.outbox().unwrap()[0].bundle_id.clone();
    let cfg = registry::config::Config::load(&station_uplink::embedded_config(&data)).unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let i = registry::open(&cfg, registry::intake::system_clock()).await.unwrap();
        let status = sync::api::NewStatus {
            status: sync::status::BundleStatus::Rejected,
            reason: Some("الصورة لا تطابق الوثيقة".into()),
        };
        registry::with_intake!(&i, |x| x.set_status(&bundle, status).await.unwrap());
    });
    h.state().model.services.sync.as_ref().unwrap().wake();
    wait(&mut h, "the registry's news", &|a| !a.model.registry_news.is_empty());
    h.get_by_label("التسجيل رقم 1: رفضه السجل المركزي — الصورة لا تطابق الوثيقة");
    h.snapshot("home_supervisor_registry_ar");
    h.get_by_role_and_label(Role::Button, "English").click();
    h.run();
    h.get_by_label("Enrollment 1: rejected by the registry — الصورة لا تطابق الوثيقة");
    h.get_by_label("Last sync with the registry: 2026-11-18 11:06 UTC");
    h.snapshot("home_supervisor_registry_en");

    // A batch on its way, as the worker reports it: counts, megabytes and seconds read right
    // inside the Arabic sentence, and the bar shows the share sent.
    {
        let w = h.state().model.services.sync.as_ref().unwrap();
        let mut p = w.progress.lock().unwrap();
        p.phase = station_uplink::Phase::Uploading;
        (p.batch_done, p.batch_bundles, p.bytes_sent, p.batch_bytes, p.eta_s) =
            (3, 10, 1_234_567, 4_500_000, Some(40));
    }
    h.get_by_role_and_label(Role::Button, "العربية").click();
    h.run();
    h.get_by_label("جارٍ إرسال دفعة من التسجيلات: 3 من 10، 1.2 من 4.5 ميغابايت، يتبقى نحو 40 ثانية");
    assert_eq!(
        h.query_all_by_role(Role::ProgressIndicator).count(),
        2,
        "the outbox's bar and the batch's"
    );
    h.snapshot("home_supervisor_sending_ar");

    // A sync that found the clock further off than allowed: the screen says so, in both
    // languages.
    {
        let w = h.state().model.services.sync.as_ref().unwrap();
        let mut p = w.progress.lock().unwrap();
        p.phase = station_uplink::Phase::Idle;
        p.clock_offset_ms = Some(-400_000_000_000);
    }
    h.run();
    h.get_by_label("ساعة المحطة بعيدة عن وقت السجل المركزي بـ 400000000 ثانية (الحد 315360000): اضبط التاريخ والوقت؛ ينتظر التسجيل حتى ذلك.");
    h.snapshot("home_clock_off_ar");
    h.get_by_role_and_label(Role::Button, "English").click();
    h.run();
    h.get_by_label("The station's clock is 400000000 seconds off the registry's time (the limit is 315360000): set the date and time right; enrollment waits until then.");
    h.snapshot("home_clock_off_en");
    if let Some(w) = h.state_mut().model.services.sync.take() {
        w.stop();
    }
}

/// Devices attached through the watcher's list: the administrator sees each with its backend and
/// who signed it, the start screen counts those ready, and they go when the service goes.
#[test]
fn attached_devices_are_listed_live() {
    use station_core::devices::{Attached, DeviceSettings, discover};
    // Port 4600, the top of the range, which no other test takes: the snapshot shows the port.
    let (Some(mock), Some(anchor)) =
        (fixtures::mock_sbi::MockSbi::start_in(4600..=4600), fixtures::mock_sbi::root_ca())
    else {
        return;
    };
    let cfg = DeviceSettings {
        sbi_ports: [mock.port, mock.port],
        sbi_trust_anchors: vec![std::fs::read_to_string(anchor).unwrap()],
        usb_readers: false,
        // The mock's devices are registered for Staging.
        sbi_env: "Staging".into(),
        ..DeviceSettings::default()
    };
    let attached = std::sync::Arc::new(std::sync::Mutex::new(Attached::default()));
    attached.lock().unwrap().apply(discover(&cfg), &cfg);
    let (_dir, mut app) = app("ui-devices");
    app.model.services.devices = Some(attached.clone());
    let mut h = harness_sized(app, 2400.0);
    h.run();
    // Three certified devices and the demo station's simulated document camera.
    h.get_by_label("الأجهزة: 4 من 4 جاهزة");
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "admin1", "demo");
    click(&mut h, "الموظفون والإعدادات والأجهزة");
    h.get_by_label_contains(
        "ماسح البصمات العشر: MOSIP SLAP01 — معتمد (SBI) — الرقم التسلسلي 1234567890 — جاهز",
    );
    h.get_by_label_contains("مفتاح mosipfingerslap صادر عن RootCA");
    h.snapshot("admin_devices_ar");
    // The service stops; the next look finds no iris camera, and the list says so at once.
    drop(mock);
    attached.lock().unwrap().apply(discover(&cfg), &cfg);
    h.run();
    h.get_by_label_contains("كاميرا القزحية: Hukumati simulated — محاكاة (عرض تجريبي)");
}

/// A bundle the registry refused for good is set aside: the supervisor reads which, and why, in
/// both languages, on the home screen.
#[test]
fn the_supervisor_reads_why_a_bundle_was_set_aside() {
    use station_uplink::SyncState;
    let d = demo_station("ui-set-aside");
    let data = d.join("data");
    // Two children: a script names its enrollment (running it again resumes it), so the second
    // is the same script with another seed.
    let second = d.join("child-2.json");
    let text = std::fs::read_to_string(script("child-under-5")).unwrap();
    std::fs::write(&second, text.replacen("\"seed\": 303", "\"seed\": 304", 1)).unwrap();
    for file in [script("child-under-5"), second] {
        let enroll = ["enroll", "--data", p(&data), "--script", p(&file), "--operator", "clerk1"];
        assert!(station_in(&enroll, "demo\n").status.success());
    }
    assert!(
        station_in(&["approve", "--all", "--data", p(&data), "--operator", "super1"], "demo\n")
            .status
            .success()
    );
    // The first bundle's decision statement replaced by the second's: never acceptable.
    let mut station = Station::open(&data).unwrap();
    station
        .store
        .conn
        .execute(
            "UPDATE outbox SET decision = (SELECT decision FROM outbox WHERE sequence = 2) WHERE sequence = 1",
            [],
        )
        .unwrap();
    let reg = registry::Embedded::start(&station_uplink::embedded_config(&data)).unwrap();
    let session = station.login("super1", "demo", T0).unwrap();
    let id = station.sync_identity(&session).unwrap();
    let root = station.registry_root_key().unwrap().unwrap();
    let now = || station_uplink::system_ms();
    let c =
        station_uplink::Client::new(&reg.url, id, root, None, std::sync::Arc::new(now)).unwrap();
    let r = station_uplink::cycle(
        &mut station,
        &c,
        &station_uplink::SharedProgress::default(),
        &std::sync::atomic::AtomicBool::new(false),
        &now,
    )
    .unwrap();
    assert_eq!((r.set_aside.len(), r.receipted.len()), (1, 1), "{r:?}");
    drop(station);

    let mut h = harness(App::new(
        Model::new(Station::open(&data).unwrap(), Box::new(|| T0)),
        Translations::load().unwrap(),
    ));
    h.run();
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "super1", "demo");
    h.get_by_label(
        "التسجيل رقم 1: رفضه السجل المركزي نهائيًا فوُضع جانبًا (محفوظ؛ ويمضي غيره) — لم يُقبل قرار المشرف",
    );
    h.snapshot("home_supervisor_set_aside_ar");
    h.get_by_role_and_label(Role::Button, "English").click();
    h.run();
    h.get_by_label("Enrollment 1: refused for good by the registry and set aside (kept; the others go on) — the supervisor's decision was not accepted");
    h.snapshot("home_supervisor_set_aside_en");
}

/// A kiosk at a counter's landscape screen, `w` by `h`.
fn harness_at(app: App, w: f32, h: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(w, h))
        .with_context_setup(App::setup)
        .wgpu()
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

/// The bottom edge of the widget with this role and label, plus the panel's margin below it: a
/// widget fits when this is within the window.
fn bottom(h: &Harness<'_, App>, role: Role, label: &str) -> f32 {
    h.get_by_role_and_label(role, label).rect().max.y + 8.0
}

/// On the landscape screens of real counters (1366×768 laptops, 1920×1080 monitors), in Arabic
/// and English, the demographics form and a slap's capture step fit without scrolling: their
/// last button is inside the window. The step bar shows every step, the current one told.
#[test]
fn the_counter_screens_fit_landscape_displays() {
    let mut snapshots = egui_kittest::SnapshotResults::new();
    for (w, ht) in [(1366.0, 768.0), (1920.0, 1080.0)] {
        for english in [false, true] {
            let (_dir, app) = app(&format!("ui-counter-{w}-{english}"));
            let mut h = harness_at(app, w, ht);
            h.run();
            clerk_starts_an_enrollment(&mut h);
            fill_arabic_form(&mut h);
            click(&mut h, "أنثى");
            // Tab goes through the fields in the card's order.
            h.get_by_role_and_label(Role::TextInput, "الاسم الأول").click();
            h.run();
            h.key_press(egui::Key::Tab);
            h.run();
            assert!(h.get_by_role_and_label(Role::TextInput, "اسم الأب").is_focused());
            let (next, home, lang) = if english {
                click(&mut h, "English");
                ("Next", "Back to the start", "en")
            } else {
                ("التالي", "العودة إلى الرئيسية", "ar")
            };
            let spoken = if english {
                "Step 2, Personal data: now"
            } else {
                "الخطوة 2، البيانات الشخصية: الآن"
            };
            h.get_by_label(spoken);
            h.snapshot(format!("counter_demographics_{w}_{lang}"));
            for button in [next, home] {
                assert!(
                    bottom(&h, Role::Button, button) <= ht,
                    "{w}×{ht} {lang}: the form scrolls"
                );
            }
            if english {
                // Enter in a field goes on, as "Next" does.
                h.get_by_role_and_label(Role::TextInput, "Locality or city").click();
                h.run();
                h.key_press(egui::Key::Enter);
                h.run();
            } else {
                click(&mut h, next);
            }
            assert!(h.state().model.field_errors.is_empty(), "{:?}", h.state().model.field_errors);
            assert_eq!(h.state().model.enrolling.as_ref().unwrap().stage, Stage::Documents);
            click(&mut h, if english { "Photograph the document" } else { "تصوير الوثيقة" });
            // One key captures: the space bar takes the face.
            h.key_press(egui::Key::Space);
            h.run();
            h.get_by_label(if english {
                "Step 5, Right hand, four fingers: now"
            } else {
                "الخطوة 5، أصابع اليد اليمنى الأربعة: الآن"
            });
            h.get_by_label(if english {
                "Step 4, Face photograph: done"
            } else {
                "الخطوة 4، صورة الوجه: تمّت"
            });
            // The applicant stays in view: name and ID number.
            h.get_by_label_contains("401234562");
            // The modality list: the face captured with its score, the slaps still to do; a bar
            // for each finger of this step with its threshold and attempts.
            h.get_by_label_contains(if english {
                "1 of 1, lowest quality"
            } else {
                "1 من 1، أدنى جودة"
            });
            assert_eq!(
                h.query_all_by_label(if english {
                    "Not captured yet"
                } else {
                    "لم يُلتقط بعد"
                })
                .count(),
                4
            );
            h.get_by_label(if english {
                "Right index finger: quality -, threshold 40, attempts left 4"
            } else {
                "سبابة اليد اليمنى: الجودة -، الحد 40، المحاولات المتبقية 4"
            });
            h.snapshot(format!("counter_right_four_{w}_{lang}"));
            assert!(bottom(&h, Role::Button, home) <= ht, "{w}×{ht} {lang}: the step scrolls");
            if english && w > 1900.0 {
                click(&mut h, "Dark theme");
                h.get_by_role_and_label(Role::Button, "Light theme");
                h.snapshot("counter_right_four_1920_en_dark");
            }
            snapshots.extend_harness(&mut h);
        }
    }
    snapshots.unwrap();
}

/// As in the real window, every capture runs on its thread and each step's samples are decoded
/// on threads of their own while the screen keeps drawing: the review shows all thirteen, not
/// only those of the last step.
#[test]
fn every_sample_decoded_in_the_background_reaches_the_review() {
    use std::time::{Duration, Instant};
    let (_dir, app) = app("ui-background-review");
    let mut h = harness_at(app, 1366.0, 768.0);
    h.run();
    clerk_to_the_face_step(&mut h);
    h.state_mut().model.services.captures_in_background = true;
    let stage = |h: &Harness<'_, App>| h.state().model.enrolling.as_ref().map(|e| e.stage);
    while stage(&h) != Some(Stage::Review) {
        let before = stage(&h);
        h.state_mut().model.apply(station_kiosk::Action::Advance);
        let started = Instant::now();
        while stage(&h) == before {
            assert!(started.elapsed() < Duration::from_secs(60), "stuck at {before:?}");
            h.step();
        }
    }
    let started = Instant::now();
    while h.state().model.decoding() {
        assert!(started.elapsed() < Duration::from_secs(60), "still decoding");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.step();
    assert_eq!(h.state().model.review_samples.as_ref().map(Vec::len), Some(13));
    assert_eq!(
        h.query_all_by_label_contains("تقدير المحطة").count(),
        12,
        "ten fingers, two irises"
    );
    h.get_by_role_and_label(Role::Button, "أكّد المتقدم صحة البيانات");
}

/// A face camera that takes five seconds to capture: the screen keeps drawing meanwhile (each
/// frame quick, the seconds counted, a button to stop waiting). Stopping drops what the capture
/// brings back and keeps the step; the next capture completes it.
#[test]
fn a_capture_of_five_seconds_never_freezes_the_screen() {
    use drivers::simdev::{Fault, Target};
    use std::time::{Duration, Instant};
    let (_dir, app) = app("ui-slow-capture");
    let mut h = harness_at(app, 1366.0, 768.0);
    h.run();
    clerk_to_the_face_step(&mut h);
    assert_eq!(h.state().model.enrolling.as_ref().unwrap().stage, Stage::Face);
    h.state().model.faults().unwrap().queue(Target::Face, &[Fault::Slow, Fault::Slow]);
    h.state_mut().model.services.captures_in_background = true;

    // Frames drawn while the camera works: the time each takes, and how many in two seconds.
    let draw_for = |h: &mut Harness<'_, App>, how_long: Duration| {
        let (started, mut frames, mut slowest) = (Instant::now(), 0u32, Duration::ZERO);
        while started.elapsed() < how_long {
            let t = Instant::now();
            h.step();
            slowest = slowest.max(t.elapsed());
            frames += 1;
            std::thread::sleep(Duration::from_millis(20));
        }
        (frames, slowest)
    };
    h.get_by_role_and_label(Role::Button, "التقاط").click();
    let (frames, slowest) = draw_for(&mut h, Duration::from_secs(2));
    assert!(h.state().model.services.capturing.is_some(), "the capture still runs");
    h.get_by_label_contains("جارٍ الالتقاط");
    assert!(
        frames >= 20 && slowest < Duration::from_millis(500),
        "{frames} frames, slowest {slowest:?}"
    );
    eprintln!("a 5 s capture: {frames} frames drawn in its first 2 s, the slowest {slowest:?}");

    // Stop waiting: nothing is kept when the camera answers, the step stays.
    h.get_by_role_and_label(Role::Button, "التوقف عن الانتظار").click();
    let started = Instant::now();
    while h.state().model.services.capturing.is_some()
        && started.elapsed() < Duration::from_secs(20)
    {
        draw_for(&mut h, Duration::from_millis(200));
    }
    h.run();
    assert_eq!(h.state().model.enrolling.as_ref().unwrap().stage, Stage::Face);
    h.get_by_label_contains("أُوقف الالتقاط");

    // Captured again, and waited for: the face is kept and the fingers are next.
    h.get_by_role_and_label(Role::Button, "التقاط").click();
    h.step();
    assert!(h.state().model.services.capturing.is_some());
    let started = Instant::now();
    while h.state().model.services.capturing.is_some()
        && started.elapsed() < Duration::from_secs(20)
    {
        draw_for(&mut h, Duration::from_millis(200));
    }
    h.run();
    assert_eq!(h.state().model.enrolling.as_ref().unwrap().stage, Stage::RightFour);
}

/// The kiosk's model driven through its actions alone, with no screen: what it holds is typed
/// (a notice is a message id with its arguments, a capture step's lines name their positions),
/// not strings the view parses back.
#[test]
fn the_model_answers_actions_without_a_screen() {
    use station_kiosk::{Action, Recorded};
    use station_text::messages::Message;
    let (_dir, mut app) = app("ui-model");
    let m = &mut app.model;
    m.username = "clerk1".into();
    m.password = "demo".into();
    m.apply(station_kiosk::Action::LogIn);
    m.apply(Action::NewEnrollment);
    m.apply(Action::Consent(true));
    let f = &mut m.form;
    f.name_ar = ["سلمى", "يوسف", "محمود", "الخطيب"].map(String::from);
    f.name_latin = ["Salma", "Yousef", "Mahmoud", "Al-Khatib"].map(String::from);
    f.national_id = "401234562".into();
    f.date_of_birth = "1990-05-12".into();
    f.sex = "female".into();
    f.locality = "Al-Bireh".into();
    f.governorate = "رام الله والبيرة".into();
    f.document_expiry = "2031-03-01".into();
    m.apply(Action::Advance);
    m.apply(Action::Advance);
    m.apply(Action::Advance);
    let e = m.enrolling.as_ref().unwrap();
    assert_eq!(e.stage, Stage::RightFour, "{:?}", m.refusal);
    assert!(
        matches!(&e.last[..], [Recorded::Captured { quality: Some(q), retries: 0, .. }] if *q > 0),
        "{:?}",
        e.last
    );
    while m.enrolling.is_some() {
        let before = m.enrolling.as_ref().map(|e| e.stage);
        m.apply(Action::Advance);
        assert_ne!(m.enrolling.as_ref().map(|e| e.stage), before, "{:?}", m.refusal);
    }
    assert_eq!(m.screen, Screen::Slip);
    let notice = m.notice.clone().expect("a notice");
    assert_eq!(notice, Message::new("signed").number("sequence", 1));
    assert!(notice.text(Lang::En).contains('1'), "{}", notice.text(Lang::En));
}

/// A finger record of MOSIP's registration profile, as an image.
fn mosip_finger(name: &str) -> Option<drivers::raster::Image> {
    let dir = fixtures::mosip_registration_dir().filter(|d| d.is_dir())?;
    let r = schemas::iso19794::Record::parse(&fixtures::read(&dir.join(name))).unwrap();
    Some(drivers::raster::Image::from(r.decode_images().unwrap().remove(0)))
}

/// Puts `finger` on the test's glass and draws until the kiosk has taken it.
fn touch(
    h: &mut Harness<'_, App>,
    glass: &std::sync::mpsc::Sender<drivers::raster::Image>,
    finger: &drivers::raster::Image,
) {
    // Taken: the job is over, or (an enrolment) it has one impression more and reads again.
    let before = h.state().model.admin.impressions.len();
    let taken = |h: &Harness<'_, App>| {
        h.state().model.services.finger_job.is_none()
            || h.state().model.admin.impressions.len() != before
    };
    glass.send(finger.clone()).unwrap();
    for _ in 0..500 {
        h.step();
        if taken(h) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(taken(h), "the finger was never taken");
    if h.state().model.services.finger_job.is_none() {
        h.run();
    } else {
        h.run_steps(3);
    }
}

/// Officials log in by user name and finger, and a station that asks for the supervisor's
/// finger at sign-off gets it: the prompts in Arabic and English, someone else's finger refused,
/// the right one let in or sealing the enrollment.
#[test]
fn officials_log_in_and_sign_off_by_finger() {
    let (Some(clerk_a), Some(clerk_b), Some(sup_a), Some(sup_b)) = (
        mosip_finger("0001Right_Index.iso"),
        mosip_finger("0001Right_Middle.iso"),
        mosip_finger("0001Left_Thumb.iso"),
        mosip_finger("0001Left_Index.iso"),
    ) else {
        eprintln!("skipped: ../shared/fixtures (MOSIP's registration records) is absent");
        return;
    };
    let fi = |image| station_core::fingers::FingerImage { image, ppi: 500, position: 0 };
    let (dir, app) = app("ui-finger");
    drop(app);
    let mut station = Station::open(&dir.join("data")).unwrap();
    {
        let admin = station.login("admin1", "demo", T0).unwrap();
        station.add_operator(&admin, "super1", OperatorRole::Supervisor, "demo", T0).unwrap();
        station.enrol_fingers(&admin, "super1", &[fi(&sup_a), fi(&sup_b)], T0).unwrap();
        let clerk = station.login("clerk1", "demo", T0).unwrap();
        let text = std::fs::read_to_string(script("child-under-5")).unwrap();
        for seed in [303, 304] {
            let (sc, hash) = station_core::script::Script::parse(&text.replacen(
                "\"seed\": 303",
                &format!("\"seed\": {seed}"),
                1,
            ))
            .unwrap();
            station_core::script::run(&mut station, &clerk, &sc, &hash, &|| T0).unwrap();
        }
    }
    let mut model = Model::new(station, Box::new(|| T0));
    // The reader: hands over whatever finger the test puts on the glass.
    let (glass, on_glass) = std::sync::mpsc::channel::<drivers::raster::Image>();
    model.services.finger_reader = Some(Box::new(move || {
        let image = on_glass.recv_timeout(std::time::Duration::from_secs(60)).map_err(|_| {
            drivers::device::DeviceError::Timeout(std::time::Duration::from_secs(60))
        })?;
        Ok(drivers::device::FingerCapture {
            finger: drivers::device::Finger::RightIndex,
            image,
            ppi: 500,
            device_quality: None,
            signed: None,
        })
    }));
    let mut h = harness_sized(App::new(model, Translations::load().unwrap()), 900.0);
    h.run();

    // The administrator enrols the clerk's fingers from the reader: two touches.
    log_in(&mut h, "اسم المستخدم", "كلمة المرور", "دخول", "admin1", "demo");
    click(&mut h, "الموظفون والإعدادات والأجهزة");
    h.get_by_role_and_label(Role::Button, "تسجيل بصمات clerk1 (المسجّل 0)").click();
    h.run_steps(3);
    h.get_by_label("clerk1: ضع إصبعًا على القارئ (الطبعة 1 من 2)");
    touch(&mut h, &glass, &clerk_a);
    h.run_steps(3);
    h.get_by_label("clerk1: ضع إصبعًا على القارئ (الطبعة 2 من 2)");
    h.snapshot("admin_enrol_finger_ar");
    touch(&mut h, &glass, &clerk_b);
    h.get_by_label("سُجّلت طبعتا بصمة لـ clerk1.");
    h.get_by_role_and_label(Role::Button, "تسجيل بصمات clerk1 (المسجّل 2)");
    // ... and asks for the supervisor's finger at sign-off (the button is below the window's
    // edge: its action is applied as its click would).
    h.get_by_role_and_label(Role::Button, "يلزم إصبع المشرف للاعتماد أو الرفض: لا");
    h.state_mut().model.apply(station_kiosk::Action::ToggleOfficials { password: false });
    h.run();
    h.get_by_role_and_label(Role::Button, "يلزم إصبع المشرف للاعتماد أو الرفض: نعم");
    assert!(h.state().model.services.station.config.officials.approval_requires_finger);
    // The way home is at the foot of the long screen, below this window's edge.
    h.state_mut().model.apply(station_kiosk::Action::Home);
    h.run();
    click(&mut h, "تسجيل الخروج");

    // Arabic: the user name, then the finger.
    type_into(&mut h, "اسم المستخدم", "clerk1");
    h.get_by_role_and_label(Role::Button, "الدخول بالبصمة").click();
    h.run_steps(3);
    h.get_by_label("clerk1: ضع إصبعك على القارئ");
    h.snapshot("login_finger_ar");
    // Someone else's finger: refused, still at the log-in.
    touch(&mut h, &glass, &sup_a);
    assert_eq!(h.state().model.screen, Screen::Login);
    h.get_by_label_contains("البصمة لا تطابق");
    // Waiting stopped, then asked again: the same reader serves the new request.
    h.get_by_role_and_label(Role::Button, "الدخول بالبصمة").click();
    h.run_steps(3);
    h.get_by_role_and_label(Role::Button, "إلغاء").click();
    h.run_steps(3);
    assert!(h.query_by_label("clerk1: ضع إصبعك على القارئ").is_none());
    // The clerk's own finger.
    h.get_by_role_and_label(Role::Button, "الدخول بالبصمة").click();
    h.run_steps(3);
    h.get_by_label("clerk1: ضع إصبعك على القارئ");
    touch(&mut h, &glass, &clerk_b);
    assert_eq!(h.state().model.screen, Screen::Home);
    assert_eq!(h.state().model.session.as_ref().unwrap().username, "clerk1");
    click(&mut h, "تسجيل الخروج");

    // English: the supervisor logs in by finger, opens the enrollment and approves it with it.
    click(&mut h, "English");
    type_into(&mut h, "User name", "super1");
    h.get_by_role_and_label(Role::Button, "Log in with finger").click();
    h.run_steps(3);
    h.get_by_label("super1: place your finger on the reader");
    h.snapshot("login_finger_en");
    touch(&mut h, &glass, &sup_b);
    assert_eq!(h.state().model.screen, Screen::Home);
    click(&mut h, "Open enrollment number 1 and its samples");
    h.get_by_role_and_label(Role::Button, "Approve this enrollment").click();
    h.run_steps(3);
    h.get_by_label("To approve enrollment 1, place your finger on the reader");
    h.snapshot("supervisor_finger_en");
    h.get_by_role_and_label(Role::Button, "العربية").click();
    h.run_steps(3);
    h.get_by_label("لاعتماد التسجيل رقم 1 ضع إصبعك على القارئ");
    h.snapshot("supervisor_finger_ar");
    // The clerk's finger does not sign for the supervisor; nothing is sealed.
    touch(&mut h, &glass, &clerk_a);
    h.get_by_label_contains("البصمة لا تطابق");
    assert!(h.state().model.services.station.outbox().unwrap().is_empty());
    h.get_by_role_and_label(Role::Button, "اعتماد هذا التسجيل").click();
    h.run_steps(3);
    touch(&mut h, &glass, &sup_a);
    let outbox = h.state().model.services.station.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].verdict, "approve");
    // The end-of-day batch: one touch approves what it lists.
    click(&mut h, "اعتماد الكل");
    h.get_by_role_and_label(Role::Button, "اعتماد ما سبق (1)").click();
    h.run_steps(3);
    h.get_by_label("لاعتماد تسجيل واحد ضع إصبعك على القارئ");
    touch(&mut h, &glass, &sup_b);
    assert_eq!(h.state().model.services.station.outbox().unwrap().len(), 2);
}
