"""Case sdk_fields: the fields issue 7 point 5 added, each as the SDK 2.x emits it.

Train: an Estimator with a custom DebuggerHookConfig (own S3 prefix, local path, hook parameters,
one collection) and a ProfilerConfig with a sampling interval (its S3 prefix defaults to the
output path). TrainQuiet: an Estimator with the debugger off (`debugger_hook_config=False`) and
the profiler disabled. DataQuality: a DATA_QUALITY QualityCheckStep. Tune: a HyperparameterTuner
over the XGBoost estimator; BestModel: a ModelStep whose model data is the SDK's
`get_top_model_s3_uri(top_k=0)`. BatchScore: a transform with input/output filters and a join.
Register: a ModelStep register whose DriftCheckBaselines come from DataQuality's properties, with
a bias config FileSource (content type) and an explainability one (no content type).
"""

import _offline
from _offline import BUCKET, INSTANCE_TYPE, ROLE, XGBOOST_IMAGE

PIPELINE_NAME = "fidelity-sdk-fields"
TRAIN_DATA = f"s3://{BUCKET}/abalone/train"
OUTPUT_PATH = f"s3://{BUCKET}/models"
DEBUG_PATH = f"s3://{BUCKET}/debug"
TUNING_PREFIX = "tuning"
MODEL_MONITOR_IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"

from sagemaker.debugger import CollectionConfig, DebuggerHookConfig, ProfilerConfig
from sagemaker.drift_check_baselines import DriftCheckBaselines
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput, TransformInput
from sagemaker.model import Model
from sagemaker.model_metrics import FileSource, MetricsSource
from sagemaker.model_monitor.dataset_format import DatasetFormat
from sagemaker.transformer import Transformer
from sagemaker.tuner import ContinuousParameter, HyperparameterTuner, IntegerParameter
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep
from sagemaker.workflow.steps import TrainingStep, TransformStep, TuningStep

session = _offline.session()
train_input = {"train": TrainingInput(s3_data=TRAIN_DATA, content_type="text/csv")}

estimator = Estimator(
    image_uri=XGBOOST_IMAGE,
    role=ROLE,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    output_path=OUTPUT_PATH,
    hyperparameters={"objective": "reg:squarederror", "num_round": "50"},
    debugger_hook_config=DebuggerHookConfig(
        s3_output_path=DEBUG_PATH,
        container_local_output_path="/opt/ml/output/tensors",
        hook_parameters={"save_interval": "100"},
        collection_configs=[CollectionConfig(name="losses", parameters={"save_interval": "10"})],
    ),
    profiler_config=ProfilerConfig(system_monitor_interval_millis=500),
    sagemaker_session=session,
)
train = TrainingStep(name="Train", step_args=estimator.fit(inputs=train_input))

quiet = Estimator(
    image_uri=XGBOOST_IMAGE,
    role=ROLE,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    output_path=OUTPUT_PATH,
    debugger_hook_config=False,
    disable_profiler=True,
    sagemaker_session=session,
)
train_quiet = TrainingStep(name="TrainQuiet", step_args=quiet.fit(inputs=train_input))

data_quality = QualityCheckStep(
    name="DataQuality",
    quality_check_config=DataQualityCheckConfig(
        baseline_dataset=TRAIN_DATA,
        dataset_format=DatasetFormat.csv(header=False),
        output_s3_uri=f"s3://{BUCKET}/monitor/data-quality",
    ),
    check_job_config=CheckJobConfig(
        role=ROLE, instance_count=1, instance_type=INSTANCE_TYPE, sagemaker_session=session
    ),
    skip_check=True,
    register_new_baseline=True,
    model_package_group_name="fidelity-models",
)

tuning_estimator = Estimator(
    image_uri=XGBOOST_IMAGE,
    role=ROLE,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    output_path=f"s3://{BUCKET}/{TUNING_PREFIX}",
    hyperparameters={"objective": "reg:squarederror"},
    sagemaker_session=session,
)
tuner = HyperparameterTuner(
    estimator=tuning_estimator,
    objective_metric_name="validation:rmse",
    objective_type="Minimize",
    hyperparameter_ranges={
        "eta": ContinuousParameter(0.1, 0.5),
        "max_depth": IntegerParameter(3, 10),
    },
    max_jobs=4,
    max_parallel_jobs=2,
)
tune = TuningStep(name="Tune", step_args=tuner.fit(inputs=train_input))

best_model = Model(
    image_uri=XGBOOST_IMAGE,
    model_data=tune.get_top_model_s3_uri(top_k=0, s3_bucket=BUCKET, prefix=TUNING_PREFIX),
    role=ROLE,
    sagemaker_session=session,
)
create_best = ModelStep(name="BestModel", step_args=best_model.create(instance_type="ml.m5.large"))

transformer = Transformer(
    model_name=create_best.properties.ModelName,
    instance_type=INSTANCE_TYPE,
    instance_count=1,
    output_path=f"s3://{BUCKET}/scores",
    accept="text/csv",
    assemble_with="Line",
    sagemaker_session=session,
)
batch = TransformStep(
    name="BatchScore",
    step_args=transformer.transform(
        data=f"s3://{BUCKET}/batch/input.csv",
        content_type="text/csv",
        split_type="Line",
        input_filter="$[1:]",
        output_filter="$[0,-1]",
        join_source="Input",
    ),
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
        content_types=["text/csv"],
        response_types=["text/csv"],
        inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"],
        model_package_group_name="fidelity-models",
        drift_check_baselines=DriftCheckBaselines(
            model_data_statistics=MetricsSource(
                content_type="application/json",
                s3_uri=data_quality.properties.BaselineUsedForDriftCheckStatistics,
            ),
            model_data_constraints=MetricsSource(
                content_type="application/json",
                s3_uri=data_quality.properties.BaselineUsedForDriftCheckConstraints,
            ),
            bias_config_file=FileSource(
                s3_uri=f"s3://{BUCKET}/clarify/analysis_config.json", content_type="application/json"
            ),
            explainability_config_file=FileSource(s3_uri=f"s3://{BUCKET}/clarify/explain/analysis_config.json"),
        ),
    ),
)

pipeline = Pipeline(
    name=PIPELINE_NAME,
    parameters=[],
    steps=[train, train_quiet, data_quality, tune, create_best, batch, register],
    sagemaker_session=session,
)
_offline.emit(pipeline)
