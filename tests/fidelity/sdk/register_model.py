"""Case register_model: Training -> RegisterModel (a model package from the training artifacts).

Train: input from a literal S3 prefix, non-default volume size and max runtime.
Register: ModelStep over model.register() (step name Register-RegisterModel), with content and
response types, realtime and transform instance types, the approval status from a String
parameter, model-quality statistics (model_metrics) and customer metadata.
"""

import _offline
from _offline import BUCKET, INSTANCE_TYPE, ROLE, XGBOOST_IMAGE

PIPELINE_NAME = "fidelity-register-model"
TRAIN_DATA = f"s3://{BUCKET}/abalone/train"
TRAIN_OUTPUT_PATH = f"s3://{BUCKET}/models"
TRAIN_VOLUME_SIZE_GB = 50
TRAIN_MAX_RUNTIME_S = 3600
MODEL_PACKAGE_GROUP = "fidelity-models"
APPROVAL_DEFAULT = "PendingManualApproval"
CONTENT_TYPES = ["text/csv"]
RESPONSE_TYPES = ["text/csv"]
INFERENCE_INSTANCES = ["ml.m5.large", "ml.m5.xlarge"]
TRANSFORM_INSTANCES = ["ml.m5.xlarge"]
STATISTICS_URI = f"s3://{BUCKET}/evaluation/statistics.json"
STATISTICS_CONTENT_TYPE = "application/json"
CUSTOMER_METADATA = {"team": "ml", "use-case": "abalone"}

from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import TrainingStep

session = _offline.session()

approval_status = ParameterString(name="ModelApprovalStatus", default_value=APPROVAL_DEFAULT)

estimator = Estimator(
    image_uri=XGBOOST_IMAGE,
    role=ROLE,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    volume_size=TRAIN_VOLUME_SIZE_GB,
    max_run=TRAIN_MAX_RUNTIME_S,
    output_path=TRAIN_OUTPUT_PATH,
    hyperparameters={"objective": "reg:squarederror", "num_round": "100"},
    sagemaker_session=session,
)
train = TrainingStep(
    name="Train",
    step_args=estimator.fit(inputs={"train": TrainingInput(s3_data=TRAIN_DATA, content_type="text/csv")}),
)

model = Model(
    image_uri=XGBOOST_IMAGE,
    model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
    role=ROLE,
    sagemaker_session=session,
)
register = ModelStep(
    name="Register",
    step_args=model.register(
        content_types=CONTENT_TYPES,
        response_types=RESPONSE_TYPES,
        inference_instances=INFERENCE_INSTANCES,
        transform_instances=TRANSFORM_INSTANCES,
        model_package_group_name=MODEL_PACKAGE_GROUP,
        approval_status=approval_status,
        model_metrics=ModelMetrics(
            model_statistics=MetricsSource(content_type=STATISTICS_CONTENT_TYPE, s3_uri=STATISTICS_URI)
        ),
        customer_metadata_properties=CUSTOMER_METADATA,
    ),
)

pipeline = Pipeline(
    name=PIPELINE_NAME,
    parameters=[approval_status],
    steps=[train, register],
    sagemaker_session=session,
)
_offline.emit(pipeline)
