//! `sagemaker_transform_step`: a batch transform job (`Type: Transform`, the CreateTransformJob
//! request as `Arguments`) that runs a model, typically `sagemaker_model_step.x.model_name`,
//! over S3 data and writes the predictions to `output_path`.
//!
//! Shapes follow the SDK's transform request: `TransformInput{DataSource{S3DataSource{S3DataType,
//! S3Uri}}, ContentType?, SplitType?, CompressionType?}`, `TransformOutput{S3OutputPath, Accept?,
//! AssembleWith?, KmsKeyId?}`, `TransformResources{InstanceCount, InstanceType,
//! VolumeKmsKeyId?}`, with `S3DataType: S3Prefix` and `InstanceCount: 1` by default, and
//! `DataProcessing{InputFilter?, OutputFilter?, JoinSource?}` only when set (the SDK's
//! `_prepare_data_processing`). The job name is left out (SageMaker generates it per run).
//! `TransformResources` and the KMS keys come from the shared job layer ([`super::job`]).
//!
//! Layout: schema, compile, exports, tests.

use serde_json::{json, Map, Value as Json};

use super::common::{given, put, string_map, Ctx};
use super::job::{self, one_of, tags};
use super::{Export, StepKind};
use crate::compiler::policy::{self, Permission};
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block, NestedBlock};
use crate::tfvalue::{Type, Value};

pub struct Transform;

const DATA_TYPES: [&str; 3] = ["S3Prefix", "ManifestFile", "AugmentedManifestFile"];
use crate::compiler::dag::{
    ASSEMBLE_WITH, BATCH_STRATEGIES, COMPRESSION_TYPES, JOIN_SOURCES, SPLIT_TYPES,
};

/// A `DataProcessing` filter: a JSONPath expression, which starts at the record (`$`), or a
/// `{{ }}` reference (SageMaker's pattern allows at most 63 characters).
fn jsonpath_validator() -> crate::framework::Validator {
    crate::framework::validators::string_check(
        |s| crate::compiler::expr::has_expression(s) || (s.starts_with('$') && s.chars().count() <= 63),
        "Invalid JSONPath filter",
        "Write a JSONPath expression of at most 63 characters starting at the record with $, e.g. \"$[1:]\" (every CSV column but the first) or \"$.features\".",
    )
}

// ---- schema -------------------------------------------------------------------------------

fn data_processing_block() -> Block {
    Block::new("Filters and joins of the records around the model (`DataProcessing`, the SDK's `input_filter`, `output_filter` and `join_source` of `Transformer.transform`). Only the attributes set are sent.")
        .attr(Attribute::optional("input_filter", Type::String, "JSONPath selecting the part of each input record sent to the model (`InputFilter`), e.g. `$[1:]` (drop the first CSV column).").validate(jsonpath_validator()))
        .attr(Attribute::optional("output_filter", Type::String, "JSONPath selecting the part of each (joined) result written (`OutputFilter`), e.g. `$[0,-1]`.").validate(jsonpath_validator()))
        .attr(Attribute::optional("join_source", Type::String, "`Input` (join each result with its input record) or `None` (`JoinSource`)."))
}

fn input_block() -> Block {
    Block::new("The data to transform (`TransformInput`). Required.")
        .attr(Attribute::required("s3_uri", Type::String, "S3 URI of the data or a reference, e.g. `sagemaker_processing_step.prep.outputs[\"test\"]` or `{{ Parameters.BatchData }}`."))
        .attr(Attribute::optional("content_type", Type::String, "MIME type of the data, e.g. `text/csv`."))
        .attr(Attribute::optional("split_type", Type::String, "How to split files into records: `None`, `Line`, `RecordIO` or `TFRecord`."))
        .attr(Attribute::optional("data_type", Type::String, "`S3Prefix` (default), `ManifestFile` or `AugmentedManifestFile` (`S3DataSource.S3DataType`)."))
        .attr(Attribute::optional("compression_type", Type::String, "`None` or `Gzip`."))
}

