"""Case process_train_model (mirrors research example A): Processing -> Training -> CreateModel.

Preprocess: ScriptProcessor with code from S3, one input (auto-named input-1 by the SDK), two
outputs with no destination (the SDK builds the S3 URI from the pipeline and step names).
Train: fed by Preprocess's 'train' output; an Integer parameter in the hyperparameters.
CreateModel: a ModelStep (step name CreateModel-CreateModel) from Train's model artifacts.
"""

import _offline
from _offline import BUCKET, INSTANCE_TYPE, ROLE, SKLEARN_IMAGE, XGBOOST_IMAGE

PIPELINE_NAME = "fidelity-process-train-model"
INPUT_DATA_DEFAULT = f"s3://{BUCKET}/abalone/abalone.csv"
PREPROCESS_CODE = f"s3://{BUCKET}/code/preprocess.py"
TRAIN_OUTPUT_PATH = f"s3://{BUCKET}/models"
NUM_ROUND_DEFAULT = 50
MODEL_INSTANCE_TYPE = "ml.m5.large"

from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

session = _offline.session()

input_data = ParameterString(name="InputData", default_value=INPUT_DATA_DEFAULT)
num_round = ParameterInteger(name="NumRound", default_value=NUM_ROUND_DEFAULT)

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
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input")],
        outputs=[
            ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
            ProcessingOutput(output_name="test", source="/opt/ml/processing/test"),
        ],
    ),
)

estimator = Estimator(
    image_uri=XGBOOST_IMAGE,
    role=ROLE,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    output_path=TRAIN_OUTPUT_PATH,
    hyperparameters={"objective": "reg:squarederror", "num_round": num_round},
    sagemaker_session=session,
)
train = TrainingStep(
    name="Train",
    step_args=estimator.fit(
        inputs={
            "train": TrainingInput(
                s3_data=preprocess.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri,
                content_type="text/csv",
            )
        }
    ),
)

model = Model(
    image_uri=XGBOOST_IMAGE,
    model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
    role=ROLE,
    sagemaker_session=session,
)
create_model = ModelStep(name="CreateModel", step_args=model.create(instance_type=MODEL_INSTANCE_TYPE))

pipeline = Pipeline(
    name=PIPELINE_NAME,
    parameters=[input_data, num_round],
    steps=[preprocess, train, create_model],
    sagemaker_session=session,
)
_offline.emit(pipeline)
