//! `sagemaker_processing_step`: a SageMaker Processing job (`Type: Processing`), with the
//! SDK's defaults for every field the API requires, a `code` script the way the SDK's
//! ScriptProcessor mounts it, and property files other steps read with `{{ Steps.X.PropertyFiles... }}`.
//!
//! Layout: schema, compile, exports, tests.

use serde_json::{json, Map, Value as Json};

use super::common::{every, put, string_list, string_map, Ctx};
use super::job;
use super::{Export, StepKind};
use crate::compiler::policy::{self, Permission};
use crate::compiler::step_type::StepDefault;
use crate::compiler::{
    dag::StepDefaults, expr, properties::PropertyTree, step_type, StepTypeFacts,
};
use crate::framework::{validators, AttrPath, Attribute, Block, NestedBlock};
use crate::provider::model::{self, Known};
use crate::tfvalue::{Type, Value};

pub struct Processing;

/// Most inputs, and most outputs, a processing job takes (`ProcessingInputs`,
/// `ProcessingOutputs`); the `code` input counts as one.
const MAX_INPUTS: usize = 10;

/// Most items of `ContainerEntrypoint` and of `ContainerArguments`, and the longest item.
const MAX_LIST_ITEMS: usize = 100;
const MAX_ITEM_CHARS: usize = 256;

/// Each item of a string list against [`MAX_ITEM_CHARS`], counting its literal text only: a
/// reference's value is known at run time (re-check finding: the `{{ }}` text was counted).
fn check_item_lengths(ctx: &mut Ctx, cfg: &Value, attr: &str) {
    let Some(items) = cfg.get(attr).and_then(Value::as_list) else { return };
    for (i, item) in items.iter().enumerate() {
        let Some(text) = item.as_str() else { continue };
        let literal: usize = match expr::parse_template(text) {
            Ok(segments) => expr::literal_texts(&segments).map(|t| t.chars().count()).sum(),
            // Reported where the item is compiled.
            Err(_) => continue,
        };
        if literal > MAX_ITEM_CHARS {
            ctx.local_error(
                AttrPath::root(attr).index(i),
                format!("{attr} item is too long"),
                format!("SageMaker takes at most {MAX_ITEM_CHARS} characters per item; this one has {literal} besides its references. Pass long values through a file in S3 (an input) or the environment."),
            );
        }
    }
}

/// Where the SDK mounts a processing script.
pub const CODE_DIR: &str = "/opt/ml/processing/input/code";

// ---- schema -------------------------------------------------------------------------------

/// An input or output name SageMaker takes and references can select: not empty (two empty
/// names cannot be told apart, and a step reads an output as `Outputs['<name>']`), no quote
/// (it would end that path), no control character.
fn valid_channel_name(s: &str) -> bool {
    !s.is_empty() && !s.contains(['\'', '"']) && !s.chars().any(char::is_control)
}

/// A property file name references can address: `{{ Steps.<step>.PropertyFiles.<name>.<path> }}`
/// ends the name at the first `.`, so it is letters, digits, `-` and `_` (helper finding: an
/// empty name was accepted, and no reference could reach it).
fn valid_property_file_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn input_block() -> Block {
    Block::new("A processing input: S3 data copied into the container before the job starts.")
        .attr(
            Attribute::optional(
                "name",
                Type::String,
                "Input name; defaults to `input-<n>` (1-based), as the SDK names them.",
            )
            .validate(validators::string_check(
                valid_channel_name,
                "Invalid input name",
                "Give the input a name without quotes or control characters, e.g. \"train\", or leave name out for the SDK's input-<n>.",
            )),
        )
        .attr(Attribute::required(
            "source",
            Type::String,
            "S3 URI or a reference, e.g. `{{ Parameters.InputData }}`.",
        ))
        .attr(Attribute::required(
            "destination",
            Type::String,
            "Container folder SageMaker puts the input in: under `/opt/ml/processing/`, e.g. `/opt/ml/processing/input`.",
        ))
        .attr(Attribute::optional(
            "s3_data_type",
            Type::String,
            "`S3Prefix` (default) or `ManifestFile`.",
        ))
        .attr(Attribute::optional("s3_input_mode", Type::String, "`File` (default) or `Pipe`."))
        .attr(Attribute::optional(
            "s3_data_distribution_type",
            Type::String,
            "`FullyReplicated` (default) or `ShardedByS3Key`.",
        ))
}

