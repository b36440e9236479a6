"""Case retry_cache: one Processing step with a cache config and retry policies of both kinds.

Prep: ScriptProcessor with code from S3, non-default volume size, a max runtime, environment,
container arguments, display name and description; one explicitly named input with non-default
S3 input settings and one output with an explicit S3 destination.
CacheConfig: enabled, expires after P30D.
RetryPolicies, in this order: a StepRetryPolicy (SERVICE_FAULT, THROTTLING; 5 s, backoff 2.0 (the
default), at most 3 attempts) and a SageMakerJobStepRetryPolicy (CAPACITY_ERROR, RESOURCE_LIMIT;
30 s, backoff 1.5, expires after 60 min).
"""

import _offline
from _offline import BUCKET, INSTANCE_TYPE, ROLE, SKLEARN_IMAGE

PIPELINE_NAME = "fidelity-retry-cache"
INPUT_DATA = f"s3://{BUCKET}/abalone/raw"
PREP_CODE = f"s3://{BUCKET}/code/prep.py"
PREP_OUTPUT = f"s3://{BUCKET}/fidelity/prep/features"
VOLUME_SIZE_GB = 100
MAX_RUNTIME_S = 7200
ENVIRONMENT = {"MODE": "full", "SEED": "42"}
ARGUMENTS = ["--split", "0.2"]
CACHE_EXPIRE_AFTER = "P30D"

from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.retry import (
    SageMakerJobExceptionTypeEnum,
    SageMakerJobStepRetryPolicy,
    StepExceptionTypeEnum,
    StepRetryPolicy,
)
from sagemaker.workflow.steps import CacheConfig, ProcessingStep

session = _offline.session()

processor = ScriptProcessor(
    image_uri=SKLEARN_IMAGE,
    command=["python3"],
    role=ROLE,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    volume_size_in_gb=VOLUME_SIZE_GB,
    max_runtime_in_seconds=MAX_RUNTIME_S,
    env=ENVIRONMENT,
    sagemaker_session=session,
)
prep = ProcessingStep(
    name="Prep",
    display_name="Prepare features",
    description="Feature preparation, cached for 30 days",
    step_args=processor.run(
        code=PREP_CODE,
        arguments=ARGUMENTS,
        inputs=[
            ProcessingInput(
                input_name="raw",
                source=INPUT_DATA,
                destination="/opt/ml/processing/input",
                s3_input_mode="Pipe",
                s3_data_distribution_type="ShardedByS3Key",
            )
        ],
        outputs=[
            ProcessingOutput(
                output_name="features",
                source="/opt/ml/processing/features",
                destination=PREP_OUTPUT,
                s3_upload_mode="Continuous",
            )
        ],
    ),
    cache_config=CacheConfig(enable_caching=True, expire_after=CACHE_EXPIRE_AFTER),
    retry_policies=[
        StepRetryPolicy(
            exception_types=[StepExceptionTypeEnum.SERVICE_FAULT, StepExceptionTypeEnum.THROTTLING],
            interval_seconds=5,
            max_attempts=3,
        ),
        SageMakerJobStepRetryPolicy(
            exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR, SageMakerJobExceptionTypeEnum.RESOURCE_LIMIT],
            interval_seconds=30,
            backoff_rate=1.5,
            expire_after_mins=60,
        ),
    ],
)

pipeline = Pipeline(name=PIPELINE_NAME, parameters=[], steps=[prep], sagemaker_session=session)
_offline.emit(pipeline)
