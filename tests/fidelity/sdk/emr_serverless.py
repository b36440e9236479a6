"""Case emr_serverless: SparkEtl -> HiveReport, two EMR Serverless steps (SDK 3.x only).

SparkEtl: an EMRServerlessStep on an existing application: a Spark job whose arguments hold a
parameter and an execution variable, spark-submit parameters, configuration overrides (S3 logs),
a timeout, a job run name and tags, caching and a step retry policy.
HiveReport: an EMRServerlessStep on an application SageMaker creates (application_config), a Hive
job, depending on SparkEtl.
"""

SDK_MAJOR = 3

import _offline
from _offline import BUCKET, ROLE

PIPELINE_NAME = "fidelity-emr-serverless"
EMR_ROLE = "arn:aws:iam::123456789012:role/emr-serverless-runtime"
APPLICATION_ID = "00f1abcdefgh2345"
INPUT_DEFAULT = f"s3://{BUCKET}/emr/input"

from sagemaker.core.workflow.execution_variables import ExecutionVariables
from sagemaker.core.workflow.functions import Join
from sagemaker.core.workflow.parameters import ParameterString
from sagemaker.mlops.workflow.emr_serverless_step import EMRServerlessJobConfig, EMRServerlessStep
from sagemaker.mlops.workflow.pipeline import Pipeline
from sagemaker.mlops.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy
from sagemaker.mlops.workflow.steps import CacheConfig

input_data = ParameterString(name="InputData", default_value=INPUT_DEFAULT)

spark_job = EMRServerlessJobConfig(
    job_driver={
        "sparkSubmit": {
            "entryPoint": f"s3://{BUCKET}/emr/etl.py",
            "entryPointArguments": [
                "--input",
                input_data,
                "--output",
                Join(on="/", values=[f"s3://{BUCKET}/emr/output", ExecutionVariables.PIPELINE_EXECUTION_ID]),
            ],
            "sparkSubmitParameters": "--conf spark.executor.cores=4 --conf spark.executor.memory=16g",
        }
    },
    execution_role_arn=EMR_ROLE,
    configuration_overrides={
        "monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": f"s3://{BUCKET}/emr/logs"}}
    },
    execution_timeout_minutes=60,
    name="nightly-etl",
    tags={"team": "ml"},
)
spark_etl = EMRServerlessStep(
    name="SparkEtl",
    display_name="Spark ETL",
    description="Feature extraction on EMR Serverless",
    job_config=spark_job,
    application_id=APPLICATION_ID,
    cache_config=CacheConfig(enable_caching=True, expire_after="PT12H"),
    retry_policies=[
        StepRetryPolicy(
            exception_types=[StepExceptionTypeEnum.SERVICE_FAULT, StepExceptionTypeEnum.THROTTLING],
            interval_seconds=10,
            backoff_rate=2.0,
            max_attempts=5,
        )
    ],
)

hive_job = EMRServerlessJobConfig(
    job_driver={
        "hive": {
            "query": f"s3://{BUCKET}/emr/report.sql",
            "initQueryFile": f"s3://{BUCKET}/emr/init.sql",
            "parameters": f"--hiveconf hive.exec.scratchdir=s3://{BUCKET}/emr/scratch",
        }
    },
    execution_role_arn=EMR_ROLE,
)
hive_report = EMRServerlessStep(
    name="HiveReport",
    display_name=None,
    description=None,
    job_config=hive_job,
    application_config={
        "name": "report",
        "releaseLabel": "emr-7.1.0",
        "type": "HIVE",
        "maximumCapacity": {"cpu": "16 vCPU", "memory": "64 GB"},
    },
    depends_on=[spark_etl],
)

pipeline = Pipeline(name=PIPELINE_NAME, parameters=[input_data], steps=[spark_etl, hive_report])
_offline.emit(pipeline)
