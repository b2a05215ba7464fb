//! The kiosk, driven through egui_kittest: found by accessible labels, clicked, typed into, and
//! rendered to snapshot images (wgpu on Mesa's software Vulkan) compared with the committed ones
//! in `station/tests/snapshots/`. `UPDATE_SNAPSHOTS=1` rewrites them; look at them.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use station::core::{InitParams, Station};
use station::i18n::{Lang, Translations};
use station::operators::Role as OperatorRole;
use station::ui::{App, Model, Screen};

use crate::common::*;

const T0: i64 = 1_795_000_000_000;

fn app(name: &str) -> (TempDir, App) {
    let dir = tempdir(name);
    let data = dir.join("data");
    // A fixed registry key and clock keep every pixel of the snapshots the same from run to run.
    let recipient = "age1ztzdq7cadsc6av8w4kl7hc9z72vl2hpshj756zkspsg0l5u5n49qj3cmmy";
    Station::init(&data, &InitParams { station_id: "DEMO-ST-0001", centre: "DEMO-CENTRE", registry_recipient: recipient, admin: "admin1", admin_password: "demo", demo: true }, T0).unwrap();
    let mut station = Station::open(&data).unwrap();
    let admin = station.login("admin1", "demo", T0).unwrap();
    station.add_operator(&admin, "clerk1", OperatorRole::Clerk, "demo", T0).unwrap();
    let model = Model::new(station, Box::new(|| T0));
    (dir, App::new(model, Translations::load().unwrap()))
}

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(900.0, 640.0))
        .with_context_setup(App::setup)
        .wgpu()
        .build_ui_state(|ui, app: &mut App| app.draw(ui), app)
}

fn log_in(h: &mut Harness<'_, App>, user_label: &str, pw_label: &str, button: &str, user: &str, password: &str) {
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
