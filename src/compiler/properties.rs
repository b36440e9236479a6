//! The machinery behind `{{ Steps.<name>.<path> }}` references: the shape of a step type's
//! properties and the check of one path against it.
//!
//! A step's properties are the response of the Describe call for the job it runs (SageMaker
//! resolves `Steps.Train.ModelArtifacts.S3ModelArtifacts` against DescribeTrainingJob), or a
//! small synthetic set (Condition `Outcome`, Lambda/Callback `OutputParameters['name']`,
//! QualityCheck/ClarifyCheck baselines). Each step type's tree lives with the step type
//! (`provider/steps/<type>.rs`, `mod properties`), built from [`shapes`]: structures by member
//! name, lists indexed by position `[0]` or by the element's name `['train']`, and string maps
//! indexed by key `['epochs']`. Rarely referenced corners are `Any` (not modelled: any
//! well-formed continuation is accepted) rather than guessed. Fragments several trees share
//! (VPC config, channels, containers) are here.
//!
//! A path must end at a value: a scalar, a list of scalars, or an `Any` corner; stopping at a
//! structure (`ModelArtifacts`) is an error that lists how to continue. Step types without a
//! tree ([`PropertyTree::Unmodelled`]: future types used through `sagemaker_step`) accept any
//! well-formed path.
//!
//! Depends on `expr` (path syntax). Pure: no IO, no async, never panics. Must NOT know which
//! steps exist in a pipeline or what their outputs are named: the pipeline validator asks
//! this module about one step type and one path at a time.

use super::expr::{self, Index};

#[derive(Debug)]
pub enum Shape {
    /// A scalar: string, number, boolean or timestamp.
    Leaf,
    Struct(&'static [(&'static str, Shape)]),
    /// Indexed by `[i]` or by the element's name `['name']`.
    List(&'static Shape),
    /// A string map: `['key']`, then a scalar.
    Map,
    /// Not modelled: any well-formed continuation is accepted.
    Any,
}

use Shape::{Any, Leaf, List, Map, Struct};

/// One step type's properties.
#[derive(Debug)]
pub struct StepProperties {
    /// Where the shape comes from, for messages.
    pub source: &'static str,
    pub root: Shape,
    pub examples: &'static [&'static str],
}

