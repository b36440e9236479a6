//! Canonical JSON: the one textual form of every definition and step object this provider
//! stores. Whether two texts mean the same pipeline is `semantic`'s question, answered with
//! this form.
//!
//! The canonical form is what Terraform's `jsonencode` produces: object keys sorted, no
//! insignificant whitespace, `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`-style
//! sequences, and numbers in their shortest exact decimal form (`1` for `1.0`, no exponent).
//! Because of that, a step written with `jsonencode({...})` in HCL, the same step compiled by
//! this provider, and the same step read back from SageMaker all compare equal as strings.
//!
//! Pure: no IO. Depends on serde_json only.

use serde_json::{Map, Value as Json};

/// Serialises `v` canonically.
pub fn to_string(v: &Json) -> String {
    to_string_with_capacity(v, 0)
}

/// [`to_string`] into a buffer of `capacity` bytes to start with: a good estimate of the
/// text's length saves growing (and copying) the buffer as it fills.
pub fn to_string_with_capacity(v: &Json, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    write(v, &mut out);
    out
}

/// The first integer literal of JSON `text` (outside strings) that does not fit in 64 bits
/// (above `u64::MAX` or below `i64::MIN`) and that reading it as a float would change,
/// shortened for a message. serde_json reads such a number as a float (fresh-eyes finding:
/// `18446744073709551617` was deployed as `18446744073709552000`), while SageMaker keeps it
/// exact. One the float reading keeps (`100000000000000000000`, how this canonical form
/// writes `1e20`) is no problem (re-check finding: `1e25` in arguments and `< 1e20` in a
/// condition were refused once written out).
pub fn oversized_integer(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            i += 1;
            while i < bytes.len()
                && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                i += 1;
            }
            let token = &text[start..i];
            let integer = !token.contains(['.', 'e', 'E']);
            if integer && token.parse::<i64>().is_err() && token.parse::<u64>().is_err() {
                let digits = token.trim_start_matches('-');
                let kept =
                    token.parse::<f64>().ok().and_then(serde_json::Number::from_f64).is_some_and(
                        |n| canonical_number(&n.to_string()) == canonical_number(token),
                    );
                if !kept && !digits.is_empty() && digits.bytes().all(|d| d.is_ascii_digit()) {
                    return Some(if token.len() > 40 {
                        format!("{}... ({} digits)", &token[..20], digits.len())
                    } else {
                        token.to_string()
                    });
                }
            }
            continue;
        }
        i += 1;
    }
    None
}

/// Whether a parse failed only because the text nests objects and lists more than serde_json's
/// 128 levels: valid JSON, which "not valid JSON" would misdescribe (fresh-eyes finding: 42
/// condition steps nested in one another were called invalid).
pub fn too_deep(e: &serde_json::Error) -> bool {
    e.to_string().contains("recursion limit exceeded")
}

/// The detail for [`too_deep`] text.
pub const TOO_DEEP: &str = "Its JSON nests objects and lists more than 128 levels deep, more than the provider reads. Nest fewer steps inside one another: each condition step inside another's branch adds three levels.";

/// Parses `text` and re-serialises it canonically.
pub fn normalize(text: &str) -> Result<String, serde_json::Error> {
    let v: Json = serde_json::from_str(text)?;
    Ok(to_string(&v))
}

/// Whether serde_json iterates object keys in sorted order (it does unless some crate in the
/// graph enables `preserve_order`); decided once, so the form never depends on that flag and
/// the common case skips a sort per object.
fn maps_are_sorted() -> bool {
    static SORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SORTED.get_or_init(|| {
        let mut m = serde_json::Map::new();
        m.insert("b".into(), Json::Null);
        m.insert("a".into(), Json::Null);
        m.keys().next().map(String::as_str) == Some("a")
    })
}

/// Appends `v`'s canonical text to `out`.
pub fn write(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => write_number(n, out),
        Json::String(s) => write_str(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Json::Object(map) => write_object(map, None, out),
    }
}

/// A member whose value is already canonical text, written by the closure.
type Spliced<'a> = (&'a str, &'a dyn Fn(&mut String));

