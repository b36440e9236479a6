"""Case transform: CreateModel -> Transform (batch transform fed by the model step).

CreateModel: a ModelStep (step name CreateModel-CreateModel) from a literal model artifact, with
a container environment.
BatchScore: a Transform step whose ModelName is CreateModel-CreateModel's ModelName, input from a
String parameter, CSV line splitting, Accept/AssembleWith set, and no output path (the SDK builds
it from the pipeline and step names).
"""

import _offline
from _offline import BUCKET, INSTANCE_TYPE, ROLE, XGBOOST_IMAGE

PIPELINE_NAME = "fidelity-transform"
MODEL_DATA = f"s3://{BUCKET}/models/model.tar.gz"
MODEL_ENVIRONMENT = {"SAGEMAKER_PROGRAM": "inference.py", "LOG_LEVEL": "info"}
MODEL_INSTANCE_TYPE = "ml.m5.large"
BATCH_DATA_DEFAULT = f"s3://{BUCKET}/batch/input.csv"

from sagemaker.model import Model
from sagemaker.transformer import Transformer
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import TransformStep

session = _offline.session()

batch_data = ParameterString(name="BatchData", default_value=BATCH_DATA_DEFAULT)

model = Model(
    image_uri=XGBOOST_IMAGE,
    model_data=MODEL_DATA,
    role=ROLE,
    env=MODEL_ENVIRONMENT,
    sagemaker_session=session,
)
create_model = ModelStep(name="CreateModel", step_args=model.create(instance_type=MODEL_INSTANCE_TYPE))

transformer = Transformer(
    model_name=create_model.properties.ModelName,
    instance_count=1,
    instance_type=INSTANCE_TYPE,
    accept="text/csv",
    assemble_with="Line",
    sagemaker_session=session,
)
batch_score = TransformStep(
    name="BatchScore",
    step_args=transformer.transform(data=batch_data, content_type="text/csv", split_type="Line"),
)

pipeline = Pipeline(
    name=PIPELINE_NAME,
    parameters=[batch_data],
    steps=[create_model, batch_score],
    sagemaker_session=session,
)
_offline.emit(pipeline)