fn output_block() -> Block {
    Block::new("A processing output: a container folder uploaded to S3 when the job ends.")
        .attr(
            Attribute::required(
                "name",
                Type::String,
                "Output name; other steps read it as `outputs[\"<name>\"]`.",
            )
            .validate(validators::string_check(
                valid_channel_name,
                "Invalid output name",
                "Give the output a name without quotes or control characters, e.g. \"train\": later steps select it as Outputs['<name>'].",
            )),
        )
        .attr(Attribute::required(
            "source",
            Type::String,
            "Absolute path of the container folder the job writes this output to, e.g. `/opt/ml/processing/train`.",
        ))
        .attr(Attribute::required(
            "destination",
            Type::String,
            "S3 URI or a reference, e.g. `s3://bucket/{{ Execution.PipelineExecutionId }}/train`.",
        ))
        .attr(Attribute::optional(
            "s3_upload_mode",
            Type::String,
            "`EndOfJob` (default) or `Continuous`.",
        ))
}

fn property_file_block() -> Block {
    Block::new("A JSON file among the outputs that later steps and conditions read values from, e.g. `{{ Steps.Evaluate.PropertyFiles.Report.metrics.mse.value }}`.")
        .attr(Attribute::required("name", Type::String, "Property file name used in references: letters, digits, `-` and `_`.").validate(validators::string_check(
            valid_property_file_name,
            "Invalid property file name",
            "Use 1-256 letters, digits, - and _, e.g. \"EvaluationReport\": references name the file as {{ Steps.<step>.PropertyFiles.<name>.<json path> }}.",
        )))
        .attr(Attribute::required("output_name", Type::String, "The `output` whose folder holds the file."))
        .attr(Attribute::required("path", Type::String, "File path relative to that output, e.g. `evaluation.json`."))
}

impl StepTypeFacts for Processing {
    fn step_type(&self) -> &'static str {
        "Processing"
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::Modelled(&properties::TREE)
    }
    fn step_defaults_taken(&self) -> &'static [StepDefault] {
        &[
            StepDefault::Role,
            StepDefault::Network,
            StepDefault::VolumeKmsKey,
            StepDefault::OutputKmsKey,
            StepDefault::Tags,
        ]
    }
    fn apply_step_defaults(&self, args: &mut Map<String, Json>, d: &StepDefaults) {
        step_type::processing_job_defaults(args, d);
        step_type::merge_tags(args, d);
    }
    fn string_maps(&self) -> &'static [&'static str] {
        &["Environment", "ContainerArguments"]
    }
    fn arguments_are_user_named(&self) -> bool {
        false
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        Some(&["RoleArn"])
    }
    fn named_lists(&self) -> &'static [step_type::NamedList] {
        &[
            step_type::NamedList {
                property: &["ProcessingOutputConfig", "Outputs"],
                declared_at: &["Arguments", "ProcessingOutputConfig", "Outputs"],
                key: "OutputName",
                what: "output",
                fix: "Add an output { name = \"...\" source = \"/opt/ml/processing/...\" destination = \"s3://...\" } block to step {step}, or use one it has",
                unchecked_when_none: None,
            },
            step_type::NamedList {
                property: &["ProcessingInputs"],
                declared_at: &["Arguments", "ProcessingInputs"],
                key: "InputName",
                what: "input",
                fix: "Use an input step {step} has",
                unchecked_when_none: None,
            },
        ]
    }
    fn property_files(&self) -> bool {
        true
    }
    fn instance_types(&self) -> &'static [&'static str] {
        super::instance_types::JobKind::Processing.instance_types()
    }
    fn cache_key(&self) -> Option<&'static [&'static [&'static str]]> {
        Some(step_type::cache_keys::PROCESSING)
    }
    fn permissions(&self) -> &'static [Permission] {
        &[Permission::SageMakerJob(&policy::PROCESSING_JOB)]
    }
}