impl StepTypeFacts for Transform {
    fn step_type(&self) -> &'static str {
        "Transform"
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::Modelled(&properties::TREE)
    }
    fn step_defaults_taken(&self) -> &'static [StepDefault] {
        &[StepDefault::VolumeKmsKey, StepDefault::OutputKmsKey, StepDefault::Tags]
    }
    fn apply_step_defaults(&self, args: &mut Map<String, Json>, d: &StepDefaults) {
        if let Some(r) = args.get_mut("TransformResources").and_then(Json::as_object_mut) {
            step_type::set_default(r, "VolumeKmsKeyId", &d.volume_kms_key_id);
        }
        if let Some(o) = args.get_mut("TransformOutput").and_then(Json::as_object_mut) {
            step_type::set_default(o, "KmsKeyId", &d.output_kms_key_id);
        }
        step_type::merge_tags(args, d);
    }
    fn string_maps(&self) -> &'static [&'static str] {
        &["Environment"]
    }
    fn arguments_are_user_named(&self) -> bool {
        false
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        None
    }
    fn named_lists(&self) -> &'static [step_type::NamedList] {
        &[]
    }
    fn property_files(&self) -> bool {
        false
    }
    fn instance_types(&self) -> &'static [&'static str] {
        super::instance_types::JobKind::Transform.instance_types()
    }
    fn cache_key(&self) -> Option<&'static [&'static [&'static str]]> {
        Some(step_type::cache_keys::TRANSFORM)
    }
    fn permissions(&self) -> &'static [Permission] {
        &[Permission::SageMakerJob(&policy::TRANSFORM_JOB)]
    }
}