/// What other steps may reference on a step type.
#[derive(Clone, Copy, Debug)]
pub enum PropertyTree {
    /// Paths are checked against this tree.
    Modelled(&'static StepProperties),
    /// Any well-formed path is accepted (a type whose properties are not modelled).
    Unmodelled,
    /// The step has no properties and cannot be referenced or depended upon (Fail).
    NotReferable,
}

/// Everything a step type's tree is built from: `use crate::compiler::properties::shapes::*;`.
pub mod shapes {
    pub use super::Shape::{self, Any, Leaf, List, Map, Struct};
    pub use super::{
        StepProperties, CHANNEL, CONTAINER, EXPERIMENT_CONFIG, RULE_CONFIGURATION,
        RULE_EVALUATION_STATUS, S3_DATA_SOURCE, STRINGS, VPC_CONFIG,
    };
}

pub const STRINGS: Shape = List(&Leaf);

pub const VPC_CONFIG: Shape = Struct(&[("SecurityGroupIds", STRINGS), ("Subnets", STRINGS)]);

pub const EXPERIMENT_CONFIG: Shape = Struct(&[
    ("ExperimentName", Leaf),
    ("TrialName", Leaf),
    ("TrialComponentDisplayName", Leaf),
    ("RunName", Leaf),
]);

pub const S3_DATA_SOURCE: Shape = Struct(&[
    ("S3DataType", Leaf),
    ("S3Uri", Leaf),
    ("S3DataDistributionType", Leaf),
    ("AttributeNames", STRINGS),
    ("InstanceGroupNames", STRINGS),
    ("ModelAccessConfig", Any),
    ("HubAccessConfig", Any),
]);

pub const CHANNEL: Shape = Struct(&[
    ("ChannelName", Leaf),
    (
        "DataSource",
        Struct(&[
            ("S3DataSource", S3_DATA_SOURCE),
            (
                "FileSystemDataSource",
                Struct(&[
                    ("FileSystemId", Leaf),
                    ("FileSystemAccessMode", Leaf),
                    ("FileSystemType", Leaf),
                    ("DirectoryPath", Leaf),
                ]),
            ),
            ("DatasetSource", Struct(&[("DatasetArn", Leaf)])),
        ]),
    ),
    ("ContentType", Leaf),
    ("CompressionType", Leaf),
    ("RecordWrapperType", Leaf),
    ("InputMode", Leaf),
    ("ShuffleConfig", Struct(&[("Seed", Leaf)])),
]);

pub const RULE_CONFIGURATION: Shape = Struct(&[
    ("RuleConfigurationName", Leaf),
    ("LocalPath", Leaf),
    ("S3OutputPath", Leaf),
    ("RuleEvaluatorImage", Leaf),
    ("InstanceType", Leaf),
    ("VolumeSizeInGB", Leaf),
    ("RuleParameters", Map),
]);

pub const RULE_EVALUATION_STATUS: Shape = Struct(&[
    ("RuleConfigurationName", Leaf),
    ("RuleEvaluationJobArn", Leaf),
    ("RuleEvaluationStatus", Leaf),
    ("StatusDetails", Leaf),
    ("LastModifiedTime", Leaf),
]);

pub const CONTAINER: Shape = Struct(&[
    ("ContainerHostname", Leaf),
    ("Image", Leaf),
    ("ImageConfig", Any),
    ("Mode", Leaf),
    ("ModelDataUrl", Leaf),
    ("ModelDataSource", Any),
    ("AdditionalModelDataSources", Any),
    ("Environment", Map),
    ("ModelPackageName", Leaf),
    ("InferenceSpecificationName", Leaf),
    ("MultiModelConfig", Any),
]);

/// Whether `path` ends at an entry of a string map in `tree` (`Environment['X']`,
/// `HyperParameters['epochs']`): a string at run time, whatever the key. An unmodelled tree
/// knows nothing, so never.
pub fn is_string_map_entry(tree: PropertyTree, path: &str) -> bool {
    let (PropertyTree::Modelled(props), Ok(segments)) = (tree, expr::parse_path(path)) else {
        return false;
    };
    let mut shape = &props.root;
    let mut entry = false;
    for seg in &segments {
        let Struct(members) = shape else { return false };
        let Some((_, member)) = members.iter().find(|(n, _)| *n == seg.name) else { return false };
        shape = member;
        entry = false;
        for index in &seg.indexes {
            shape = match (shape, index) {
                (List(element), _) => element,
                (Map, Index::Key(_)) => {
                    entry = true;
                    &Leaf
                }
                _ => return false,
            };
        }
    }
    entry && matches!(shape, Leaf)
}

/// Checks `path` (what follows `Steps.<name>.`) against `tree`, the properties of
/// `step_type`. The error says what is wrong and how to write a valid path, with examples.
pub fn check_property_path(step_type: &str, tree: PropertyTree, path: &str) -> Result<(), String> {
    let props = match tree {
        PropertyTree::NotReferable => {
            return Err(format!(
                "{step_type} steps end the pipeline and have no properties; nothing can reference them. Reference another step instead."
            ))
        }
        PropertyTree::Modelled(props) => Some(props),
        PropertyTree::Unmodelled => None,
    };
    let segments = expr::parse_path(path)
        .map_err(|why| format!("{path:?} is not a valid property path: {why}"))?;
    let Some(props) = props else {
        return Ok(());
    };
    let examples = || {
        format!(
            "Valid {step_type} properties are those of {}, e.g. {}.",
            props.source,
            props.examples.join(", ")
        )
    };
    let mut shape = &props.root;
    // How far the check is: the segment, and how many of its indexes. Shown in messages as the
    // path checked so far (`done`), which only a message needs.
    let mut at: Option<(usize, usize)> = None;
    let done = |at: Option<(usize, usize)>| {
        at.map_or_else(String::new, |(s, n)| shown_prefix(&segments, s, n))
    };
    for (si, seg) in segments.iter().enumerate() {
        if matches!(shape, Any) {
            return Ok(());
        }
        let Struct(members) = shape else {
            return Err(format!(
                "`{}` is a value and has no property `{}`. {}",
                done(at),
                seg.name,
                examples()
            ));
        };
        let Some((_, member)) = members.iter().find(|(n, _)| *n == seg.name) else {
            let names = members.iter().map(|(n, _)| *n);
            let hint = match expr::did_you_mean(seg.name, names) {
                Some(c) => format!(" Did you mean `{c}`?"),
                None => String::new(),
            };
            let whose = if at.is_none() {
                format!("a {step_type} step")
            } else {
                format!("`{}`", done(at))
            };
            if at.is_none() && seg.name == "PropertyFiles" {
                return Err(format!(
                    "a property file is read with {{{{ Steps.<name>.PropertyFiles.<file>.<json path> }}}} (a Std:JsonGet), not as a property. {}",
                    examples()
                ));
            }
            let listing = if at.is_none() || members.len() > 12 {
                examples()
            } else {
                format!(
                    "`{}` has {}.",
                    done(at),
                    members.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                )
            };
            return Err(format!("`{}` is not a property of {whose}.{hint} {listing}", seg.name));
        };
        at = Some((si, 0));
        shape = member;
        for (ii, index) in seg.indexes.iter().enumerate() {
            shape = match (shape, index) {
                (Any, _) => return Ok(()),
                (List(element), _) => element,
                (Map, Index::Key(_)) => &Leaf,
                (Map, Index::Position(_)) => {
                    let done = done(at);
                    return Err(format!(
                        "`{done}` is a map: select an entry by key, e.g. {done}['name']"
                    ));
                }
                _ => {
                    return Err(format!(
                        "`{}` is not a list or map, so it cannot be indexed; remove the [...]",
                        done(at)
                    ))
                }
            };
            at = Some((si, ii + 1));
        }
    }
    if matches!(shape, Leaf | Any | List(Leaf)) {
        return Ok(());
    }
    let done = done(at);
    Err(match shape {
        Struct(members) => format!(
            "`{done}` is an object, not a value: continue with one of {}, e.g. {done}.{}",
            members.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
            members.first().map_or("", |(n, _)| *n)
        ),
        List(_) => format!(
            "`{done}` is a list: select an element by position or name and continue, e.g. {done}[0] or {done}['name']"
        ),
        _ => format!("`{done}` is a map: select an entry by key, e.g. {done}['name']"),
    })
}

/// The path up to segment `last` and `indexes` of its indexes, as messages show it.
fn shown_prefix(segments: &[expr::PathSegment], last: usize, indexes: usize) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (i, seg) in segments.iter().take(last + 1).enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(seg.name);
        let n = if i == last { indexes } else { seg.indexes.len() };
        for index in seg.indexes.iter().take(n) {
            let _ = write!(out, "{index}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    static TREE: StepProperties = StepProperties {
        source: "a test tree",
        root: Struct(&[
            ("Name", Leaf),
            ("Outputs", List(&Struct(&[("Uri", Leaf)]))),
            ("Env", Map),
            ("Loose", Any),
            ("Args", STRINGS),
        ]),
        examples: &["Name", "Outputs['o'].Uri"],
    };

    #[test]
    fn string_map_entries() {
        let t = PropertyTree::Modelled(&TREE);
        assert!(is_string_map_entry(t, "Env['X']"));
        assert!(!is_string_map_entry(t, "Env"));
        assert!(!is_string_map_entry(t, "Outputs['o'].Uri"));
        assert!(!is_string_map_entry(PropertyTree::Unmodelled, "Env['X']"));
    }

    /// The machinery alone; each step type's tree is tested with the registry
    /// (`provider::steps`).
    #[test]
    fn paths_against_a_tree() {
        let t = PropertyTree::Modelled(&TREE);
        for ok in [
            "Name",
            "Outputs['o'].Uri",
            "Outputs[0].Uri",
            "Env['k']",
            "Loose.X[1].Y",
            "Args",
            "Args[2]",
        ] {
            assert_eq!(check_property_path("T", t, ok), Ok(()), "{ok}");
        }
        for (bad, needle) in [
            ("Nmae", "Did you mean `Name`?"),
            ("Outputs", "is a list"),
            ("Outputs[0]", "continue with one of Uri"),
            ("Env", "is a map"),
            ("Env[0]", "select an entry by key"),
            ("Name[0]", "cannot be indexed"),
            ("Name.X", "is a value and has no property `X`"),
            ("PropertyFiles.R", "PropertyFiles.<file>.<json path>"),
            ("", "not a valid property path"),
        ] {
            let e = check_property_path("T", t, bad).expect_err(bad);
            assert!(e.contains(needle), "{bad}: {e}");
        }
        // The path checked so far, as messages show it.
        for (bad, start) in [
            ("Outputs[0]", "`Outputs[0]` is an object, not a value: continue with one of Uri, e.g. Outputs[0].Uri"),
            ("Env[0]", "`Env` is a map: select an entry by key, e.g. Env['name']"),
            ("Outputs['o'].Uri.X", "`Outputs['o'].Uri` is a value and has no property `X`."),
            ("Outputs[3].Uri[1]", "`Outputs[3].Uri` is not a list or map"),
            ("Outputs['o'].Url", "`Url` is not a property of `Outputs['o']`. Did you mean `Uri`? `Outputs['o']` has Uri."),
        ] {
            let e = check_property_path("T", t, bad).expect_err(bad);
            assert!(e.starts_with(start), "{bad}: {e}");
        }
        assert_eq!(
            check_property_path("X", PropertyTree::Unmodelled, "Anything['x'][0].Goes"),
            Ok(())
        );
        assert!(check_property_path("X", PropertyTree::Unmodelled, "a..b").is_err());
        let e = check_property_path("Fail", PropertyTree::NotReferable, "ErrorMessage")
            .expect_err("fail");
        assert!(e.contains("no properties"), "{e}");
    }
}
