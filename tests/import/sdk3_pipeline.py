"""Creates a pipeline with the SageMaker Python SDK 3.x `Pipeline.upsert()` against a local
SageMaker endpoint, for tests/acceptance_import.rs (adopting pipelines made by SDK 3.x).

Usage: sdk3_pipeline.py ENDPOINT_URL PIPELINE_NAME      prints the definition it deployed

The pipeline: Prep (processing: `ScriptProcessor.run`, S3 code, an input from a String
parameter, an output whose S3 URI the SDK builds with `Join(on="/")`, a property file, caching,
a retry policy) -> Train (training: `ModelTrainer.train`, reading Prep's output) and Tune
(tuning: `HyperparameterTuner.tune` of a second `ModelTrainer`, one continuous and one integer
range, Random strategy) -> CheckAcc (condition on Prep's property file against a Float
parameter) -> Notify (Lambda) | TooLow (fail, message `Join(on=" ")`); and DataQuality (a data
quality check of the input data: `QualityCheckStep` with a `CheckJobConfig`).

SDK 3 spells some members differently from SDK 2.x and from the provider, and each must
compare equal (src/compiler/semantic.rs): processing inputs and outputs without `AppManaged`
(N15), the tuning job's `ResourceConfig` and only the range lists it uses (N16, N17), the
training output's `CompressionType: "GZIP"` (N13), and the check step's input without its
compression and distribution types (N18). Literals are the constants below;
tests/acceptance_import.rs declares the same pipeline in HCL with them.

Only the local endpoint is reachable from this process, with the stub credentials `test`/`test`
(tests/import/_local_only.py).
"""

import sys

REGION = "us-east-1"
BUCKET = "sagemaker-us-east-1-123456789012"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
SKLEARN_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
INSTANCE_TYPE = "ml.m5.xlarge"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:notify"

import _local_only  # noqa: E402  (before the SDK: stdout, environment, network)

endpoint, pipeline_name = sys.argv[1], sys.argv[2]

import boto3  # noqa: E402
from sagemaker.core.lambda_helper import Lambda  # noqa: E402
from sagemaker.core.parameter import ContinuousParameter, IntegerParameter  # noqa: E402
from sagemaker.core.processing import ScriptProcessor  # noqa: E402
from sagemaker.core.shapes import (  # noqa: E402
    ProcessingInput,
    ProcessingOutput,
    ProcessingS3Input,
    ProcessingS3Output,
)
from sagemaker.core.training.configs import Compute, InputData, OutputDataConfig  # noqa: E402
from sagemaker.core.workflow.conditions import ConditionGreaterThanOrEqualTo  # noqa: E402
from sagemaker.core.workflow.execution_variables import ExecutionVariables  # noqa: E402
from sagemaker.core.workflow.functions import Join, JsonGet  # noqa: E402
from sagemaker.core.workflow.parameters import ParameterFloat, ParameterString  # noqa: E402
from sagemaker.core.workflow.pipeline_context import PipelineSession  # noqa: E402
from sagemaker.core.workflow.properties import PropertyFile  # noqa: E402
from sagemaker.mlops.workflow.condition_step import ConditionStep  # noqa: E402
from sagemaker.mlops.workflow.fail_step import FailStep  # noqa: E402
from sagemaker.mlops.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep  # noqa: E402
from sagemaker.mlops.workflow.pipeline import Pipeline  # noqa: E402
from sagemaker.mlops.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep  # noqa: E402
from sagemaker.mlops.workflow.check_job_config import CheckJobConfig  # noqa: E402
from sagemaker.core.model_monitor import DatasetFormat  # noqa: E402
from sagemaker.mlops.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy  # noqa: E402
from sagemaker.mlops.workflow.steps import CacheConfig, ProcessingStep, TrainingStep, TuningStep  # noqa: E402
from sagemaker.train.model_trainer import ModelTrainer  # noqa: E402
from sagemaker.train.tuner import HyperparameterTuner  # noqa: E402

SAGEMAKER_CONFIG = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}

boto_session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
client = boto_session.client("sagemaker", endpoint_url=endpoint)
session = PipelineSession(
    boto_session=boto_session, sagemaker_client=client, sagemaker_config=SAGEMAKER_CONFIG, default_bucket=BUCKET
)
session._default_bucket = BUCKET  # no HeadBucket/CreateBucket

input_data = ParameterString(name="InputData", default_value=f"s3://{BUCKET}/raw")
threshold = ParameterFloat(name="AccThreshold", default_value=0.7)
cache = CacheConfig(enable_caching=True, expire_after="P7D")
retry = StepRetryPolicy(
    exception_types=[StepExceptionTypeEnum.SERVICE_FAULT, StepExceptionTypeEnum.THROTTLING],
    interval_seconds=5,
    backoff_rate=2.0,
    max_attempts=3,
)

