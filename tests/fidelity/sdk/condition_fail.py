"""Case condition_fail (mirrors research example B): Evaluate -> CheckMse -> Register | Fail.

Evaluate: ScriptProcessor with code from S3, the model artifact and the test data as inputs
(explicitly named), one output 'evaluation' (no destination: the SDK builds the S3 URI) and the
property file EvaluationReport (evaluation.json).
CheckMse: LessThanOrEqualTo(JsonGet(EvaluationReport, regression_metrics.mse.value), MseThreshold)
with a Float parameter.
If: RegisterModel (ModelStep, step name RegisterModel-RegisterModel) with the approval status from
a String parameter with enum values. Else: Fail step MseTooHigh whose message joins text and the
threshold.
"""

import _offline
from _offline import BUCKET, INSTANCE_TYPE, ROLE, SKLEARN_IMAGE, XGBOOST_IMAGE

PIPELINE_NAME = "fidelity-condition-fail"
MODEL_DATA = f"s3://{BUCKET}/models/model.tar.gz"
TEST_DATA_DEFAULT = f"s3://{BUCKET}/abalone/test"
EVALUATE_CODE = f"s3://{BUCKET}/code/evaluate.py"
MSE_THRESHOLD_DEFAULT = 6.0
APPROVAL_DEFAULT = "PendingManualApproval"
APPROVAL_ENUM = ["PendingManualApproval", "Approved"]
MODEL_PACKAGE_GROUP = "fidelity-models"
CONTENT_TYPES = ["text/csv"]
RESPONSE_TYPES = ["text/csv"]
INFERENCE_INSTANCES = ["ml.m5.large"]
TRANSFORM_INSTANCES = ["ml.m5.large"]

from sagemaker.model import Model
from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionLessThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep

session = _offline.session()

test_data = ParameterString(name="TestData", default_value=TEST_DATA_DEFAULT)
mse_threshold = ParameterFloat(name="MseThreshold", default_value=MSE_THRESHOLD_DEFAULT)
approval_status = ParameterString(
    name="ModelApprovalStatus", default_value=APPROVAL_DEFAULT, enum_values=APPROVAL_ENUM
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
        code=EVALUATE_CODE,
        inputs=[
            ProcessingInput(input_name="model", source=MODEL_DATA, destination="/opt/ml/processing/model"),
            ProcessingInput(input_name="test", source=test_data, destination="/opt/ml/processing/test"),
        ],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
    ),
    property_files=[report],
)

model = Model(image_uri=XGBOOST_IMAGE, model_data=MODEL_DATA, role=ROLE, sagemaker_session=session)
register = ModelStep(
    name="RegisterModel",
    step_args=model.register(
        content_types=CONTENT_TYPES,
        response_types=RESPONSE_TYPES,
        inference_instances=INFERENCE_INSTANCES,
        transform_instances=TRANSFORM_INSTANCES,
        model_package_group_name=MODEL_PACKAGE_GROUP,
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
    name=PIPELINE_NAME,
    parameters=[test_data, mse_threshold, approval_status],
    steps=[evaluate, check],
    sagemaker_session=session,
)
_offline.emit(pipeline)