impl StepKind for Processing {
    fn type_name(&self) -> &'static str {
        "sagemaker_processing_step"
    }
    fn description(&self) -> &'static str {
        "A processing step: runs a container (e.g. a scikit-learn script) on S3 data and uploads its outputs. Compiled at plan time; no API call. What the job's API request has that this step cannot express yet is listed in [coverage](../coverage.md); the generic `sagemaker_step` covers it meanwhile."
    }
    fn cacheable(&self) -> bool {
        true
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::required("image_uri", Type::String, "Container image URI, e.g. `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3`.").validate(crate::provider::steps::common::image_uri_validator()))
            .attr(Attribute::optional("role_arn", Type::String, &format!("{}{}", "IAM role of the job. Defaults to the pipeline's `step_defaults.role_arn`.", super::common::ROLE_DEFAULT_NOTE)).validate(crate::provider::steps::common::role_arn_validator()))
            .attr(Attribute::required("instance_type", Type::String, "Instance type, e.g. `ml.m5.xlarge`, or a reference to a String parameter."))
            .attr(Attribute::optional("instance_count", Type::String, "Number of instances, 1 to 100 (default 1), or a reference to an Integer parameter."))
            .attr(Attribute::optional("volume_size_in_gb", Type::String, "Storage volume size in GB, 1 to 16384 (default 30)."))
            .attr(Attribute::optional("volume_kms_key_id", Type::String, "KMS key for the storage volume. Defaults to `step_defaults.volume_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("output_kms_key_id", Type::String, "KMS key for the outputs. Defaults to `step_defaults.output_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("max_runtime_in_seconds", Type::String, "Maximum runtime of the job in seconds, 1 to 777600 (9 days)."))
            .attr(Attribute::optional("environment", string_map(), "Environment variables of the container; values may hold references.").validate(crate::provider::steps::common::environment_validator(100, 256, 256)))
            .attr(Attribute::optional("container_entrypoint", string_list(), "Entrypoint, e.g. `[\"python3\"]` (the default when `code` is set): at most 100 items of up to 256 characters.").validate(validators::list_length(MAX_LIST_ITEMS)))
            .attr(Attribute::optional("container_arguments", string_list(), "Arguments passed to the entrypoint, at most 100 of up to 256 characters; may hold references. An Integer, Float or Boolean parameter as a whole argument (`\"{{ Parameters.Epochs }}\"`) is passed as text, as the SDK's `to_string()` writes it.").validate(validators::list_length(MAX_LIST_ITEMS)))
            .attr(Attribute::optional("code", Type::String, "S3 URI of a script, e.g. `s3://bucket/code/preprocess.py`: mounted at `/opt/ml/processing/input/code` and appended to the entrypoint, as the SDK's ScriptProcessor does."))
            .attr(Attribute::optional("tags", string_map(), "Tags of the processing job, merged over `step_defaults.tags`.").validate(crate::provider::steps::common::tags_validator("job")))
            .block(NestedBlock::list("input", input_block()).max_items(MAX_INPUTS as i64))
            .block(NestedBlock::list("output", output_block()).max_items(MAX_INPUTS as i64))
            .block(NestedBlock::list("property_file", property_file_block()))
            .block(job::network_block())
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let mut args = Map::new();

        args.insert("ProcessingResources".into(), job::processing_resources(ctx, cfg, None));

        let mut app = Map::new();
        put(&mut app, "ImageUri", ctx.string(cfg, "image_uri", &root));
        let code = model::string(cfg, "code").value();
        let mut entrypoint = ctx.string_list(cfg, "container_entrypoint", &root);
        if let Some(code) = &code {
            let file = code.rsplit('/').next().unwrap_or_default();
            if !code.starts_with("s3://")
                || file.is_empty()
                || crate::compiler::expr::has_expression(code)
            {
                ctx.local_error(
                    AttrPath::root("code"),
                    format!("Invalid code location {code:?}"),
                    "Give the S3 URI of the script itself, e.g. \"s3://my-bucket/code/preprocess.py\" (upload it with an aws_s3_object).",
                );
            }
            let mut e = entrypoint.take().unwrap_or_else(|| vec![json!("python3")]);
            let script = format!("{CODE_DIR}/{file}");
            // The script's path joins the entrypoint: the API's limits count it (re-check
            // finding: 100 items with code deployed 101, a long file name an item of 273).
            // More than the limit without the script is `list_length`'s error already.
            if e.len() == MAX_LIST_ITEMS || script.chars().count() > MAX_ITEM_CHARS {
                ctx.error_from(
                    &[AttrPath::root("code"), AttrPath::root("container_entrypoint")],
                    AttrPath::root("code"),
                    "The entrypoint with the script is too long",
                    format!("`code` adds the script's path ({} characters) to container_entrypoint, and SageMaker takes at most {MAX_LIST_ITEMS} entrypoint items of up to {MAX_ITEM_CHARS} characters: shorten the file name, or use at most {} items in container_entrypoint.", script.chars().count(), MAX_LIST_ITEMS - 1),
                );
            }
            e.push(json!(script));
            entrypoint = Some(e);
        }
        for attr in ["container_entrypoint", "container_arguments"] {
            check_item_lengths(ctx, cfg, attr);
        }
        put(&mut app, "ContainerEntrypoint", entrypoint.map(Json::Array));
        // A parameter as a whole argument is turned into text as the SDK's `to_string` does
        // (`["--epochs", epochs.to_string()]`): the job takes strings, and an Integer, Float or
        // Boolean parameter is not one. The pipeline undoes it for String parameters, which the
        // SDK passes bare. Step properties and execution variables stay bare, as the SDK
        // writes them.
        let arguments = ctx.string_list(cfg, "container_arguments", &root).map(|items| {
            items
                .into_iter()
                .map(|a| if is_parameter(&a) { expr::to_string_expr(a) } else { a })
                .collect()
        });
        put(&mut app, "ContainerArguments", arguments.map(Json::Array));
        args.insert("AppSpecification".into(), Json::Object(app));
        put(&mut args, "RoleArn", ctx.string(cfg, "role_arn", &root));

        let mut inputs = Vec::new();
        let mut input_names = std::collections::BTreeSet::new();
        for (i, b) in model::blocks(cfg, "input").iter().enumerate() {
            let path = AttrPath::root("input").index(i);
            let name =
                model::string(b, "name").value().unwrap_or_else(|| format!("input-{}", i + 1));
            if !input_names.insert(name.clone()) {
                ctx.error_from(
                    &[every(AttrPath::root("input"), "name")],
                    path.clone().attr("name"),
                    format!("Duplicate input name {name:?}"),
                    "Give each input a unique name.",
                );
            }
            let destination = model::string(b, "destination").value();
            if let Some(d) = &destination {
                if code.is_some() && d.trim_end_matches('/') == CODE_DIR {
                    ctx.error_from(
                        &[AttrPath::root("code"), path.clone().attr("destination")],
                        path.clone().attr("destination"),
                        format!("Input {name:?} goes where the code goes"),
                        format!("The `code` attribute puts the script in {CODE_DIR}; give this input another folder under {}.", job::PROCESSING_DIR),
                    );
                } else if !expr::has_expression(d)
                    && (!d.starts_with(job::PROCESSING_DIR) || d.len() > 256)
                {
                    ctx.local_error(
                        path.clone().attr("destination"),
                        format!("Invalid input destination {}", expr::shown(d)),
                        format!("SageMaker writes a processing input to a folder under {} in the container (at most 256 characters), e.g. \"/opt/ml/processing/input\"; the script reads it from there.", job::PROCESSING_DIR),
                    );
                }
            }
            let data_type =
                job::one_of(ctx, b, "s3_data_type", &path, &job::PROCESSING_S3_DATA_TYPES);
            let mode = job::one_of(ctx, b, "s3_input_mode", &path, &job::PROCESSING_INPUT_MODES);
            let distribution =
                job::one_of(ctx, b, "s3_data_distribution_type", &path, &job::DISTRIBUTION_TYPES);
            inputs.push(job::processing_s3_input(
                &name,
                ctx.s3_uri(b, "source", &path),
                destination,
                data_type,
                mode,
                distribution,
            ));
        }
        if let Some(code) = code {
            if !input_names.insert("code".into()) {
                let named_code = model::blocks(cfg, "input")
                    .iter()
                    .position(|b| b.get_str("name") == Some("code"))
                    .map(|i| AttrPath::root("input").index(i).attr("name"))
                    .unwrap_or_else(|| AttrPath::root("input"));
                ctx.error_from(
                    &[AttrPath::root("code"), AttrPath::root("input")],
                    named_code,
                    "An input is named \"code\"",
                    "The `code` attribute adds an input named \"code\"; rename your input.",
                );
            }
            // The SDK appends the code input after the step's own inputs.
            inputs.push(job::processing_s3_input(
                "code",
                Some(Json::String(code)),
                Some(CODE_DIR.into()),
                None,
                None,
                None,
            ));
        }
        if inputs.len() > MAX_INPUTS {
            // Only `code` can take the list past the block limit Terraform enforces.
            ctx.error_from(
                &[AttrPath::root("code"), AttrPath::root("input")],
                AttrPath::root("code"),
                format!("Too many processing inputs ({})", inputs.len()),
                format!("SageMaker takes at most {MAX_INPUTS} inputs per processing job, and `code` adds one to the input blocks: use at most {} input blocks with code, or put the script in the image (container_entrypoint) or in one of the inputs.", MAX_INPUTS - 1),
            );
        }
        if !inputs.is_empty() {
            args.insert("ProcessingInputs".into(), Json::Array(inputs));
        }

        let mut outputs = Vec::new();
        let mut output_names = std::collections::BTreeSet::new();
        for (i, b) in model::blocks(cfg, "output").iter().enumerate() {
            let path = AttrPath::root("output").index(i);
            let name = model::string(b, "name").value().unwrap_or_default();
            if !output_names.insert(name.clone()) {
                ctx.error_from(
                    &[every(AttrPath::root("output"), "name")],
                    path.clone().attr("name"),
                    format!("Duplicate output name {name:?}"),
                    "Give each output a unique name.",
                );
            }
            let uri = ctx.s3_uri(b, "destination", &path);
            let mode = job::one_of(ctx, b, "s3_upload_mode", &path, &job::UPLOAD_MODES)
                .unwrap_or_else(|| json!("EndOfJob"));
            let source = model::string(b, "source").value();
            let invalid =
                |s: &&str| !expr::has_expression(s) && (!s.starts_with('/') || s.len() > 256);
            if let Some(s) = source.as_deref().filter(invalid) {
                ctx.local_error(
                    path.clone().attr("source"),
                    format!("Invalid output source {}", expr::shown(s)),
                    "Give the absolute path of the container folder the job writes this output to (at most 256 characters), e.g. \"/opt/ml/processing/train\"; SageMaker uploads its contents when the job ends.",
                );
            }
            outputs.push(job::processing_s3_output(&name, uri, source.map(Json::String), mode));
        }
        if !outputs.is_empty() {
            args.insert(
                "ProcessingOutputConfig".into(),
                job::processing_output_config(ctx, cfg, outputs),
            );
        } else if model::string(cfg, "output_kms_key_id").value().is_some() {
            ctx.error_from(
                &[AttrPath::root("output")],
                AttrPath::root("output_kms_key_id"),
                "output_kms_key_id without outputs",
                "Add an output block, or remove output_kms_key_id.",
            );
        }

        put(&mut args, "StoppingCondition", job::processing_stopping_condition(ctx, cfg));
        put(
            &mut args,
            "Environment",
            ctx.string_map(cfg, "environment", &root, true).map(Json::Object),
        );
        put(&mut args, "NetworkConfig", job::network_config(cfg, ctx));
        put(&mut args, "Tags", job::tags(cfg));
        step.insert("Arguments".into(), Json::Object(args));

        let mut files = Vec::new();
        let mut file_names = std::collections::BTreeSet::new();
        for (i, b) in model::blocks(cfg, "property_file").iter().enumerate() {
            let path = AttrPath::root("property_file").index(i);
            let name = model::string(b, "name").value().unwrap_or_default();
            let output = model::string(b, "output_name").value().unwrap_or_default();
            if !file_names.insert(name.clone()) {
                ctx.error_from(
                    &[every(AttrPath::root("property_file"), "name")],
                    path.clone().attr("name"),
                    format!("Duplicate property file {name:?}"),
                    "Give each property file a unique name.",
                );
            }
            if !output_names.contains(&output) {
                ctx.error_from(
                    &[
                        every(AttrPath::root("output"), "name"),
                        path.clone().attr("output_name"),
                        path.clone().attr("name"),
                    ],
                    path.clone().attr("output_name"),
                    format!("Property file {name:?} names output {output:?}, which this step does not have"),
                    format!(
                        "{}Use one of this step's outputs: {}.",
                        crate::compiler::expr::did_you_mean(&output, output_names.iter().map(String::as_str)).map(|c| format!("Did you mean '{c}'? ")).unwrap_or_default(),
                        if output_names.is_empty() { "none (add an output block)".to_string() } else { output_names.iter().cloned().collect::<Vec<_>>().join(", ") }
                    ),
                );
            }
            let file = model::string(b, "path").value().unwrap_or_default();
            let inside_output = !file.trim().is_empty()
                && !file.starts_with('/')
                && !file.contains("://")
                && !file.split('/').any(|part| part == "..");
            if !inside_output && model::string(b, "path") != Known::Unknown {
                ctx.local_error(
                    path.clone().attr("path"),
                    format!("Invalid property file path {}", expr::shown(&file)),
                    "Give the file's path relative to the output named by output_name, e.g. \"evaluation.json\" for a file the script writes to <the output's source>/evaluation.json. SageMaker reads it from the output's S3 location after the job.",
                );
            }
            files.push(json!({"PropertyFileName": name, "OutputName": output, "FilePath": file}));
        }
        if !files.is_empty() {
            step.insert("PropertyFiles".into(), Json::Array(files));
        }
    }

    fn exports(&self) -> Vec<Export> {
        vec![Export {
            name: "outputs",
            ty: string_map(),
            description: "Output name -> `{{ Steps.<name>.ProcessingOutputConfig.Outputs['<output>'].S3Output.S3Uri }}`, to feed later steps.",
            value: |name, cfg| {
                let Some(blocks) = cfg.get("output").and_then(Value::as_list) else { return Value::Unknown };
                let mut m = std::collections::BTreeMap::new();
                for b in blocks {
                    match model::string(b, "name").value() {
                        Some(o) => {
                            m.insert(o.clone(), Value::string(format!("{{{{ Steps.{name}.ProcessingOutputConfig.Outputs['{o}'].S3Output.S3Uri }}}}")));
                        }
                        None => return Value::Unknown,
                    }
                }
                Value::Map(m)
            },
        }]
    }
}