impl StepKind for Transform {
    fn type_name(&self) -> &'static str {
        "sagemaker_transform_step"
    }
    fn description(&self) -> &'static str {
        "A transform step: a batch transform job that runs a model over S3 data and writes the predictions to S3. Compiled at plan time; no API call. What the job's API request has that this step cannot express yet is listed in [coverage](../coverage.md); the generic `sagemaker_step` covers it meanwhile."
    }
    fn cacheable(&self) -> bool {
        true
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::required("model_name", Type::String, "The model to run: typically `sagemaker_model_step.create.model_name` (`{{ Steps.CreateModel.ModelName }}`), or the name of an existing model."))
            .attr(Attribute::required("instance_type", Type::String, "Instance type, e.g. `ml.m5.large`, or a reference to a String parameter."))
            .attr(Attribute::optional("instance_count", Type::String, "Number of instances (default 1), or a reference to an Integer parameter."))
            .attr(Attribute::required("output_path", Type::String, "S3 prefix the results are written to (`TransformOutput.S3OutputPath`), e.g. `s3://my-bucket/{{ Execution.PipelineExecutionId }}/scores`."))
            .attr(Attribute::optional("accept", Type::String, "MIME type of the results, e.g. `text/csv`."))
            .attr(Attribute::optional("assemble_with", Type::String, "How results are joined per output file: `None` or `Line`."))
            .attr(Attribute::optional("environment", string_map(), "Environment variables of the model container (up to 16); values may hold references.").validate(crate::provider::steps::common::environment_validator(16, 1024, 10_240)))
            .attr(Attribute::optional("max_concurrent_transforms", Type::String, "Parallel requests per instance."))
            .attr(Attribute::optional("max_payload_in_mb", Type::String, "Maximum size of one request payload in MB (0-100)."))
            .attr(Attribute::optional("batch_strategy", Type::String, "`MultiRecord` or `SingleRecord` records per request."))
            .attr(Attribute::optional("volume_kms_key_id", Type::String, "KMS key for the instances' storage volume (`TransformResources.VolumeKmsKeyId`). Defaults to `step_defaults.volume_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("output_kms_key_id", Type::String, "KMS key for the results (`TransformOutput.KmsKeyId`). Defaults to `step_defaults.output_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("tags", string_map(), "Tags of the transform job, merged over `step_defaults.tags`.").validate(crate::provider::steps::common::tags_validator("job")))
            .block(NestedBlock::single("input", input_block()))
            .block(NestedBlock::single("data_processing", data_processing_block()))
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let mut args = Map::new();
        let model = ctx.string(cfg, "model_name", &root);
        // A literal name (a reference compiles to an object): CreateTransformJob's ModelName
        // pattern, 1-63 letters, digits and inner hyphens; an ARN is the usual slip.
        if let Some(name) = model.as_ref().and_then(Json::as_str) {
            if !super::common::valid_sagemaker_name(name, 63) {
                let fix = if name.starts_with("arn:") {
                    "Give the model's name, not its ARN: the part after \"model/\", or sagemaker_model_step.x.model_name."
                } else {
                    "Model names are 1-63 letters, digits and hyphens, not starting or ending with a hyphen, e.g. sagemaker_model_step.x.model_name."
                };
                ctx.local_error(
                    AttrPath::root("model_name"),
                    format!("Invalid model_name {}", crate::compiler::expr::shown(name)),
                    fix,
                );
            }
        }
        put(&mut args, "ModelName", model);

        match cfg.get("input").filter(|i| !i.is_null()) {
            Some(input) => {
                let path = AttrPath::root("input");
                let mut s3 = Map::new();
                s3.insert("S3DataType".into(), one_of(ctx, input, "data_type", &path, &DATA_TYPES).unwrap_or_else(|| json!("S3Prefix")));
                put(&mut s3, "S3Uri", ctx.s3_uri(input, "s3_uri", &path));
                let mut t = Map::new();
                t.insert("DataSource".into(), json!({ "S3DataSource": s3 }));
                put(&mut t, "ContentType", ctx.string(input, "content_type", &path));
                put(&mut t, "SplitType", one_of(ctx, input, "split_type", &path, &SPLIT_TYPES));
                put(&mut t, "CompressionType", one_of(ctx, input, "compression_type", &path, &COMPRESSION_TYPES));
                args.insert("TransformInput".into(), Json::Object(t));
            }
            None => ctx.error_of(
                AttrPath::root("input"),
                "Missing input block",
                "A transform step needs the data to transform: add input { s3_uri = \"s3://my-bucket/batch\" }.",
            ),
        }

        let mut output = Map::new();
        put(&mut output, "S3OutputPath", ctx.s3_uri(cfg, "output_path", &root));
        put(&mut output, "Accept", ctx.string(cfg, "accept", &root));
        put(&mut output, "AssembleWith", one_of(ctx, cfg, "assemble_with", &root, &ASSEMBLE_WITH));
        put(&mut output, "KmsKeyId", job::output_kms_key(ctx, cfg));
        args.insert("TransformOutput".into(), Json::Object(output));

        args.insert("TransformResources".into(), job::transform_resources(ctx, cfg));

        put(
            &mut args,
            "BatchStrategy",
            one_of(ctx, cfg, "batch_strategy", &root, &BATCH_STRATEGIES),
        );
        put(
            &mut args,
            "MaxConcurrentTransforms",
            ctx.count(cfg, "max_concurrent_transforms", &root, 0, None),
        );
        let payload = ctx.count(cfg, "max_payload_in_mb", &root, 0, None);
        if payload.as_ref().and_then(Json::as_i64).is_some_and(|p| p > 100) {
            ctx.error_of(
                AttrPath::root("max_payload_in_mb"),
                "max_payload_in_mb is too large",
                "SageMaker accepts at most 100 MB per request.",
            );
        }
        put(&mut args, "MaxPayloadInMB", payload);
        // The number of variables is checked by the attribute's validator (at most 16).
        if let Some(env) = ctx.string_map(cfg, "environment", &root, true) {
            args.insert("Environment".into(), Json::Object(env));
        }
        if let Some(dp) = cfg.get("data_processing").filter(|d| !d.is_null()) {
            let path = AttrPath::root("data_processing");
            let mut d = Map::new();
            put(&mut d, "InputFilter", ctx.string(dp, "input_filter", &path));
            put(&mut d, "OutputFilter", ctx.string(dp, "output_filter", &path));
            put(&mut d, "JoinSource", one_of(ctx, dp, "join_source", &path, &JOIN_SOURCES));
            let all_null =
                ["input_filter", "output_filter", "join_source"].iter().all(|a| !given(dp, a));
            if all_null {
                ctx.error_of(
                    path,
                    "Empty data_processing block",
                    "Set at least one of input_filter, output_filter, join_source; or remove the block.",
                );
            } else {
                args.insert("DataProcessing".into(), Json::Object(d));
            }
        }
        put(&mut args, "Tags", tags(cfg));
        step.insert("Arguments".into(), Json::Object(args));
    }

    fn exports(&self) -> Vec<Export> {
        vec![Export {
            name: "output_uri",
            ty: Type::String,
            description: "`{{ Steps.<name>.TransformOutput.S3OutputPath }}`: where the results are, for later steps.",
            value: |name, _| Value::string(format!("{{{{ Steps.{name}.TransformOutput.S3OutputPath }}}}")),
        }]
    }
}

/// What `{{ Steps.<name>.<path> }}` may reference on a Transform step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    /// DescribeTransformJob.
    pub static TREE: StepProperties = StepProperties {
        source: "the DescribeTransformJob response",
        root: Struct(&[
            ("TransformJobName", Leaf),
            ("TransformJobArn", Leaf),
            ("TransformJobStatus", Leaf),
            ("FailureReason", Leaf),
            ("ModelName", Leaf),
            ("MaxConcurrentTransforms", Leaf),
            (
                "ModelClientConfig",
                Struct(&[("InvocationsTimeoutInSeconds", Leaf), ("InvocationsMaxRetries", Leaf)]),
            ),
            ("MaxPayloadInMB", Leaf),
            ("BatchStrategy", Leaf),
            ("Environment", Map),
            (
                "TransformInput",
                Struct(&[
                    (
                        "DataSource",
                        Struct(&[(
                            "S3DataSource",
                            Struct(&[("S3DataType", Leaf), ("S3Uri", Leaf)]),
                        )]),
                    ),
                    ("ContentType", Leaf),
                    ("CompressionType", Leaf),
                    ("SplitType", Leaf),
                ]),
            ),
            (
                "TransformOutput",
                Struct(&[
                    ("S3OutputPath", Leaf),
                    ("Accept", Leaf),
                    ("AssembleWith", Leaf),
                    ("KmsKeyId", Leaf),
                ]),
            ),
            (
                "DataCaptureConfig",
                Struct(&[
                    ("DestinationS3Uri", Leaf),
                    ("KmsKeyId", Leaf),
                    ("GenerateInferenceId", Leaf),
                ]),
            ),
            (
                "TransformResources",
                Struct(&[
                    ("InstanceType", Leaf),
                    ("InstanceCount", Leaf),
                    ("VolumeKmsKeyId", Leaf),
                    ("TransformAmiVersion", Leaf),
                ]),
            ),
            ("CreationTime", Leaf),
            ("TransformStartTime", Leaf),
            ("TransformEndTime", Leaf),
            ("LabelingJobArn", Leaf),
            ("AutoMLJobArn", Leaf),
            (
                "DataProcessing",
                Struct(&[("InputFilter", Leaf), ("OutputFilter", Leaf), ("JoinSource", Leaf)]),
            ),
            ("ExperimentConfig", EXPERIMENT_CONFIG),
        ]),
        examples: &["TransformOutput.S3OutputPath", "TransformJobName", "TransformJobStatus"],
    };
}

#[cfg(test)]
mod tests {
    use super::super::StepResource;
    use super::*;

    /// Fresh-eyes finding: filters that are no JSONPath ("[1:]", "0,-1") passed plan.
    #[test]
    fn filters_are_jsonpath() {
        let problems = |text: &str| {
            let mut d = crate::framework::Diagnostics::new();
            jsonpath_validator().check(&Value::string(text), &AttrPath::root("f"), &mut d);
            d.0.len()
        };
        for good in ["$", "$[1:]", "$['id','SageMakerOutput']", "{{ Parameters.Filter }}"] {
            assert_eq!(problems(good), 0, "{good}");
        }
        for bad in ["[1:]", "0,-1", "", &format!("${}", "x".repeat(63))] {
            assert_eq!(problems(bad), 1, "{bad}");
        }
    }

    fn compile(v: &Value) -> Result<Json, Vec<(String, String)>> {
        match StepResource(Transform).compile(v) {
            (Some(text), _) => Ok(serde_json::from_str(&text).expect("json")),
            (None, d) => Err(d
                .iter()
                .map(|d| (d.path.clone().unwrap_or_default().to_string(), d.summary.clone()))
                .collect()),
        }
    }

    fn base(input: Value, extra: Vec<(&str, Value)>) -> Value {
        let mut attrs = vec![
            ("name", Value::string("BatchScore")),
            ("model_name", Value::string("{{ Steps.CreateModel.ModelName }}")),
            ("instance_type", Value::string("ml.m5.large")),
            ("output_path", Value::string("s3://my-bucket/scores")),
            ("input", input),
        ];
        attrs.extend(extra);
        Value::object(attrs)
    }

    fn input(split: Option<&str>) -> Value {
        Value::object([
            ("s3_uri", Value::string("s3://my-bucket/batch")),
            ("content_type", Value::string("text/csv")),
            ("split_type", split.map(Value::string).unwrap_or(Value::Null)),
            ("data_type", Value::Null),
            ("compression_type", Value::Null),
        ])
    }

    #[test]
    fn sdk_shape_with_defaults() {
        let j = compile(&base(input(Some("Line")), vec![])).expect("compiles");
        assert_eq!(
            j["Arguments"],
            json!({
                "ModelName": {"Get": "Steps.CreateModel.ModelName"},
                "TransformInput": {
                    "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://my-bucket/batch"}},
                    "ContentType": "text/csv",
                    "SplitType": "Line"
                },
                "TransformOutput": {"S3OutputPath": "s3://my-bucket/scores"},
                "TransformResources": {"InstanceCount": 1, "InstanceType": "ml.m5.large"}
            })
        );
    }

    #[test]
    fn missing_input_and_bad_split_type() {
        let err = compile(&base(Value::Null, vec![])).unwrap_err();
        assert_eq!(err, vec![("input".to_string(), "Missing input block".to_string())]);
        let err = compile(&base(input(Some("Lines")), vec![])).unwrap_err();
        assert_eq!(
            err,
            vec![("input.split_type".to_string(), "Invalid split_type \"Lines\"".to_string())]
        );
    }

    /// Fresh-eyes finding: a model ARN where the model's name goes passed plan.
    #[test]
    fn model_name_is_a_name() {
        let with = |name: &str| {
            let mut cfg = base(input(None), vec![]);
            crate::provider::model::set(&mut cfg, "model_name", Value::string(name));
            compile(&cfg)
        };
        let err = with("arn:aws:sagemaker:us-east-1:123456789012:model/my-model").unwrap_err();
        assert_eq!(err.len(), 1, "{err:?}");
        assert_eq!(err[0].0, "model_name");
        assert!(err[0].1.starts_with("Invalid model_name"), "{err:?}");
        assert!(with("my-model-2").is_ok());
        assert!(with("-bad").is_err());
    }

    #[test]
    fn data_processing_only_what_is_set() {
        let dp = |i: Value, o: Value, j: Value| {
            Value::object([("input_filter", i), ("output_filter", o), ("join_source", j)])
        };
        let j = compile(&base(
            input(None),
            vec![(
                "data_processing",
                dp(Value::string("$[1:]"), Value::Null, Value::string("Input")),
            )],
        ))
        .expect("compiles");
        assert_eq!(
            j["Arguments"]["DataProcessing"],
            json!({"InputFilter": "$[1:]", "JoinSource": "Input"})
        );
        let err = compile(&base(
            input(None),
            vec![("data_processing", dp(Value::Null, Value::Null, Value::string("Output")))],
        ))
        .unwrap_err();
        assert_eq!(
            err,
            vec![(
                "data_processing.join_source".to_string(),
                "Invalid join_source \"Output\"".to_string()
            )]
        );
        let err = compile(&base(
            input(None),
            vec![("data_processing", dp(Value::Null, Value::Null, Value::Null))],
        ))
        .unwrap_err();
        assert_eq!(err[0].1, "Empty data_processing block");
    }

    #[test]
    fn payload_limit() {
        let err = compile(&base(input(None), vec![("max_payload_in_mb", Value::string("101"))]))
            .unwrap_err();
        assert_eq!(err[0].0, "max_payload_in_mb");
        let j = compile(&base(input(None), vec![("max_payload_in_mb", Value::string("6"))]))
            .expect("compiles");
        assert_eq!(j["Arguments"]["MaxPayloadInMB"], 6);
    }
}
