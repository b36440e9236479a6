"""Creates a pipeline with the SageMaker Python SDK 2.x `Pipeline.upsert()` against a local
SageMaker endpoint, for tests/acceptance_import.rs (issue 6: adopting SDK-made pipelines).

Usage: sdk_pipeline.py ENDPOINT_URL PIPELINE_NAME      prints the definition it deployed

The pipeline: Train (training: an `Estimator` with the SDK's default Debugger and Profiler
settings, `DebugHookConfig` and `ProfilerConfig`, which the SDK adds on its own) and Evaluate
(processing: S3 code, two inputs, one output whose S3 URI the SDK builds
with `Join(on="/")`, a property file) -> Notify (Lambda: the output URI, a `Join(on="-")` of two
execution variables, a literal; one output) and CheckMse (condition on the property file against
a Float parameter) -> RegisterModel-RegisterModel (ModelStep register, approval status from an
enum parameter) | MseTooHigh (fail, message `Join(on=" ")`). The SDK's default experiment
configuration is kept. Literals are the constants below; tests/acceptance_import.rs declares the
same pipeline in HCL with them.

Only the local endpoint is reachable from this process, with the stub credentials `test`/`test`
(tests/import/_local_only.py).
"""

import json
import sys

REGION = "us-east-1"
BUCKET = "sagemaker-us-east-1-123456789012"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
INSTANCE_TYPE = "ml.m5.xlarge"
MODEL_DATA = f"s3://{BUCKET}/models/model.tar.gz"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:notify"

import _local_only  # noqa: E402  (before the SDK: stdout, environment, network)

endpoint, pipeline_name = sys.argv[1], sys.argv[2]

import boto3  # noqa: E402
from sagemaker.estimator import Estimator  # noqa: E402
from sagemaker.inputs import TrainingInput  # noqa: E402
from sagemaker.lambda_helper import Lambda  # noqa: E402
from sagemaker.model import Model  # noqa: E402
from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor  # noqa: E402
from sagemaker.workflow.condition_step import ConditionStep  # noqa: E402
from sagemaker.workflow.conditions import ConditionLessThanOrEqualTo  # noqa: E402
from sagemaker.workflow.execution_variables import ExecutionVariables  # noqa: E402
from sagemaker.workflow.fail_step import FailStep  # noqa: E402
from sagemaker.workflow.functions import Join, JsonGet  # noqa: E402
from sagemaker.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep  # noqa: E402
from sagemaker.workflow.model_step import ModelStep  # noqa: E402
from sagemaker.workflow.parameters import ParameterFloat, ParameterString  # noqa: E402
from sagemaker.workflow.pipeline import Pipeline  # noqa: E402
from sagemaker.workflow.pipeline_context import PipelineSession  # noqa: E402
from sagemaker.workflow.properties import PropertyFile  # noqa: E402
from sagemaker.workflow.steps import ProcessingStep, TrainingStep  # noqa: E402

SAGEMAKER_CONFIG = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}

boto_session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)
client = boto_session.client("sagemaker", endpoint_url=endpoint)
session = PipelineSession(
    boto_session=boto_session, sagemaker_client=client, sagemaker_config=SAGEMAKER_CONFIG, default_bucket=BUCKET
)
session._default_bucket = BUCKET  # no HeadBucket/CreateBucket

test_data = ParameterString(name="TestData", default_value=f"s3://{BUCKET}/abalone/test")
mse_threshold = ParameterFloat(name="MseThreshold", default_value=6.0)
approval_status = ParameterString(
    name="ModelApprovalStatus", default_value="PendingManualApproval", enum_values=["PendingManualApproval", "Approved"]
)

estimator = Estimator(
    image_uri=XGBOOST_IMAGE,
    role=ROLE,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    output_path=f"s3://{BUCKET}/models",
    hyperparameters={"objective": "reg:squarederror", "num_round": "50"},
    sagemaker_session=session,
)
train = TrainingStep(
    name="Train",
    step_args=estimator.fit(
        inputs={"train": TrainingInput(s3_data=f"s3://{BUCKET}/abalone/train", content_type="text/csv")}
    ),
)

processor = ScriptProcessor(
    image_uri=XGBOOST_IMAGE,
    command=["python3"],
    role=ROLE,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    sagemaker_session=session,
)
report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
evaluate = ProcessingStep(
    name="Evaluate",
    step_args=processor.run(
        code=f"s3://{BUCKET}/code/evaluate.py",
        inputs=[
            ProcessingInput(input_name="model", source=MODEL_DATA, destination="/opt/ml/processing/model"),
            ProcessingInput(input_name="test", source=test_data, destination="/opt/ml/processing/test"),
        ],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
    ),
    property_files=[report],
)

notify = LambdaStep(
    name="Notify",
    lambda_func=Lambda(function_arn=FUNCTION_ARN, session=session),
    inputs={
        "report_uri": evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri,
        "run": Join(on="-", values=[ExecutionVariables.PIPELINE_NAME, ExecutionVariables.PIPELINE_EXECUTION_ID]),
        "mode": "batch",
    },
    outputs=[LambdaOutput(output_name="ticket", output_type=LambdaOutputTypeEnum.String)],
)

model = Model(image_uri=XGBOOST_IMAGE, model_data=MODEL_DATA, role=ROLE, sagemaker_session=session)
register = ModelStep(
    name="RegisterModel",
    step_args=model.register(
        content_types=["text/csv"],
        response_types=["text/csv"],
        inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"],
        model_package_group_name="adopted-models",
        approval_status=approval_status,
    ),
)
fail = FailStep(name="MseTooHigh", error_message=Join(on=" ", values=["MSE above threshold", mse_threshold]))

check = ConditionStep(
    name="CheckMse",
    conditions=[
        ConditionLessThanOrEqualTo(
            left=JsonGet(step_name=evaluate.name, property_file=report, json_path="regression_metrics.mse.value"),
            right=mse_threshold,
        )
    ],
    if_steps=[register],
    else_steps=[fail],
)

pipeline = Pipeline(
    name=pipeline_name,
    parameters=[test_data, mse_threshold, approval_status],
    steps=[train, evaluate, notify, check],
    sagemaker_session=session,
)
pipeline.upsert(role_arn=ROLE, description="Created by the SageMaker Python SDK")
_local_only.REAL_STDOUT.write(json.dumps(json.loads(pipeline.definition()), indent=1) + "\n")
_local_only.REAL_STDOUT.flush()