processor = ScriptProcessor(
    role=ROLE,
    image_uri=SKLEARN_IMAGE,
    command=["python3"],
    instance_count=1,
    instance_type=INSTANCE_TYPE,
    sagemaker_session=session,
)
stats = PropertyFile(name="Stats", output_name="stats", path="stats.json")
prep = ProcessingStep(
    name="Prep",
    step_args=processor.run(
        code=f"s3://{BUCKET}/code/prep.py",
        inputs=[
            ProcessingInput(
                input_name="raw",
                s3_input=ProcessingS3Input(
                    s3_uri=input_data,
                    local_path="/opt/ml/processing/input",
                    s3_data_type="S3Prefix",
                    s3_input_mode="File",
                ),
            )
        ],
        outputs=[
            ProcessingOutput(
                output_name="train",
                s3_output=ProcessingS3Output(
                    s3_uri=Join(on="/", values=["s3:/", BUCKET, "prep", ExecutionVariables.PIPELINE_EXECUTION_ID, "train"]),
                    local_path="/opt/ml/processing/train",
                    s3_upload_mode="EndOfJob",
                ),
            ),
            ProcessingOutput(
                output_name="stats",
                s3_output=ProcessingS3Output(
                    s3_uri=f"s3://{BUCKET}/stats", local_path="/opt/ml/processing/stats", s3_upload_mode="EndOfJob"
                ),
            ),
        ],
    ),
    property_files=[stats],
    cache_config=cache,
    retry_policies=[retry],
)

trainer = ModelTrainer(
    training_image=XGBOOST_IMAGE,
    role=ROLE,
    sagemaker_session=session,
    compute=Compute(instance_type=INSTANCE_TYPE, instance_count=1),
    hyperparameters={"objective": "binary:logistic", "num_round": "50"},
    input_data_config=[
        InputData(channel_name="train", data_source=prep.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri)
    ],
    output_data_config=OutputDataConfig(s3_output_path=f"s3://{BUCKET}/models"),
)
train = TrainingStep(name="Train", step_args=trainer.train())

tuning_trainer = ModelTrainer(
    training_image=XGBOOST_IMAGE,
    role=ROLE,
    sagemaker_session=session,
    compute=Compute(instance_type=INSTANCE_TYPE, instance_count=1),
    hyperparameters={"objective": "binary:logistic", "num_round": "50"},
    output_data_config=OutputDataConfig(s3_output_path=f"s3://{BUCKET}/tuning"),
)
tuner = HyperparameterTuner(
    model_trainer=tuning_trainer,
    objective_metric_name="validation:auc",
    hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(3, 9)},
    metric_definitions=[{"Name": "validation:auc", "Regex": "auc:([0-9.]+)"}],
    max_jobs=4,
    max_parallel_jobs=2,
    strategy="Random",
)
tune = TuningStep(
    name="Tune",
    step_args=tuner.tune(
        inputs=[
            InputData(channel_name="train", data_source=prep.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri)
        ]
    ),
)

accuracy = JsonGet(step_name=prep.name, property_file=stats, json_path="accuracy")
notify = LambdaStep(
    name="Notify",
    lambda_func=Lambda(function_arn=FUNCTION_ARN, session=session),
    inputs={"acc": accuracy, "mode": "batch"},
    outputs=[LambdaOutput(output_name="ticket", output_type=LambdaOutputTypeEnum.String)],
)
too_low = FailStep(name="TooLow", error_message=Join(on=" ", values=["accuracy below", threshold]))
check = ConditionStep(
    name="CheckAcc",
    conditions=[ConditionGreaterThanOrEqualTo(left=accuracy, right=threshold)],
    if_steps=[notify],
    else_steps=[too_low],
)

data_quality = QualityCheckStep(
    name="DataQuality",
    quality_check_config=DataQualityCheckConfig(
        baseline_dataset=input_data, dataset_format=DatasetFormat.csv(header=False), output_s3_uri=f"s3://{BUCKET}/dq"
    ),
    check_job_config=CheckJobConfig(
        role=ROLE, instance_count=1, instance_type="ml.c5.xlarge", volume_size_in_gb=120, sagemaker_session=session
    ),
    skip_check=False,
    register_new_baseline=False,
    model_package_group_name="sdk3-models",
)

pipeline = Pipeline(
    name=pipeline_name,
    parameters=[input_data, threshold],
    steps=[prep, train, tune, check, data_quality],
    sagemaker_session=session,
)
pipeline.upsert(role_arn=ROLE)
print(pipeline.definition(), file=_local_only.REAL_STDOUT)
