//! A pipeline definition split into named parts, so that Terraform's plan names only what
//! changed (docs/design/0003-reviewable-plans.md).
//!
//! Terraform renders a changed JSON string as a structural diff, but any array on the path to a
//! change is printed with its neighbouring elements in full: one hyperparameter changed in a
//! five-step pipeline printed every neighbouring step. Objects keyed by name print only the
//! changed keys. So the definition is handed to Terraform as a map:
//! - `Steps.<name>`: each top-level step object (a condition's branch steps stay inside it);
//! - `Steps`: the step names in definition order (the order SageMaker shows them in);
//! - every other top-level key (`Version`, `Metadata`, `Parameters`,
//!   `PipelineExperimentConfig`, and anything a definition written elsewhere carries) as itself.
//!
//! Every part is canonical JSON. [`split`] and [`join`] are inverses on canonical definitions
//! whose step names are unique (duplicate names are rejected by validation before this is used;
//! a deployed definition with duplicates keeps the later step under the name and is flagged by
//! [`split`] returning `None`).
//!
//! Pure: no IO. Depends on serde_json and `canonical` only.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::canonical;

const STEP_PREFIX: &str = "Steps.";

/// The parts of a definition text, or `None` when it is not a JSON object with a well-formed
/// `Steps` array (every step an object with a unique string `Name`).
pub fn split(definition: &str) -> Option<BTreeMap<String, String>> {
    let Json::Object(top) = serde_json::from_str::<Json>(definition).ok()? else {
        return None;
    };
    let mut parts = BTreeMap::new();
    for (key, value) in top {
        if key == "Steps" {
            let Json::Array(steps) = value else {
                return None;
            };
            let mut names = Vec::with_capacity(steps.len());
            for step in steps {
                let name = step.get("Name").and_then(Json::as_str)?.to_string();
                if parts
                    .insert(format!("{STEP_PREFIX}{name}"), canonical::to_string(&step))
                    .is_some()
                {
                    return None;
                }
                names.push(Json::String(name));
            }
            parts.insert("Steps".to_string(), canonical::to_string(&Json::Array(names)));
        } else if key.starts_with(STEP_PREFIX) {
            // A top-level key that would collide with a step part cannot be represented.
            return None;
        } else {
            parts.insert(key, canonical::to_string(&value));
        }
    }
    Some(parts)
}

/// The canonical definition text the parts describe, or `None` when they are inconsistent
/// (a part that is not JSON, a listed step without its part, or a step part not listed).
pub fn join(parts: &BTreeMap<String, String>) -> Option<String> {
    let mut top = Map::new();
    let mut listed = 0usize;
    for (key, text) in parts {
        if key.starts_with(STEP_PREFIX) {
            continue;
        }
        let value: Json = serde_json::from_str(text).ok()?;
        if key == "Steps" {
            let Json::Array(names) = value else {
                return None;
            };
            let mut steps = Vec::with_capacity(names.len());
            for name in names {
                let step_text = parts.get(&format!("{STEP_PREFIX}{}", name.as_str()?))?;
                steps.push(serde_json::from_str::<Json>(step_text).ok()?);
            }
            listed = steps.len();
            top.insert(key.clone(), Json::Array(steps));
        } else {
            top.insert(key.clone(), value);
        }
    }
    let step_parts = parts.keys().filter(|k| k.starts_with(STEP_PREFIX)).count();
    if step_parts != listed {
        return None;
    }
    Some(canonical::to_string(&Json::Object(top)))
}

/// `parts` with each text replaced by the matching text of `prior` wherever `same(key, old,
/// new)` says the two mean the same thing, so that a re-serialised but equal part never shows as
/// a change. (What "the same" means belongs to `semantic`; the caller passes it in.)
pub fn keep_equal(
    parts: BTreeMap<String, String>,
    prior: &BTreeMap<String, String>,
    same: impl Fn(&str, &str, &str) -> bool,
) -> BTreeMap<String, String> {
    parts
        .into_iter()
        .map(|(k, text)| match prior.get(&k) {
            Some(old) if old == &text || same(&k, old, &text) => (k, old.clone()),
            _ => (k, text),
        })
        .collect()
}

/// The lowercase hex SHA-256 of a text (FIPS 180-4), used as the definition's fingerprint.
/// Written out here rather than pulled in as a dependency: the crates that provide it are in
/// the AWS SDK's graph with features of their own, and adding them changes what it builds.
pub fn sha256_hex(text: &str) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = text.as_bytes().to_vec();
    let bit_len = (msg.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEF: &str = r#"{"Metadata":{},"Parameters":[{"Name":"P","Type":"String"}],"Steps":[{"Name":"B","Type":"Fail","Arguments":{"ErrorMessage":"x"}},{"Name":"A","Type":"Fail","Arguments":{}}],"Version":"2020-12-01"}"#;

    #[test]
    fn split_names_each_step_and_keeps_their_order() {
        let parts = split(DEF).expect("splits");
        assert_eq!(
            parts.keys().collect::<Vec<_>>(),
            vec!["Metadata", "Parameters", "Steps", "Steps.A", "Steps.B", "Version"]
        );
        assert_eq!(parts["Steps"], r#"["B","A"]"#);
        assert_eq!(
            parts["Steps.B"],
            r#"{"Arguments":{"ErrorMessage":"x"},"Name":"B","Type":"Fail"}"#
        );
    }

    #[test]
    fn join_is_the_inverse_of_split() {
        let canonical = canonical::normalize(DEF).expect("json");
        assert_eq!(join(&split(DEF).expect("splits")).as_deref(), Some(canonical.as_str()));
    }

    #[test]
    fn inconsistent_parts_do_not_join() {
        let mut parts = split(DEF).expect("splits");
        parts.remove("Steps.A");
        assert_eq!(join(&parts), None, "a listed step without its part");
        let mut parts = split(DEF).expect("splits");
        parts.insert("Steps.C".into(), "{}".into());
        assert_eq!(join(&parts), None, "a step part that is not listed");
    }

    #[test]
    fn malformed_definitions_do_not_split() {
        for bad in [
            "[]",
            "not json",
            r#"{"Steps":{}}"#,
            r#"{"Steps":[{"Type":"Fail"}]}"#,
            r#"{"Steps":[{"Name":"A"},{"Name":"A"}]}"#,
            r#"{"Steps":[],"Steps.A":1}"#,
        ] {
            assert_eq!(split(bad), None, "{bad}");
        }
    }

    #[test]
    fn keep_equal_keeps_prior_spelling_only_for_equal_meaning() {
        let prior: BTreeMap<String, String> = [
            ("Version".to_string(), "\"2020-12-01\"".to_string()),
            ("Steps.A".to_string(), "{\"N\":1.0}".to_string()),
        ]
        .into();
        let new: BTreeMap<String, String> = [
            ("Version".to_string(), "\"2021-01-01\"".to_string()),
            ("Steps.A".to_string(), "{\"N\":1}".to_string()),
        ]
        .into();
        let kept = keep_equal(new, &prior, |_, a, b| {
            canonical::normalize(a).ok() == canonical::normalize(b).ok()
        });
        assert_eq!(kept["Steps.A"], "{\"N\":1.0}");
        assert_eq!(kept["Version"], "\"2021-01-01\"");
    }

    #[test]
    fn sha256_matches_known_vectors() {
        assert_eq!(
            sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // Two blocks: the padding spills into a second 64-byte block.
        assert_eq!(
            sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }
}
