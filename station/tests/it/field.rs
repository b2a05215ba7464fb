//! The kiosk's text field (`station_kiosk::field`) driven like a clerk would: typed into, the caret
//! moved with the arrow keys, Home and End, clicks, selections, Backspace and Delete, in Arabic,
//! Latin and mixed text; the values checked and one snapshot looked at.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use station_kiosk::App;
use station_kiosk::text::{self, Style};

#[derive(Default)]
struct Fields {
    name: String,
    latin: String,
    password: String,
}

fn harness() -> Harness<'static, Fields> {
    Harness::builder()
        .with_size(egui::vec2(520.0, 260.0))
        .with_context_setup(App::setup)
        .wgpu()
        .build_ui_state(
            |ui, f: &mut Fields| {
                ui.with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
                    let l =
                        text::paragraph(ui, "الاسم", station_text::bidi::Base::Rtl, Style::body(ui));
                    text::field(ui, &mut f.name, 360.0, false).labelled_by(l.id);
                    let l = text::paragraph(
                        ui,
                        "Latin",
                        station_text::bidi::Base::Ltr,
                        Style::body(ui),
                    );
                    text::field(ui, &mut f.latin, 360.0, false).labelled_by(l.id);
                    let l = text::paragraph(
                        ui,
                        "كلمة المرور",
                        station_text::bidi::Base::Rtl,
                        Style::body(ui),
                    );
                    text::field(ui, &mut f.password, 360.0, true).labelled_by(l.id);
                });
            },
            Fields::default(),
        )
}

fn focus_and_type(h: &mut Harness<'_, Fields>, label: &str, role: Role, text: &str) {
    h.get_by_role_and_label(role, label).click();
    h.run();
    h.get_by_role_and_label(role, label).type_text(text);
    h.run();
}

fn press(h: &mut Harness<'_, Fields>, key: Key, times: usize) {
    for _ in 0..times {
        h.key_press(key);
        h.run();
    }
}

#[test]
fn the_caret_moves_through_arabic_where_the_eye_expects() {
    let mut h = harness();
    h.run();
    // egui #8576's case: End, three steps towards the start, type a letter. The End of an Arabic
    // field is its left end, so the steps back are to the right.
    focus_and_type(&mut h, "الاسم", Role::TextInput, "عدد 123 مرحبا");
    press(&mut h, Key::End, 1);
    press(&mut h, Key::ArrowRight, 3);
    h.get_by_role_and_label(Role::TextInput, "الاسم").type_text("x");
    h.run();
    assert_eq!(h.state().name, "عدد 123 مرxحبا");

    // Backspace removes what was just typed; Delete the letter after the caret.
    press(&mut h, Key::Backspace, 1);
    assert_eq!(h.state().name, "عدد 123 مرحبا");
    press(&mut h, Key::Delete, 1);
    assert_eq!(h.state().name, "عدد 123 مربا");

    // Left goes left: through the rest of the last word to the left end, where it stops.
    press(&mut h, Key::ArrowLeft, 5);
    h.get_by_role_and_label(Role::TextInput, "الاسم").type_text("ن");
    h.run();
    assert_eq!(h.state().name, "عدد 123 مربان");

    // Home is the start of the text (the right end): what is typed there comes first.
    press(&mut h, Key::Home, 1);
    h.get_by_role_and_label(Role::TextInput, "الاسم").type_text("ال");
    h.run();
    assert_eq!(h.state().name, "العدد 123 مربان");

    // Inside the number the arrows move left to right as its digits read: from the start of the
    // text, right-to-left through "العدد " to the number's right end, then into it.
    press(&mut h, Key::Home, 1);
    press(&mut h, Key::ArrowLeft, 7);
    h.get_by_role_and_label(Role::TextInput, "الاسم").type_text("9");
    h.run();
    assert_eq!(h.state().name, "العدد 1293 مربان", "the caret stood between 2 and 3");
    // The snapshot: the words in reading order, the number whole, the caret between 9 and 3.
    h.snapshot("field_caret_ar");
}

