"""Case lambda_callback (mirrors research example C's tail): Preprocess -> Notify -> HumanReview.

Preprocess: ScriptProcessor with code from S3, one explicitly named input and one output with an
explicit S3 destination.
Notify: Lambda step (existing function ARN) whose inputs reference Preprocess's output URI, join two
execution variables, and carry a literal string; two typed outputs (ticket String, priority
Integer).
HumanReview: Callback step on an SQS queue; inputs reference Notify's outputs; outputs approved
(Boolean) and score (Float); explicit DependsOn Preprocess and Notify.
"""

import _offline
from _offline import BUCKET, INSTANCE_TYPE, ROLE, SKLEARN_IMAGE

PIPELINE_NAME = "fidelity-lambda-callback"
INPUT_DATA = f"s3://{BUCKET}/abalone/abalone.csv"
PREPROCESS_CODE = f"s3://{BUCKET}/code/preprocess.py"
PREPROCESS_OUTPUT = f"s3://{BUCKET}/fidelity/preprocess/train"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:notify"
SQS_QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/review-queue"

from sagemaker.lambda_helper import Lambda
from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.workflow.callback_step import CallbackOutput, CallbackOutputTypeEnum, CallbackStep
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.functions import Join
from sagemaker.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep

session = _offline.session()

processor = ScriptProcessor(
    image_uri=SKLEARN_IMAGE,
    command=["python3"],
    role=ROLE,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    sagemaker_session=session,
)
preprocess = ProcessingStep(
    name="Preprocess",
    step_args=processor.run(
        code=PREPROCESS_CODE,
        inputs=[ProcessingInput(input_name="raw", source=INPUT_DATA, destination="/opt/ml/processing/input")],
        outputs=[
            ProcessingOutput(
                output_name="train", source="/opt/ml/processing/train", destination=PREPROCESS_OUTPUT
            )
        ],
    ),
)

ticket = LambdaOutput(output_name="ticket", output_type=LambdaOutputTypeEnum.String)
priority = LambdaOutput(output_name="priority", output_type=LambdaOutputTypeEnum.Integer)
notify = LambdaStep(
    name="Notify",
    lambda_func=Lambda(function_arn=FUNCTION_ARN, session=session),
    inputs={
        "output_uri": preprocess.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
        "run": Join(on="-", values=[ExecutionVariables.PIPELINE_NAME, ExecutionVariables.PIPELINE_EXECUTION_ID]),
        "mode": "batch",
    },
    outputs=[ticket, priority],
)

review = CallbackStep(
    name="HumanReview",
    sqs_queue_url=SQS_QUEUE_URL,
    inputs={"ticket": notify.properties.Outputs["ticket"], "priority": notify.properties.Outputs["priority"]},
    outputs=[
        CallbackOutput(output_name="approved", output_type=CallbackOutputTypeEnum.Boolean),
        CallbackOutput(output_name="score", output_type=CallbackOutputTypeEnum.Float),
    ],
    depends_on=["Preprocess", "Notify"],
)

pipeline = Pipeline(
    name=PIPELINE_NAME,
    parameters=[],
    steps=[preprocess, notify, review],
    sagemaker_session=session,
)
_offline.emit(pipeline)
