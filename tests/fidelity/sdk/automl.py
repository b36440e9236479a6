"""Case automl: AutoML -> BestModel-CreateModel (the best candidate deployed as a model).

AutoML: an AutoMLStep (SDK 2.x, since 2.118) from `AutoML.fit()` in ensembling mode, the only
mode the SDK accepts in a pipeline: a training channel from a String parameter and a validation
channel, completion criteria, problem type and objective, KMS keys, inter-container encryption,
a VPC, a feature specification, job tags, caching and a retry policy.
BestModel-CreateModel: a ModelStep from `AutoMLStep.get_best_auto_ml_model`, i.e. the image, model
data and six environment variables of the best candidate's first inference container.
"""

import _offline
from _offline import BUCKET, ROLE

PIPELINE_NAME = "fidelity-automl"
TRAIN_DATA_DEFAULT = f"s3://{BUCKET}/automl/train.csv"
VALIDATION_DATA = f"s3://{BUCKET}/automl/validation.csv"
OUTPUT_PATH = f"s3://{BUCKET}/automl/output"
FEATURES = f"s3://{BUCKET}/automl/features.json"
VOLUME_KMS = "arn:aws:kms:us-east-1:123456789012:key/volume"
OUTPUT_KMS = "arn:aws:kms:us-east-1:123456789012:key/output"
SUBNETS = ["subnet-0a1b2c3d"]
SECURITY_GROUPS = ["sg-0a1b2c3d"]
MODEL_INSTANCE_TYPE = "ml.m5.large"

from sagemaker.automl.automl import AutoML, AutoMLInput
from sagemaker.workflow.automl_step import AutoMLStep
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sagemaker.workflow.steps import CacheConfig

session = _offline.session()

train_data = ParameterString(name="TrainData", default_value=TRAIN_DATA_DEFAULT)

automl = AutoML(
    role=ROLE,
    target_attribute_name="churn",
    output_path=OUTPUT_PATH,
    output_kms_key=OUTPUT_KMS,
    volume_kms_key=VOLUME_KMS,
    encrypt_inter_container_traffic=True,
    vpc_config={"Subnets": SUBNETS, "SecurityGroupIds": SECURITY_GROUPS},
    problem_type="BinaryClassification",
    job_objective={"MetricName": "F1"},
    max_candidates=20,
    max_runtime_per_training_job_in_seconds=900,
    total_job_runtime_in_seconds=7200,
    feature_specification_s3_uri=FEATURES,
    mode="ENSEMBLING",
    tags=[{"Key": "team", "Value": "ml"}],
    sagemaker_session=session,
)
inputs = [
    AutoMLInput(
        inputs=train_data,
        target_attribute_name="churn",
        channel_type="training",
        content_type="text/csv;header=present",
        compression="Gzip",
        sample_weight_attribute_name="weight",
    ),
    AutoMLInput(
        inputs=VALIDATION_DATA,
        target_attribute_name="churn",
        channel_type="validation",
        content_type="text/csv;header=present",
        compression="Gzip",
        sample_weight_attribute_name="weight",
    ),
]
automl_step = AutoMLStep(
    name="AutoML",
    step_args=automl.fit(inputs=inputs),
    cache_config=CacheConfig(enable_caching=True, expire_after="P7D"),
    retry_policies=[
        SageMakerJobStepRetryPolicy(
            exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR],
            interval_seconds=60,
            backoff_rate=2.0,
            max_attempts=3,
        )
    ],
)

best_model = automl_step.get_best_auto_ml_model(ROLE, sagemaker_session=session)
best = ModelStep(name="BestModel", step_args=best_model.create(instance_type=MODEL_INSTANCE_TYPE))

pipeline = Pipeline(
    name=PIPELINE_NAME,
    parameters=[train_data],
    steps=[automl_step, best],
    sagemaker_session=session,
)
_offline.emit(pipeline)