#[test]
fn latin_fields_selections_clipboard_and_eastern_digits() {
    let mut h = harness();
    h.run();
    focus_and_type(&mut h, "Latin", Role::TextInput, "Al-Khatib");
    press(&mut h, Key::Home, 1);
    press(&mut h, Key::ArrowRight, 3);
    // Shift+Right selects "Kha"; typing replaces it.
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
        h.run();
    }
    h.get_by_role_and_label(Role::TextInput, "Latin").type_text("X");
    h.run();
    assert_eq!(h.state().latin, "Al-Xtib");
    // Select everything, then paste over it; Eastern Arabic digits arrive as 0-9.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.event(egui::Event::Paste("٤٠١٢٣٤٥٦٢".into()));
    h.run();
    assert_eq!(h.state().latin, "401234562");
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "Latin").value().as_deref(),
        Some("401234562")
    );
    // Enter ends the input: what is typed next goes nowhere.
    press(&mut h, Key::Enter, 1);
    h.get_by_role_and_label(Role::TextInput, "Latin").type_text("zz");
    h.run();
    assert_eq!(h.state().latin, "401234562");
}

#[test]
fn a_click_puts_the_caret_at_the_nearest_edge() {
    let mut h = harness();
    h.run();
    focus_and_type(&mut h, "الاسم", Role::TextInput, "سلمى");
    press(&mut h, Key::Enter, 1);
    // The Arabic text hugs the field's right edge: a click at that edge is the start of the text.
    let rect = h.get_by_role_and_label(Role::TextInput, "الاسم").rect();
    h.hover_at(egui::pos2(rect.right() - 9.0, rect.center().y));
    h.run();
    h.event(egui::Event::PointerButton {
        pos: egui::pos2(rect.right() - 9.0, rect.center().y),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: egui::pos2(rect.right() - 9.0, rect.center().y),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
    h.get_by_role_and_label(Role::TextInput, "الاسم").type_text("أ");
    h.run();
    assert_eq!(h.state().name, "أسلمى");
}

#[test]
fn passwords_show_dots_keep_what_was_typed_and_are_never_copied() {
    let mut h = harness();
    h.run();
    focus_and_type(&mut h, "كلمة المرور", Role::PasswordInput, "s3cret-٤");
    assert_eq!(h.state().password, "s3cret-٤", "a password is taken exactly as typed");
    let shown =
        h.get_by_role_and_label(Role::PasswordInput, "كلمة المرور").value().unwrap_or_default();
    assert_eq!(shown, "••••••••");
    let copied = |h: &mut Harness<'_, Fields>| {
        h.key_press_modifiers(Modifiers::COMMAND, Key::A);
        h.run();
        h.event(egui::Event::Copy);
        h.step();
        h.output().platform_output.commands.iter().find_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
    };
    assert_eq!(copied(&mut h), None, "a password is never put on the clipboard");
    // The same in an ordinary field does copy.
    focus_and_type(&mut h, "Latin", Role::TextInput, "Salma");
    assert_eq!(copied(&mut h).as_deref(), Some("Salma"));
}

#[test]
fn assistive_technologies_set_the_value_and_the_field_is_drawn_in_reading_order() {
    let mut h = harness();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "الاسم").set_text_value_accesskit("رام الله والبيرة");
    h.run();
    assert_eq!(h.state().name, "رام الله والبيرة");
    focus_and_type(&mut h, "Latin", Role::TextInput, "Ahmad 1990-05-12 أحمد");
    press(&mut h, Key::Home, 1);
    for _ in 0..5 {
        h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
        h.run();
    }
    // The snapshot: the Arabic place name in its word order at the right, the mixed Latin field
    // with "Ahmad" selected, the date whole, the Arabic word at its right end.
    h.snapshot("field_mixed");
}