/// Appends the canonical text of an object made of `map`'s members and, when given, one more
/// member whose value the closure writes (its key must not be one of `map`'s), every key in
/// canonical (sorted) order.
fn write_object(map: &Map<String, Json>, mut spliced: Option<Spliced>, out: &mut String) {
    out.push('{');
    let mut first = true;
    let mut key = |k: &str, out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
        write_str(k, out);
        out.push(':');
    };
    let mut member = |k: &str, v: &Json, out: &mut String| {
        if let Some((sk, write_value)) = spliced.filter(|(sk, _)| *sk < k) {
            key(sk, out);
            write_value(out);
            spliced = None;
        }
        key(k, out);
        write(v, out);
    };
    if maps_are_sorted() {
        for (k, v) in map {
            member(k, v, out);
        }
    } else {
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        for k in keys {
            member(k, &map[k], out);
        }
    }
    if let Some((sk, write_value)) = spliced {
        key(sk, out);
        write_value(out);
    }
    out.push('}');
}

/// The canonical text of an object with `map`'s members and one more, `key` (not a key of
/// `map`), whose value is an array given as `elements`: the canonical texts of its elements,
/// comma-separated. An array's canonical text is its elements' texts between brackets,
/// comma-separated, so a large array written element by element is spliced in as it is,
/// without being parsed again.
pub fn object_with_array_text(map: &Map<String, Json>, key: &str, elements: &str) -> String {
    let mut out = String::with_capacity(elements.len() + 1024);
    let array = |out: &mut String| {
        out.push('[');
        out.push_str(elements);
        out.push(']');
    };
    write_object(map, Some((key, &array)), &mut out);
    out
}

fn write_number(n: &serde_json::Number, out: &mut String) {
    use std::fmt::Write;
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else {
        out.push_str(&canonical_number(&n.to_string()));
    }
}

