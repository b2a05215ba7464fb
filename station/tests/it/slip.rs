//! The acknowledgement slip, read back by outside tools: poppler's pdftotext (the words, where
//! they stand on the page) and zbarimg (the QR code on the page rendered by pdftoppm).

use std::process::Command;

use crate::common::*;

/// A word on the page and its box, as `pdftotext -bbox` reports it (right-to-left words come
/// out in visual order, characters reversed).
struct Word {
    text: String,
    x_min: f32,
    x_max: f32,
    y_min: f32,
}

fn words(pdf: &std::path::Path) -> Vec<Word> {
    let out = run(Command::new("pdftotext").args(["-bbox", p(pdf), "-"]));
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f32 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let (tag, rest) = w.split_once('>').unwrap();
            Word {
                text: rest.split("</word>").next().unwrap().to_string(),
                x_min: attr(tag, "xMin"),
                x_max: attr(tag, "xMax"),
                y_min: attr(tag, "yMin"),
            }
        })
        .collect()
}

fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// The words of the line holding `word`, left to right.
fn line_of<'a>(all: &'a [Word], word: &str) -> Vec<&'a Word> {
    let w =
        all.iter().find(|w| w.text == word).unwrap_or_else(|| panic!("{word:?} not on the page"));
    let mut line: Vec<&Word> = all.iter().filter(|o| (o.y_min - w.y_min).abs() < 1.0).collect();
    line.sort_by(|a, b| a.x_min.total_cmp(&b.x_min));
    line
}

#[test]
fn slip_reads_right_in_both_languages_and_its_qr_holds_the_id() {
    let d = demo_station("slip");
    let data = d.join("data");
    let out = station_in(
        &["enroll", "--data", p(&data), "--script", p(&script("adult")), "--operator", "clerk1"],
        "demo\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = json(&out)["enrollment"].as_str().unwrap().to_string();

    // Only the clerk who captured it (or a supervisor) may print it; the password comes first.
    let pdf = d.join("slip.pdf");
    let out = station_in(
        &["slip", &id, "--data", p(&data), "--operator", "admin1", "--out", p(&pdf)],
        "demo\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!pdf.exists());
    let out = station_in(
        &["slip", &id, "--data", p(&data), "--operator", "clerk1", "--out", p(&pdf)],
        "demo\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Logical text: Arabic phrases come out in reading order, values intact.
    let text =
        String::from_utf8(run(Command::new("pdftotext").args(["-layout", p(&pdf), "-"])).stdout)
            .unwrap();
    let text: String = text.chars().filter(|c| !matches!(c, '\u{202A}'..='\u{202E}')).collect();
    for expected in [
        "رقم الطلب",
        "تاريخ التسجيل",
        "سلمى يوسف محمود الخطيب",
        &id,
        "Salma Yousef Mahmoud Al-Khatib",
        "Enrollment number:",
        "DEMO-CENTRE",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }

    // Visual order: in the Arabic sentences the values stand at the left end, left to right,
    // and the lines hug the right margin; the English lines start at the left margin.
    let all = words(&pdf);
    let id_line = line_of(&all, &id);
    assert_eq!(id_line[0].text, id, "the id ends the Arabic sentence, so it is leftmost");
    assert_eq!(reversed(&id_line.last().unwrap().text), "رقم");
    assert!((id_line.last().unwrap().x_max - 388.0).abs() < 1.0, "right-aligned");
    let signed_date = all
        .iter()
        .find(|w| w.text.len() == 10 && w.text.as_bytes()[4] == b'-')
        .expect("a YYYY-MM-DD date")
        .text
        .clone();
    let date_line = line_of(&all, &signed_date);
    assert_eq!(date_line[0].text, signed_date, "the date reads 2026-11-27, not 27-11-2026");
    assert_eq!(reversed(&date_line.last().unwrap().text), "تاريخ");
    let english = line_of(&all, "Hukumati");
    assert!((english[0].x_min - 32.0).abs() < 1.5);
    assert_eq!(
        english.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
        ["Hukumati", "portal", "enrollment", "receipt"]
    );

    // The QR code, decoded from the rendered page by an independent reader.
    let png = d.join("page");
    assert!(
        run(Command::new("pdftoppm").args(["-r", "150", "-png", "-singlefile", p(&pdf), p(&png)]))
            .status
            .success()
    );
    let out = run(Command::new("zbarimg").args(["-q", "--raw", p(&d.join("page.png"))]));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), id);

    // Once the supervisor has decided, the draft is gone and so is the slip.
    assert!(
        station_in(&["approve", "--all", "--data", p(&data), "--operator", "super1"], "demo\n")
            .status
            .success()
    );
    let out = station_in(
        &["slip", &id, "--data", p(&data), "--operator", "clerk1", "--out", p(&d.join("late.pdf"))],
        "demo\n",
    );
    assert_eq!(out.status.code(), Some(2));
    // The refusal names the stage it found and the one it needed, in both languages.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Approved and sealed") && err.contains("Awaiting the supervisor"),
        "{err}"
    );
    assert!(err.contains("معتمد ومختوم") && err.contains("بانتظار اعتماد المشرف"), "{err}");
}