/// Whether a compiled value is a bare parameter reference, `{"Get": "Parameters.X"}`.
fn is_parameter(v: &Json) -> bool {
    v.as_object().is_some_and(|o| {
        o.len() == 1
            && o.get("Get").and_then(Json::as_str).is_some_and(|g| g.starts_with("Parameters."))
    })
}

/// What `{{ Steps.<name>.<path> }}` may reference on a Processing step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    /// DescribeProcessingJob.
    pub static TREE: StepProperties = StepProperties {
        source: "the DescribeProcessingJob response",
        root: Struct(&[
            (
                "ProcessingInputs",
                List(&Struct(&[
                    ("InputName", Leaf),
                    ("AppManaged", Leaf),
                    (
                        "S3Input",
                        Struct(&[
                            ("S3Uri", Leaf),
                            ("LocalPath", Leaf),
                            ("S3DataType", Leaf),
                            ("S3InputMode", Leaf),
                            ("S3DataDistributionType", Leaf),
                            ("S3CompressionType", Leaf),
                        ]),
                    ),
                    ("DatasetDefinition", Any),
                ])),
            ),
            (
                "ProcessingOutputConfig",
                Struct(&[
                    (
                        "Outputs",
                        List(&Struct(&[
                            ("OutputName", Leaf),
                            (
                                "S3Output",
                                Struct(&[
                                    ("S3Uri", Leaf),
                                    ("LocalPath", Leaf),
                                    ("S3UploadMode", Leaf),
                                ]),
                            ),
                            ("FeatureStoreOutput", Struct(&[("FeatureGroupName", Leaf)])),
                            ("AppManaged", Leaf),
                        ])),
                    ),
                    ("KmsKeyId", Leaf),
                ]),
            ),
            ("ProcessingJobName", Leaf),
            (
                "ProcessingResources",
                Struct(&[(
                    "ClusterConfig",
                    Struct(&[
                        ("InstanceCount", Leaf),
                        ("InstanceType", Leaf),
                        ("VolumeSizeInGB", Leaf),
                        ("VolumeKmsKeyId", Leaf),
                    ]),
                )]),
            ),
            ("StoppingCondition", Struct(&[("MaxRuntimeInSeconds", Leaf)])),
            (
                "AppSpecification",
                Struct(&[
                    ("ImageUri", Leaf),
                    ("ContainerEntrypoint", STRINGS),
                    ("ContainerArguments", STRINGS),
                ]),
            ),
            ("Environment", Map),
            (
                "NetworkConfig",
                Struct(&[
                    ("EnableInterContainerTrafficEncryption", Leaf),
                    ("EnableNetworkIsolation", Leaf),
                    ("VpcConfig", VPC_CONFIG),
                ]),
            ),
            ("RoleArn", Leaf),
            ("ExperimentConfig", EXPERIMENT_CONFIG),
            ("ProcessingJobArn", Leaf),
            ("ProcessingJobStatus", Leaf),
            ("ExitMessage", Leaf),
            ("FailureReason", Leaf),
            ("ProcessingEndTime", Leaf),
            ("ProcessingStartTime", Leaf),
            ("LastModifiedTime", Leaf),
            ("CreationTime", Leaf),
            ("MonitoringScheduleArn", Leaf),
            ("AutoMLJobArn", Leaf),
            ("TrainingJobArn", Leaf),
        ]),
        examples: &[
            "ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri",
            "ProcessingInputs['input-1'].S3Input.S3Uri",
            "ProcessingJobName",
            "ProcessingJobStatus",
        ],
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiler::definition::{self, ParameterInput, PipelineInput};
    use crate::provider::steps::{step_type_facts, StepResource};

    /// Helper findings: a step naming its own properties or itself in `depends_on_steps`,
    /// and malformed VPC IDs, were caught only at plan (or not at all); now each is an error
    /// at its attribute, from the step alone (so `terraform validate` reports it).
    #[test]
    fn self_references_and_vpc_ids_are_errors_of_the_step() {
        let cfg = |extra: Vec<(&str, Value)>| {
            let mut attrs = vec![
                ("name", Value::string("Prep")),
                ("image_uri", Value::string("1.dkr.ecr.us-east-1.amazonaws.com/i:1")),
                ("instance_type", Value::string("ml.m5.xlarge")),
                ("role_arn", Value::string("arn:aws:iam::123456789012:role/r")),
            ];
            attrs.extend(extra);
            Value::object(attrs)
        };
        let messages = |v: &Value| -> Vec<String> {
            StepResource(Processing)
                .compile(v)
                .1
                .iter()
                .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
                .collect()
        };
        // Item lengths count literal text, not references; the script `code` adds counts
        // (re-check findings).
        let long_ref = format!("--x={}{{{{ Parameters.Long }}}}", "a".repeat(236));
        assert!(messages(&cfg(vec![(
            "container_arguments",
            Value::list([Value::string(&long_ref)])
        )]))
        .is_empty());
        let too_long = format!("--x={}{{{{ Parameters.Long }}}}", "a".repeat(253));
        assert_eq!(
            messages(&cfg(vec![("container_arguments", Value::list([Value::string(&too_long)]))])),
            ["container_arguments[0]: container_arguments item is too long"]
        );
        let hundred = Value::list((0..100).map(|i| Value::string(format!("e{i}"))));
        let code = ("code", Value::string("s3://b/c/x.py"));
        assert_eq!(
            messages(&cfg(vec![("container_entrypoint", hundred), code.clone()])),
            ["code: The entrypoint with the script is too long"]
        );
        let long_file = Value::string(format!("s3://b/c/{}.py", "a".repeat(240)));
        assert_eq!(
            messages(&cfg(vec![("code", long_file)])),
            ["code: The entrypoint with the script is too long"]
        );
        assert!(messages(&cfg(vec![code])).is_empty());
        let own = "--run={{ Steps.Prep.ProcessingJobName }}";
        assert_eq!(
            messages(&cfg(vec![
                ("container_arguments", Value::list([Value::string("x"), Value::string(own)])),
                ("depends_on_steps", Value::list([Value::string("Prep")])),
            ])),
            [
                "depends_on_steps[0]: Step \"Prep\" depends on itself",
                "container_arguments[1]: Step \"Prep\" refers to itself",
            ]
        );
        // The exports of a planned value are this step's own references, by design (helper
        // finding: every plan after the first apply failed on them).
        let mut planned = cfg(vec![(
            "outputs",
            Value::map([(
                "out",
                Value::string(
                    "{{ Steps.Prep.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri }}",
                ),
            )]),
        )]);
        assert!(messages(&planned).is_empty());
        if let Value::Object(m) = &mut planned {
            m.insert("json".into(), Value::string(r#"{"Name":"Prep"}"#));
        }
        assert!(messages(&planned).is_empty());
        // Another step whose name starts with this one's is not this one.
        let other = "{{ Steps.Prep2.ProcessingJobName }}";
        assert!(messages(&cfg(vec![("container_arguments", Value::list([Value::string(other)]))]))
            .is_empty());
        let network = |subnets: &[&str], groups: &[&str]| {
            let list = |l: &[&str]| Value::list(l.iter().map(|s| Value::string(*s)));
            (
                "network",
                Value::object([
                    ("enable_network_isolation", Value::Null),
                    (
                        "vpc_config",
                        Value::object([
                            ("subnets", list(subnets)),
                            ("security_group_ids", list(groups)),
                        ]),
                    ),
                ]),
            )
        };
        assert!(messages(&cfg(vec![network(
            &["subnet-0a1b", "{{ Parameters.Subnet }}"],
            &["sg-0a1b"]
        )]))
        .is_empty());
        assert_eq!(
            messages(&cfg(vec![network(&["", "subnet-1"], &["subnet-2"])])),
            [
                "network.vpc_config.subnets[0]: A subnet ID is empty",
                "network.vpc_config.security_group_ids[0]: \"subnet-2\" is not a security group ID",
            ]
        );
    }

    /// Fresh-eyes finding: `"{{ Parameters.Count }}"` as an argument compiled to the bare
    /// Integer; the job takes strings. Non-String parameters become text as the SDK's
    /// `to_string` writes it; a String parameter, a step property and an execution variable stay
    /// bare, as the SDK writes them.
    #[test]
    fn parameters_as_container_arguments_are_text() {
        let args = [
            "{{ Parameters.Count }}",
            "{{ Parameters.Flag }}",
            "{{ Parameters.Mode }}",
            "{{ Execution.PipelineExecutionId }}",
            "--n={{ Parameters.Count }}",
        ];
        let cfg = Value::object([
            ("name", Value::string("Prep")),
            ("image_uri", Value::string("1.dkr.ecr.us-east-1.amazonaws.com/i:1")),
            ("instance_type", Value::string("ml.m5.xlarge")),
            ("role_arn", Value::string("arn:aws:iam::123456789012:role/r")),
            ("container_arguments", Value::list(args.iter().map(|a| Value::string(*a)))),
        ]);
        let (step, diags) = StepResource(Processing).compile(&cfg);
        assert!(diags.is_empty(), "{diags:?}");
        let param = |name: &str, ty: &str| ParameterInput {
            name: name.into(),
            type_name: Some(ty.into()),
            default: None,
            enum_values: vec![],
        };
        let input = PipelineInput {
            parameters: vec![
                param("Count", "Integer"),
                param("Flag", "Boolean"),
                param("Mode", "String"),
            ],
            steps: vec![step.expect("compiled")],
            ..Default::default()
        };
        let (def, diags) = definition::compile(&input, step_type_facts);
        assert!(diags.is_empty(), "{diags:?}");
        let def: Json = serde_json::from_str(&def.expect("definition")).expect("json");
        let text = |p: &str| json!({"Std:Join": {"On": "", "Values": [{"Get": p}]}});
        assert_eq!(
            def["Steps"][0]["Arguments"]["AppSpecification"]["ContainerArguments"],
            json!([
                text("Parameters.Count"),
                text("Parameters.Flag"),
                {"Get": "Parameters.Mode"},
                {"Get": "Execution.PipelineExecutionId"},
                {"Std:Join": {"On": "", "Values": ["--n=", {"Get": "Parameters.Count"}]}},
            ])
        );
    }
}