/// Appends `s` as a canonical JSON string (quoted, escaped) to `out`.
fn write_str(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Copy runs that need no escaping in one go; only the rare special characters are written
    // one by one. Every character that needs escaping starts with a byte `NEEDS_ESCAPE` flags
    // (U+2028 and U+2029 with their lead byte 0xE2, checked in full below), so the scan looks
    // at bytes, not characters.
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    // Skip to the next flagged byte (a table lookup per byte).
    while let Some(n) = bytes[i..].iter().position(|&b| NEEDS_ESCAPE[b as usize]) {
        i += n;
        let b = bytes[i];
        let escaped: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            0xE2 => match &bytes[i..] {
                [_, 0x80, 0xA8, ..] => "\\u2028",
                [_, 0x80, 0xA9, ..] => "\\u2029",
                _ => {
                    i += 1;
                    continue;
                }
            },
            _ => {
                // The other control characters (below 0x20).
                out.push_str(&s[start..i]);
                use std::fmt::Write;
                let _ = write!(out, "\\u{:04x}", b);
                i += 1;
                start = i;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(escaped);
        i += if b == 0xE2 { 3 } else { 1 };
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// The bytes that may start a character [`write_str`] escapes: `"`, a backslash, a control
/// character, `<`, `>`, `&`, or 0xE2 (the lead byte of U+2028 and U+2029, among others).
static NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[0xE2] = true;
    t
};

/// Rewrites a JSON number literal as its shortest exact plain decimal: `1.0` -> `1`,
/// `1.50` -> `1.5`, `1e3` -> `1000`, `-0` -> `0`, `2.5E-3` -> `0.0025`.
pub fn canonical_number(text: &str) -> String {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => match rest[i + 1..].parse::<i64>() {
            Ok(e) if e.unsigned_abs() <= 4096 => (&rest[..i], e),
            // Absurd or unreadable exponents are kept verbatim rather than expanded.
            _ => return text.to_string(),
        },
        None => (rest, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = format!("{int_part}{frac_part}");
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.is_empty() {
        return text.to_string();
    }
    // Position of the decimal point within `digits`.
    let mut point = int_part.len() as i64 + exp;
    if point.unsigned_abs() > 4096 {
        return text.to_string(); // absurd exponents are kept verbatim rather than expanded
    }
    if point < 0 {
        digits = "0".repeat((-point) as usize) + &digits;
        point = 0;
    }
    if point as usize > digits.len() {
        digits.push_str(&"0".repeat(point as usize - digits.len()));
    }
    let (i, f) = digits.split_at(point as usize);
    let i = i.trim_start_matches('0');
    let f = f.trim_end_matches('0');
    let i = if i.is_empty() { "0" } else { i };
    let mut s = String::new();
    if neg && !(i == "0" && f.is_empty()) {
        s.push('-');
    }
    s.push_str(i);
    if !f.is_empty() {
        s.push('.');
        s.push_str(f);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_64_bits_are_found_outside_strings() {
        assert_eq!(
            oversized_integer(r#"{"N":18446744073709551617}"#).as_deref(),
            Some("18446744073709551617")
        );
        assert_eq!(
            oversized_integer(r#"[-9223372036854775809]"#).as_deref(),
            Some("-9223372036854775809")
        );
        assert_eq!(
            oversized_integer(r#"{"N":18446744073709551615,"M":-9223372036854775808}"#),
            None
        );
        assert_eq!(
            oversized_integer(r#"{"s":"123456789012345678901234567890","f":1.5e300,"g":0.1}"#),
            None
        );
        assert_eq!(oversized_integer(r#"{"s":"a\"99999999999999999999\"","n":1}"#), None);
        // What a float reads back unchanged is no problem: the canonical form of 1e20 and 1e25.
        assert_eq!(oversized_integer("[100000000000000000000, 10000000000000000000000000]"), None);
        assert_eq!(oversized_integer("[-100000000000000000000]"), None);
        let long = format!("[{}]", "9".repeat(400));
        assert_eq!(
            oversized_integer(&long).as_deref(),
            Some("99999999999999999999... (400 digits)")
        );
    }
    use serde_json::json;

    #[test]
    fn a_spliced_array_is_the_same_text_as_the_whole_tree() {
        let elements = [json!({"b": 1, "a": "<x>"}), json!([]), json!("s")];
        let texts: Vec<String> = elements.iter().map(to_string).collect();
        // The spliced key sorts first, between, and last among the other members.
        for key in ["A", "Middle", "z"] {
            let mut map = Map::new();
            map.insert("Version".into(), json!("2020-12-01"));
            map.insert("Metadata".into(), json!({}));
            let spliced = object_with_array_text(&map, key, &texts.join(","));
            map.insert(key.into(), Json::Array(elements.to_vec()));
            assert_eq!(spliced, to_string(&Json::Object(map)), "{key}");
        }
        assert_eq!(object_with_array_text(&Map::new(), "Steps", ""), r#"{"Steps":[]}"#);
    }

    #[test]
    fn numbers_take_their_shortest_exact_form() {
        for (input, want) in [
            ("1", "1"),
            ("1.0", "1"),
            ("1.50", "1.5"),
            ("-0", "0"),
            ("-0.0", "0"),
            ("1e3", "1000"),
            ("2.5E-3", "0.0025"),
            ("0.1", "0.1"),
            ("-12.340", "-12.34"),
            ("12345678901234567890123", "12345678901234567890123"),
            ("1.5e1", "15"),
            ("100", "100"),
            ("0.000", "0"),
            ("0e9223372036854775807", "0e9223372036854775807"),
            ("1e-9223372036854775809", "1e-9223372036854775809"),
        ] {
            assert_eq!(canonical_number(input), want, "{input}");
        }
    }

    /// The byte scan escapes exactly what the character-by-character definition does: other
    /// characters with lead byte 0xE2 (`€`, `—`, U+2027, U+202A) stay as they are.
    #[test]
    fn strings_escape_exactly_the_special_characters() {
        let reference = |s: &str| {
            let mut out = String::from('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                        out.push_str(&format!("\\u{:04x}", c as u32))
                    }
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        };
        for s in [
            "",
            "plain s3://bucket/key",
            "a\"b\\c\nd\re\tf\u{1}g\u{1f}h\u{7f}",
            "<a href=\"x\">&amp;</a>",
            "\u{2028}\u{2029}\u{2027}\u{202a}€—é😀",
            "end\u{2029}",
            "\u{e2}",
        ] {
            let mut out = String::new();
            write_str(s, &mut out);
            assert_eq!(out, reference(s), "{s:?}");
        }
    }

    #[test]
    fn keys_sorted_no_whitespace_html_escaped() {
        let s = normalize(r#"{ "b": [1.0, true, null], "a": "x<y & z>\u2028" }"#).expect("json");
        assert_eq!(s, r#"{"a":"x\u003cy \u0026 z\u003e\u2028","b":[1,true,null]}"#);
    }
}
