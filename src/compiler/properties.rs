//! Which property paths each step type exposes to `{{ Steps.<name>.<path> }}` references.
//!
//! A step's properties are the response of the Describe call for the job it runs (SageMaker
//! resolves `Steps.Train.ModelArtifacts.S3ModelArtifacts` against DescribeTrainingJob), or a
//! small synthetic set (Condition `Outcome`, Lambda/Callback `OutputParameters['name']`,
//! QualityCheck/ClarifyCheck baselines). Each type's shape is a static tree below: structures
//! by member name, lists indexed by position `[0]` or by the element's name `['train']`, and
//! string maps indexed by key `['epochs']`. Rarely referenced corners are `Any` (not modelled:
//! any well-formed continuation is accepted) rather than guessed.
//!
//! A path must end at a value: a scalar, a list of scalars, or an `Any` corner; stopping at a
//! structure (`ModelArtifacts`) is an error that lists how to continue. Step types not known
//! here (future types used through `sagemaker_step`) accept any well-formed path.
//!
//! Depends on `expr` (path syntax). Pure: no IO, no async, never panics. Must NOT know which
//! steps exist in a pipeline or what their outputs are named: the pipeline validator asks
//! this module about one step type and one path at a time.

use super::expr::{self, Index};

#[derive(Debug)]
enum Shape {
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

struct StepProperties {
    /// Where the shape comes from, for messages.
    source: &'static str,
    root: Shape,
    examples: &'static [&'static str],
}

const STRINGS: Shape = List(&Leaf);

const VPC_CONFIG: Shape = Struct(&[("SecurityGroupIds", STRINGS), ("Subnets", STRINGS)]);

const EXPERIMENT_CONFIG: Shape = Struct(&[
    ("ExperimentName", Leaf),
    ("TrialName", Leaf),
    ("TrialComponentDisplayName", Leaf),
    ("RunName", Leaf),
]);

const S3_DATA_SOURCE: Shape = Struct(&[
    ("S3DataType", Leaf),
    ("S3Uri", Leaf),
    ("S3DataDistributionType", Leaf),
    ("AttributeNames", STRINGS),
    ("InstanceGroupNames", STRINGS),
    ("ModelAccessConfig", Any),
    ("HubAccessConfig", Any),
]);

const CHANNEL: Shape = Struct(&[
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

const RULE_CONFIGURATION: Shape = Struct(&[
    ("RuleConfigurationName", Leaf),
    ("LocalPath", Leaf),
    ("S3OutputPath", Leaf),
    ("RuleEvaluatorImage", Leaf),
    ("InstanceType", Leaf),
    ("VolumeSizeInGB", Leaf),
    ("RuleParameters", Map),
]);

const RULE_EVALUATION_STATUS: Shape = Struct(&[
    ("RuleConfigurationName", Leaf),
    ("RuleEvaluationJobArn", Leaf),
    ("RuleEvaluationStatus", Leaf),
    ("StatusDetails", Leaf),
    ("LastModifiedTime", Leaf),
]);

/// DescribeProcessingJob.
static PROCESSING: StepProperties = StepProperties {
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
                            Struct(&[("S3Uri", Leaf), ("LocalPath", Leaf), ("S3UploadMode", Leaf)]),
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

/// DescribeTrainingJob.
static TRAINING: StepProperties = StepProperties {
    source: "the DescribeTrainingJob response",
    root: Struct(&[
        ("TrainingJobName", Leaf),
        ("TrainingJobArn", Leaf),
        ("TuningJobArn", Leaf),
        ("LabelingJobArn", Leaf),
        ("AutoMLJobArn", Leaf),
        ("ModelArtifacts", Struct(&[("S3ModelArtifacts", Leaf)])),
        ("TrainingJobStatus", Leaf),
        ("SecondaryStatus", Leaf),
        ("FailureReason", Leaf),
        ("HyperParameters", Map),
        (
            "AlgorithmSpecification",
            Struct(&[
                ("TrainingImage", Leaf),
                ("AlgorithmName", Leaf),
                ("TrainingInputMode", Leaf),
                ("MetricDefinitions", List(&Struct(&[("Name", Leaf), ("Regex", Leaf)]))),
                ("EnableSageMakerMetricsTimeSeries", Leaf),
                ("ContainerEntrypoint", STRINGS),
                ("ContainerArguments", STRINGS),
                ("TrainingImageConfig", Any),
            ]),
        ),
        ("RoleArn", Leaf),
        ("InputDataConfig", List(&CHANNEL)),
        (
            "OutputDataConfig",
            Struct(&[("KmsKeyId", Leaf), ("S3OutputPath", Leaf), ("CompressionType", Leaf)]),
        ),
        (
            "ResourceConfig",
            Struct(&[
                ("InstanceType", Leaf),
                ("InstanceCount", Leaf),
                ("VolumeSizeInGB", Leaf),
                ("VolumeKmsKeyId", Leaf),
                ("KeepAlivePeriodInSeconds", Leaf),
                (
                    "InstanceGroups",
                    List(&Struct(&[
                        ("InstanceType", Leaf),
                        ("InstanceCount", Leaf),
                        ("InstanceGroupName", Leaf),
                    ])),
                ),
                ("TrainingPlanArn", Leaf),
                ("InstancePlacementConfig", Any),
            ]),
        ),
        (
            "WarmPoolStatus",
            Struct(&[
                ("Status", Leaf),
                ("ResourceRetainedBillableTimeInSeconds", Leaf),
                ("ReusedByJob", Leaf),
            ]),
        ),
        ("VpcConfig", VPC_CONFIG),
        (
            "StoppingCondition",
            Struct(&[
                ("MaxRuntimeInSeconds", Leaf),
                ("MaxWaitTimeInSeconds", Leaf),
                ("MaxPendingTimeInSeconds", Leaf),
            ]),
        ),
        ("CreationTime", Leaf),
        ("TrainingStartTime", Leaf),
        ("TrainingEndTime", Leaf),
        ("LastModifiedTime", Leaf),
        (
            "SecondaryStatusTransitions",
            List(&Struct(&[
                ("Status", Leaf),
                ("StartTime", Leaf),
                ("EndTime", Leaf),
                ("StatusMessage", Leaf),
            ])),
        ),
        (
            "FinalMetricDataList",
            List(&Struct(&[("MetricName", Leaf), ("Value", Leaf), ("Timestamp", Leaf)])),
        ),
        ("EnableNetworkIsolation", Leaf),
        ("EnableInterContainerTrafficEncryption", Leaf),
        ("EnableManagedSpotTraining", Leaf),
        ("CheckpointConfig", Struct(&[("S3Uri", Leaf), ("LocalPath", Leaf)])),
        ("TrainingTimeInSeconds", Leaf),
        ("BillableTimeInSeconds", Leaf),
        ("BillableTokenCount", Leaf),
        (
            "DebugHookConfig",
            Struct(&[
                ("LocalPath", Leaf),
                ("S3OutputPath", Leaf),
                ("HookParameters", Map),
                (
                    "CollectionConfigurations",
                    List(&Struct(&[("CollectionName", Leaf), ("CollectionParameters", Map)])),
                ),
            ]),
        ),
        ("ExperimentConfig", EXPERIMENT_CONFIG),
        ("DebugRuleConfigurations", List(&RULE_CONFIGURATION)),
        ("TensorBoardOutputConfig", Struct(&[("LocalPath", Leaf), ("S3OutputPath", Leaf)])),
        ("DebugRuleEvaluationStatuses", List(&RULE_EVALUATION_STATUS)),
        (
            "ProfilerConfig",
            Struct(&[
                ("S3OutputPath", Leaf),
                ("ProfilingIntervalInMilliseconds", Leaf),
                ("ProfilingParameters", Map),
                ("DisableProfiler", Leaf),
            ]),
        ),
        ("ProfilerRuleConfigurations", List(&RULE_CONFIGURATION)),
        ("ProfilerRuleEvaluationStatuses", List(&RULE_EVALUATION_STATUS)),
        ("ProfilingStatus", Leaf),
        ("Environment", Map),
        ("RetryStrategy", Struct(&[("MaximumRetryAttempts", Leaf)])),
        ("RemoteDebugConfig", Struct(&[("EnableRemoteDebug", Leaf)])),
        ("InfraCheckConfig", Struct(&[("EnableInfraCheck", Leaf)])),
        ("ServerlessJobConfig", Any),
        ("MlflowConfig", Any),
        ("ModelPackageConfig", Any),
        ("MlflowDetails", Any),
        ("ProgressInfo", Any),
        ("OutputModelPackageArn", Leaf),
    ]),
    examples: &[
        "ModelArtifacts.S3ModelArtifacts",
        "FinalMetricDataList['validation:rmse'].Value",
        "HyperParameters['epochs']",
        "TrainingJobName",
        "OutputDataConfig.S3OutputPath",
    ],
};

/// DescribeTransformJob.
static TRANSFORM: StepProperties = StepProperties {
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
                    Struct(&[("S3DataSource", Struct(&[("S3DataType", Leaf), ("S3Uri", Leaf)]))]),
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

/// One training job of a tuning job (BestTrainingJob, TrainingJobSummaries[i]).
const TRAINING_JOB_SUMMARY: Shape = Struct(&[
    ("TrainingJobDefinitionName", Leaf),
    ("TrainingJobName", Leaf),
    ("TrainingJobArn", Leaf),
    ("TuningJobName", Leaf),
    ("CreationTime", Leaf),
    ("TrainingStartTime", Leaf),
    ("TrainingEndTime", Leaf),
    ("TrainingJobStatus", Leaf),
    ("TunedHyperParameters", Map),
    ("FailureReason", Leaf),
    (
        "FinalHyperParameterTuningJobObjectiveMetric",
        Struct(&[("Type", Leaf), ("MetricName", Leaf), ("Value", Leaf)]),
    ),
    ("ObjectiveStatus", Leaf),
]);

/// DescribeHyperParameterTuningJob plus ListTrainingJobsForHyperParameterTuningJob.
static TUNING: StepProperties = StepProperties {
    source: "the DescribeHyperParameterTuningJob and ListTrainingJobsForHyperParameterTuningJob responses",
    root: Struct(&[
        ("HyperParameterTuningJobName", Leaf),
        ("HyperParameterTuningJobArn", Leaf),
        ("HyperParameterTuningJobConfig", Any),
        ("TrainingJobDefinition", Any),
        ("TrainingJobDefinitions", Any),
        ("HyperParameterTuningJobStatus", Leaf),
        ("CreationTime", Leaf),
        ("HyperParameterTuningEndTime", Leaf),
        ("LastModifiedTime", Leaf),
        (
            "TrainingJobStatusCounters",
            Struct(&[
                ("Completed", Leaf),
                ("InProgress", Leaf),
                ("RetryableError", Leaf),
                ("NonRetryableError", Leaf),
                ("Stopped", Leaf),
            ]),
        ),
        ("ObjectiveStatusCounters", Struct(&[("Succeeded", Leaf), ("Pending", Leaf), ("Failed", Leaf)])),
        ("BestTrainingJob", TRAINING_JOB_SUMMARY),
        ("OverallBestTrainingJob", TRAINING_JOB_SUMMARY),
        ("WarmStartConfig", Any),
        ("Autotune", Struct(&[("Mode", Leaf)])),
        ("FailureReason", Leaf),
        (
            "TuningJobCompletionDetails",
            Struct(&[("NumberOfTrainingJobsObjectiveNotImproving", Leaf), ("ConvergenceDetectedTime", Leaf)]),
        ),
        ("ConsumedResources", Struct(&[("RuntimeInSeconds", Leaf)])),
        ("TrainingJobSummaries", List(&TRAINING_JOB_SUMMARY)),
    ]),
    examples: &[
        "BestTrainingJob.TrainingJobName",
        "BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value",
        "TrainingJobSummaries[0].TrainingJobName",
        "HyperParameterTuningJobName",
    ],
};

const CONTAINER: Shape = Struct(&[
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

/// DescribeModel.
static MODEL: StepProperties = StepProperties {
    source: "the DescribeModel response",
    root: Struct(&[
        ("ModelName", Leaf),
        ("PrimaryContainer", CONTAINER),
        ("Containers", List(&CONTAINER)),
        ("InferenceExecutionConfig", Struct(&[("Mode", Leaf)])),
        ("ExecutionRoleArn", Leaf),
        ("VpcConfig", VPC_CONFIG),
        ("CreationTime", Leaf),
        ("ModelArn", Leaf),
        ("EnableNetworkIsolation", Leaf),
        ("DeploymentRecommendation", Any),
    ]),
    examples: &["ModelName", "ModelArn"],
};

const USER_CONTEXT: Shape = Struct(&[
    ("UserProfileArn", Leaf),
    ("UserProfileName", Leaf),
    ("DomainId", Leaf),
    ("IamIdentity", Struct(&[("Arn", Leaf), ("PrincipalId", Leaf), ("SourceIdentity", Leaf)])),
]);

/// DescribeModelPackage.
static REGISTER_MODEL: StepProperties = StepProperties {
    source: "the DescribeModelPackage response",
    root: Struct(&[
        ("ModelPackageName", Leaf),
        ("ModelPackageGroupName", Leaf),
        ("ModelPackageVersion", Leaf),
        ("ModelPackageRegistrationType", Leaf),
        ("ModelPackageArn", Leaf),
        ("ModelPackageDescription", Leaf),
        ("CreationTime", Leaf),
        ("InferenceSpecification", Any),
        ("SourceAlgorithmSpecification", Any),
        ("ValidationSpecification", Any),
        ("ModelPackageStatus", Leaf),
        ("ModelPackageStatusDetails", Any),
        ("CertifyForMarketplace", Leaf),
        ("ModelApprovalStatus", Leaf),
        ("CreatedBy", USER_CONTEXT),
        (
            "MetadataProperties",
            Struct(&[
                ("CommitId", Leaf),
                ("Repository", Leaf),
                ("GeneratedBy", Leaf),
                ("ProjectId", Leaf),
            ]),
        ),
        ("ModelMetrics", Any),
        ("LastModifiedTime", Leaf),
        ("LastModifiedBy", USER_CONTEXT),
        ("ApprovalDescription", Leaf),
        ("Domain", Leaf),
        ("Task", Leaf),
        ("SamplePayloadUrl", Leaf),
        ("CustomerMetadataProperties", Map),
        ("DriftCheckBaselines", Any),
        ("AdditionalInferenceSpecifications", Any),
        ("SkipModelValidation", Leaf),
        ("SourceUri", Leaf),
        ("SecurityConfig", Struct(&[("KmsKeyId", Leaf)])),
        ("ModelCard", Struct(&[("ModelCardContent", Leaf), ("ModelCardStatus", Leaf)])),
        (
            "ModelLifeCycle",
            Struct(&[("Stage", Leaf), ("StageStatus", Leaf), ("StageDescription", Leaf)]),
        ),
        ("ManagedStorageType", Leaf),
    ]),
    examples: &[
        "ModelPackageArn",
        "ModelPackageVersion",
        "ModelPackageGroupName",
        "ModelApprovalStatus",
    ],
};

const AUTOML_COMPLETION_CRITERIA: Shape = Struct(&[
    ("MaxCandidates", Leaf),
    ("MaxRuntimePerTrainingJobInSeconds", Leaf),
    ("MaxAutoMLJobRuntimeInSeconds", Leaf),
]);

const AUTOML_OBJECTIVE: Shape = Struct(&[("MetricName", Leaf)]);

/// DescribeAutoMLJob, plus the SDK's synthetic BestCandidateProperties.
static AUTOML: StepProperties = StepProperties {
    source: "the DescribeAutoMLJob response",
    root: Struct(&[
        ("AutoMLJobName", Leaf),
        ("AutoMLJobArn", Leaf),
        (
            "InputDataConfig",
            List(&Struct(&[
                (
                    "DataSource",
                    Struct(&[("S3DataSource", Struct(&[("S3DataType", Leaf), ("S3Uri", Leaf)]))]),
                ),
                ("CompressionType", Leaf),
                ("TargetAttributeName", Leaf),
                ("ContentType", Leaf),
                ("ChannelType", Leaf),
                ("SampleWeightAttributeName", Leaf),
            ])),
        ),
        ("OutputDataConfig", Struct(&[("KmsKeyId", Leaf), ("S3OutputPath", Leaf)])),
        ("RoleArn", Leaf),
        ("AutoMLJobObjective", AUTOML_OBJECTIVE),
        ("ProblemType", Leaf),
        (
            "AutoMLJobConfig",
            Struct(&[
                ("CompletionCriteria", AUTOML_COMPLETION_CRITERIA),
                (
                    "SecurityConfig",
                    Struct(&[
                        ("VolumeKmsKeyId", Leaf),
                        ("EnableInterContainerTrafficEncryption", Leaf),
                        ("VpcConfig", VPC_CONFIG),
                    ]),
                ),
                (
                    "CandidateGenerationConfig",
                    Struct(&[
                        ("FeatureSpecificationS3Uri", Leaf),
                        ("AlgorithmsConfig", List(&Struct(&[("AutoMLAlgorithms", STRINGS)]))),
                    ]),
                ),
                ("DataSplitConfig", Struct(&[("ValidationFraction", Leaf)])),
                ("Mode", Leaf),
            ]),
        ),
        ("CreationTime", Leaf),
        ("EndTime", Leaf),
        ("LastModifiedTime", Leaf),
        ("FailureReason", Leaf),
        ("PartialFailureReasons", List(&Struct(&[("PartialFailureMessage", Leaf)]))),
        (
            "BestCandidate",
            Struct(&[
                ("CandidateName", Leaf),
                (
                    "FinalAutoMLJobObjectiveMetric",
                    Struct(&[
                        ("Type", Leaf),
                        ("MetricName", Leaf),
                        ("Value", Leaf),
                        ("StandardMetricName", Leaf),
                    ]),
                ),
                ("ObjectiveStatus", Leaf),
                (
                    "CandidateSteps",
                    List(&Struct(&[
                        ("CandidateStepType", Leaf),
                        ("CandidateStepArn", Leaf),
                        ("CandidateStepName", Leaf),
                    ])),
                ),
                ("CandidateStatus", Leaf),
                (
                    "InferenceContainers",
                    List(&Struct(&[("Image", Leaf), ("ModelDataUrl", Leaf), ("Environment", Map)])),
                ),
                ("CreationTime", Leaf),
                ("EndTime", Leaf),
                ("LastModifiedTime", Leaf),
                ("FailureReason", Leaf),
                (
                    "CandidateProperties",
                    Struct(&[
                        (
                            "CandidateArtifactLocations",
                            Struct(&[
                                ("Explainability", Leaf),
                                ("ModelInsights", Leaf),
                                ("BacktestResults", Leaf),
                            ]),
                        ),
                        (
                            "CandidateMetrics",
                            List(&Struct(&[
                                ("MetricName", Leaf),
                                ("StandardMetricName", Leaf),
                                ("Value", Leaf),
                                ("Set", Leaf),
                            ])),
                        ),
                    ]),
                ),
                // A map of lists of containers per processing unit (`CPU`, `GPU`).
                ("InferenceContainerDefinitions", Any),
            ]),
        ),
        ("AutoMLJobStatus", Leaf),
        ("AutoMLJobSecondaryStatus", Leaf),
        ("GenerateCandidateDefinitionsOnly", Leaf),
        (
            "AutoMLJobArtifacts",
            Struct(&[
                ("CandidateDefinitionNotebookLocation", Leaf),
                ("DataExplorationNotebookLocation", Leaf),
            ]),
        ),
        (
            "ResolvedAttributes",
            Struct(&[
                ("AutoMLJobObjective", AUTOML_OBJECTIVE),
                ("ProblemType", Leaf),
                ("CompletionCriteria", AUTOML_COMPLETION_CRITERIA),
            ]),
        ),
        (
            "ModelDeployConfig",
            Struct(&[("AutoGenerateEndpointName", Leaf), ("EndpointName", Leaf)]),
        ),
        ("ModelDeployResult", Struct(&[("EndpointName", Leaf)])),
        (
            "BestCandidateProperties",
            Struct(&[
                ("ModelInsightsJsonReportPath", Leaf),
                ("ExplainabilityJsonReportPath", Leaf),
            ]),
        ),
    ]),
    examples: &[
        "BestCandidate.InferenceContainers[0].ModelDataUrl",
        "BestCandidate.CandidateName",
        "BestCandidateProperties.ModelInsightsJsonReportPath",
    ],
};

/// The EMR `Step` shape (DescribeStep in the EMR API).
static EMR: StepProperties = StepProperties {
    source: "the EMR DescribeStep response's Step",
    root: Struct(&[
        ("Id", Leaf),
        ("Name", Leaf),
        (
            "Config",
            Struct(&[("Jar", Leaf), ("Properties", Map), ("MainClass", Leaf), ("Args", STRINGS)]),
        ),
        ("ActionOnFailure", Leaf),
        (
            "Status",
            Struct(&[
                ("State", Leaf),
                ("StateChangeReason", Struct(&[("Code", Leaf), ("Message", Leaf)])),
                (
                    "FailureDetails",
                    Struct(&[("Reason", Leaf), ("Message", Leaf), ("LogFile", Leaf)]),
                ),
                (
                    "Timeline",
                    Struct(&[
                        ("CreationDateTime", Leaf),
                        ("StartDateTime", Leaf),
                        ("EndDateTime", Leaf),
                    ]),
                ),
            ]),
        ),
        ("ExecutionRoleArn", Leaf),
        ("LogUri", Leaf),
        ("EncryptionKeyArn", Leaf),
    ]),
    examples: &["Id", "Status.State", "Status.FailureDetails.Reason", "Config.Args"],
};

const EMR_SERVERLESS_UTILIZATION: Shape =
    Struct(&[("vCPUHour", Leaf), ("memoryGBHour", Leaf), ("storageGBHour", Leaf)]);

const EMR_SERVERLESS_IMAGE: Shape = Struct(&[
    ("imageUri", Leaf),
    ("resolvedImageDigest", Leaf),
    ("applicationLevelDigestResolution", Leaf),
]);

/// EMR Serverless GetJobRun (the SDK 3.x `EMRServerlessStep` properties): everything is under
/// `jobRun`, in EMR Serverless's camelCase.
static EMR_SERVERLESS: StepProperties = StepProperties {
    source: "the EMR Serverless GetJobRun response",
    root: Struct(&[(
        "jobRun",
        Struct(&[
            ("applicationId", Leaf),
            ("jobRunId", Leaf),
            ("name", Leaf),
            ("arn", Leaf),
            ("createdBy", Leaf),
            ("createdAt", Leaf),
            ("updatedAt", Leaf),
            ("executionRole", Leaf),
            ("executionIamPolicy", Struct(&[("policy", Leaf), ("policyArns", STRINGS)])),
            ("state", Leaf),
            ("stateDetails", Leaf),
            ("releaseLabel", Leaf),
            // The request's overrides echoed back; deep and rarely referenced.
            ("configurationOverrides", Any),
            (
                "jobDriver",
                Struct(&[
                    (
                        "sparkSubmit",
                        Struct(&[
                            ("entryPoint", Leaf),
                            ("entryPointArguments", STRINGS),
                            ("sparkSubmitParameters", Leaf),
                        ]),
                    ),
                    (
                        "hive",
                        Struct(&[("query", Leaf), ("initQueryFile", Leaf), ("parameters", Leaf)]),
                    ),
                ]),
            ),
            ("tags", Map),
            ("totalResourceUtilization", EMR_SERVERLESS_UTILIZATION),
            (
                "networkConfiguration",
                Struct(&[("subnetIds", STRINGS), ("securityGroupIds", STRINGS)]),
            ),
            ("totalExecutionDurationSeconds", Leaf),
            ("executionTimeoutMinutes", Leaf),
            ("billedResourceUtilization", EMR_SERVERLESS_UTILIZATION),
            ("mode", Leaf),
            ("retryPolicy", Struct(&[("maxAttempts", Leaf), ("maxFailedAttemptsPerHour", Leaf)])),
            ("attempt", Leaf),
            ("attemptCreatedAt", Leaf),
            ("attemptUpdatedAt", Leaf),
            ("startedAt", Leaf),
            ("endedAt", Leaf),
            ("queuedDurationMilliseconds", Leaf),
            ("imageConfiguration", EMR_SERVERLESS_IMAGE),
            // A map of worker type -> {imageConfiguration}.
            ("workerTypeSpecifications", Any),
            ("flexExecution", Struct(&[("enabled", Leaf)])),
        ]),
    )]),
    examples: &[
        "jobRun.jobRunId",
        "jobRun.state",
        "jobRun.arn",
        "jobRun.totalExecutionDurationSeconds",
    ],
};

static CONDITION: StepProperties = StepProperties {
    source: "a condition step (only its outcome)",
    root: Struct(&[("Outcome", Leaf)]),
    examples: &["Outcome"],
};

static LAMBDA: StepProperties = StepProperties {
    source: "the step's declared outputs",
    root: Struct(&[("OutputParameters", Map)]),
    examples: &["OutputParameters['<output name>']"],
};

static QUALITY_CHECK: StepProperties = StepProperties {
    source: "a quality check step's baselines",
    root: Struct(&[
        ("CalculatedBaselineConstraints", Leaf),
        ("CalculatedBaselineStatistics", Leaf),
        ("BaselineUsedForDriftCheckConstraints", Leaf),
        ("BaselineUsedForDriftCheckStatistics", Leaf),
    ]),
    examples: &["CalculatedBaselineStatistics", "BaselineUsedForDriftCheckConstraints"],
};

static CLARIFY_CHECK: StepProperties = StepProperties {
    source: "a clarify check step's baselines",
    root: Struct(&[
        ("CalculatedBaselineConstraints", Leaf),
        ("BaselineUsedForDriftCheckConstraints", Leaf),
    ]),
    examples: &["CalculatedBaselineConstraints", "BaselineUsedForDriftCheckConstraints"],
};

/// `None` for Fail and for types not modelled here.
fn properties_of(step_type: &str) -> Option<&'static StepProperties> {
    Some(match step_type {
        "Processing" => &PROCESSING,
        "Training" => &TRAINING,
        "Transform" => &TRANSFORM,
        "Tuning" => &TUNING,
        "Model" => &MODEL,
        "RegisterModel" => &REGISTER_MODEL,
        "AutoML" => &AUTOML,
        "EMR" => &EMR,
        "EMRServerless" => &EMR_SERVERLESS,
        "Condition" => &CONDITION,
        "Lambda" | "Callback" => &LAMBDA,
        "QualityCheck" => &QUALITY_CHECK,
        "ClarifyCheck" => &CLARIFY_CHECK,
        _ => return None,
    })
}

/// Whether other steps may reference this step's properties (Fail steps have none).
pub fn referable(step_type: &str) -> bool {
    step_type != "Fail"
}

/// Whether `step_type` has a modelled property tree (others accept any well-formed path).
pub fn known_step_type(step_type: &str) -> bool {
    step_type == "Fail" || properties_of(step_type).is_some()
}

/// Whether `path` ends at an entry of a string map of `step_type` (`Environment['X']`,
/// `HyperParameters['epochs']`): a string at run time. Lambda and Callback outputs are typed, so
/// never.
pub fn is_string_map_entry(step_type: &str, path: &str) -> bool {
    if matches!(step_type, "Lambda" | "Callback") {
        return false;
    }
    let (Some(props), Ok(segments)) = (properties_of(step_type), expr::parse_path(path)) else {
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

/// Checks `path` (what follows `Steps.<name>.`) against the properties of `step_type`. The
/// error says what is wrong and how to write a valid path, with examples.
pub fn check_property_path(step_type: &str, path: &str) -> Result<(), String> {
    if !referable(step_type) {
        return Err(format!(
            "{step_type} steps end the pipeline and have no properties; nothing can reference them. Reference another step instead."
        ));
    }
    let segments = expr::parse_path(path)
        .map_err(|why| format!("{path:?} is not a valid property path: {why}"))?;
    let Some(props) = properties_of(step_type) else {
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
    // `done` is the path checked so far, for messages.
    let mut done = String::new();
    for seg in &segments {
        if matches!(shape, Any) {
            return Ok(());
        }
        let Struct(members) = shape else {
            return Err(format!(
                "`{done}` is a value and has no property `{}`. {}",
                seg.name,
                examples()
            ));
        };
        let Some((_, member)) = members.iter().find(|(n, _)| *n == seg.name) else {
            let names = members.iter().map(|(n, _)| *n);
            let hint = match expr::did_you_mean(&seg.name, names) {
                Some(c) => format!(" Did you mean `{c}`?"),
                None => String::new(),
            };
            let whose =
                if done.is_empty() { format!("a {step_type} step") } else { format!("`{done}`") };
            if done.is_empty() && seg.name == "PropertyFiles" {
                return Err(format!(
                    "a property file is read with {{{{ Steps.<name>.PropertyFiles.<file>.<json path> }}}} (a Std:JsonGet), not as a property. {}",
                    examples()
                ));
            }
            let listing = if done.is_empty() || members.len() > 12 {
                examples()
            } else {
                format!(
                    "`{done}` has {}.",
                    members.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                )
            };
            return Err(format!("`{}` is not a property of {whose}.{hint} {listing}", seg.name));
        };
        if !done.is_empty() {
            done.push('.');
        }
        done.push_str(&seg.name);
        shape = member;
        for index in &seg.indexes {
            shape = match (shape, index) {
                (Any, _) => return Ok(()),
                (List(element), _) => element,
                (Map, Index::Key(_)) => &Leaf,
                (Map, Index::Position(_)) => {
                    return Err(format!(
                        "`{done}` is a map: select an entry by key, e.g. {done}['name']"
                    ));
                }
                _ => {
                    return Err(format!(
                        "`{done}` is not a list or map, so it cannot be indexed; remove the [...]"
                    ))
                }
            };
            match index {
                Index::Position(n) => done.push_str(&format!("[{n}]")),
                Index::Key(k) => done.push_str(&format!("['{k}']")),
            }
        }
    }
    match shape {
        Leaf | Any | List(Leaf) => Ok(()),
        Struct(members) => Err(format!(
            "`{done}` is an object, not a value: continue with one of {}, e.g. {done}.{}",
            members.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
            members.first().map_or("", |(n, _)| *n)
        )),
        List(_) => Err(format!(
            "`{done}` is a list: select an element by position or name and continue, e.g. {done}[0] or {done}['name']"
        )),
        Map => Err(format!("`{done}` is a map: select an entry by key, e.g. {done}['name']")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_paths_per_type() {
        let cases: &[(&str, &str)] = &[
            ("Processing", "ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"),
            ("Processing", "ProcessingOutputConfig.Outputs[0].S3Output.S3Uri"),
            ("Processing", "ProcessingInputs['code'].S3Input.S3Uri"),
            ("Processing", "ProcessingJobName"),
            ("Processing", "ProcessingJobArn"),
            ("Processing", "ProcessingJobStatus"),
            ("Processing", "ExitMessage"),
            ("Processing", "FailureReason"),
            ("Processing", "ProcessingResources.ClusterConfig.InstanceCount"),
            ("Processing", "Environment['MODE']"),
            ("Processing", "AppSpecification.ContainerArguments"),
            ("Processing", "AppSpecification.ContainerArguments[1]"),
            (
                "Processing",
                "ProcessingInputs[0].DatasetDefinition.AthenaDatasetDefinition.OutputS3Uri",
            ),
            ("Training", "ModelArtifacts.S3ModelArtifacts"),
            ("Training", "TrainingJobName"),
            ("Training", "TrainingJobArn"),
            ("Training", "FinalMetricDataList['val:acc'].Value"),
            ("Training", "HyperParameters['epochs']"),
            ("Training", "OutputDataConfig.S3OutputPath"),
            ("Training", "TrainingJobStatus"),
            ("Training", "BillableTimeInSeconds"),
            ("Training", "InputDataConfig[0].DataSource.S3DataSource.S3Uri"),
            ("Training", "Environment['SM_INPUT_NOTEBOOK_NAME']"),
            ("Training", "DebugRuleEvaluationStatuses[0].RuleEvaluationStatus"),
            ("Transform", "TransformOutput.S3OutputPath"),
            ("Transform", "TransformJobName"),
            ("Transform", "TransformJobArn"),
            ("Transform", "TransformJobStatus"),
            ("Tuning", "BestTrainingJob.TrainingJobName"),
            ("Tuning", "BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value"),
            ("Tuning", "TrainingJobSummaries[3].TrainingJobName"),
            ("Tuning", "HyperParameterTuningJobName"),
            ("Tuning", "HyperParameterTuningJobArn"),
            ("Tuning", "HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs"),
            ("Model", "ModelName"),
            ("Model", "ModelArn"),
            ("Model", "PrimaryContainer.Environment['X']"),
            ("RegisterModel", "ModelPackageArn"),
            ("RegisterModel", "ModelPackageVersion"),
            ("RegisterModel", "ModelPackageGroupName"),
            ("RegisterModel", "ModelApprovalStatus"),
            ("RegisterModel", "ModelPackageName"),
            ("RegisterModel", "ModelMetrics.ModelQuality.Statistics.S3Uri"),
            ("AutoML", "BestCandidateProperties.ModelInsightsJsonReportPath"),
            ("Condition", "Outcome"),
            ("Lambda", "OutputParameters['ticket']"),
            ("Callback", "OutputParameters['approved']"),
            ("EMR", "Id"),
            ("EMR", "Name"),
            ("EMR", "Status.State"),
            ("EMR", "Status.FailureDetails.Reason"),
            ("EMR", "Config.Args"),
            ("EMR", "ActionOnFailure"),
            ("EMRServerless", "jobRun.jobRunId"),
            ("EMRServerless", "jobRun.state"),
            ("EMRServerless", "jobRun.tags['team']"),
            ("EMRServerless", "jobRun.jobDriver.sparkSubmit.entryPointArguments[0]"),
            ("AutoML", "BestCandidate.InferenceContainers[0].Environment['MODEL_NAME']"),
            ("AutoML", "BestCandidate.InferenceContainers[0].ModelDataUrl"),
            ("AutoML", "BestCandidate.CandidateProperties.CandidateMetrics[0].Value"),
            ("AutoML", "InputDataConfig[0].DataSource.S3DataSource.S3Uri"),
            ("QualityCheck", "CalculatedBaselineStatistics"),
            ("QualityCheck", "BaselineUsedForDriftCheckConstraints"),
            ("ClarifyCheck", "CalculatedBaselineConstraints"),
            // Types not modelled here take any well-formed path.
            ("EndpointConfig", "EndpointConfigArn"),
            ("SomeFutureType", "Anything['x'][0].Goes"),
        ];
        for (ty, path) in cases {
            assert_eq!(check_property_path(ty, path), Ok(()), "{ty} {path}");
        }
    }

    #[test]
    fn invalid_paths_explain_themselves() {
        let cases: &[(&str, &str, &str)] = &[
            ("Training", "ModelArtifact.S3ModelArtifacts", "Did you mean `ModelArtifacts`?"),
            ("Training", "modelartifacts.S3ModelArtifacts", "Did you mean `ModelArtifacts`?"),
            ("Training", "Nope", "e.g. ModelArtifacts.S3ModelArtifacts"),
            (
                "Training",
                "ModelArtifacts",
                "is an object, not a value: continue with one of S3ModelArtifacts",
            ),
            ("Training", "ModelArtifacts.S3Uri", "`ModelArtifacts` has S3ModelArtifacts"),
            ("Training", "HyperParameters", "is a map"),
            ("Training", "HyperParameters[0]", "select an entry by key"),
            ("Training", "HyperParameters['a'].b", "is a value and has no property `b`"),
            ("Training", "TrainingJobName[0]", "cannot be indexed"),
            ("Training", "FinalMetricDataList", "is a list"),
            ("Training", "FinalMetricDataList['m']", "is an object"),
            (
                "Processing",
                "ProcessingOutputConfig.Outputs['train'].S3Uri",
                "`ProcessingOutputConfig.Outputs['train']` has OutputName, S3Output",
            ),
            (
                "Processing",
                "ProcessingOutputConfig.Outputs['train'].S3Output",
                "continue with one of S3Uri",
            ),
            ("Processing", "ProcessingOutputConfig.Outputs[\"train\"]", "single quotes"),
            ("Processing", "PropertyFiles.Report", "PropertyFiles.<file>.<json path>"),
            ("Processing", "", "not a valid property path"),
            ("Transform", "TransformOutput.S3Uri", "`TransformOutput` has S3OutputPath"),
            ("Tuning", "BestTrainingJob.Name", "`BestTrainingJob` has"),
            ("Model", "ModelNmae", "Did you mean `ModelName`?"),
            ("RegisterModel", "ModelPackageARN", "Did you mean `ModelPackageArn`?"),
            ("Condition", "Result", "Outcome"),
            ("Lambda", "OutputParameters", "is a map"),
            ("Lambda", "Outputs['x']", "OutputParameters['<output name>']"),
            ("EMR", "Status", "continue with one of State"),
            ("EMRServerless", "JobRun.state", "Did you mean `jobRun`?"),
            ("AutoML", "BestCandidate.InferenceContainers[0].Image.Uri", "is a value"),
            ("QualityCheck", "CalculatedBaselineConstraints.S3Uri", "is a value"),
            ("Fail", "ErrorMessage", "no properties"),
            ("SomeFutureType", "a..b", "not a valid property path"),
        ];
        for (ty, path, needle) in cases {
            let e = check_property_path(ty, path).expect_err(path);
            assert!(e.contains(needle), "{ty} {path}: {e}");
        }
    }

    #[test]
    fn string_map_entries() {
        let env = "BestCandidate.InferenceContainers[0].Environment['MODEL_NAME']";
        assert!(is_string_map_entry("AutoML", env));
        assert!(is_string_map_entry("Training", "HyperParameters['epochs']"));
        assert!(!is_string_map_entry("AutoML", "BestCandidate.InferenceContainers[0].Image"));
        assert!(!is_string_map_entry("Training", "FinalMetricDataList['m'].Value"));
        assert!(!is_string_map_entry("Lambda", "OutputParameters['n']"));
        assert!(!is_string_map_entry("Whatever", "Environment['X']"));
    }

    #[test]
    fn referable_and_known() {
        assert!(!referable("Fail"));
        for ty in ["Processing", "Training", "Condition", "Lambda", "Whatever"] {
            assert!(referable(ty), "{ty}");
        }
        assert!(known_step_type("Fail") && known_step_type("EMR") && !known_step_type("Endpoint"));
    }

    #[test]
    fn never_panics() {
        let pieces = [
            "A",
            ".",
            "[",
            "]",
            "'",
            "0",
            "Outputs",
            "ProcessingOutputConfig",
            "S3Output",
            "é",
            " ",
            "[0]",
            "['x']",
        ];
        let types = ["Processing", "Training", "Tuning", "Lambda", "Fail", "X"];
        let mut seed: u64 = 0xdeadbeefcafef00d;
        for _ in 0..10_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 8) as usize;
            let p: String = (0..n)
                .map(|k| pieces[((seed >> (k * 6)) % pieces.len() as u64) as usize])
                .collect();
            let _ = check_property_path(types[(seed % types.len() as u64) as usize], &p);
        }
    }
}
