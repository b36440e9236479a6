# Phase A (and D) of tests/acceptance_edit_cycle.rs: one resource of every type with only what
# it requires. A job step needs a role from somewhere; with no step_defaults here, it is the
# step's own role_arn. EMR needs one of cluster_id / cluster_config and its step_config block,
# a transform step its input block, a tuning step an objective and one range.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
}

resource "sagemaker_processing_step" "prep" {
  name          = "Prep"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type = "ml.m5.xlarge"
  role_arn      = local.role
}

resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://acme-ml/models"
  role_arn      = local.role
}

resource "sagemaker_tuning_step" "tune" {
  name          = "Tune"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://acme-ml/tuning"
  role_arn      = local.role
  objective {
    type        = "Maximize"
    metric_name = "validation:auc"
  }
  continuous_parameter_range {
    name      = "eta"
    min_value = "0.1"
    max_value = "0.5"
  }
}

resource "sagemaker_model_step" "model" {
  name      = "CreateModel"
  image_uri = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  role_arn  = local.role
}

resource "sagemaker_transform_step" "score" {
  name          = "Score"
  model_name    = "churn-model"
  instance_type = "ml.m5.large"
  output_path   = "s3://acme-ml/scores"
  input {
    s3_uri = "s3://acme-ml/batch"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                     = "Register"
  image_uri                = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  model_package_group_name = "ChurnModels"
}

resource "sagemaker_fail_step" "stop" {
  name = "Stop"
}

resource "sagemaker_condition_step" "check" {
  name       = "Check"
  conditions = ["1 <= 2"]
}

resource "sagemaker_lambda_step" "notify" {
  name         = "Notify"
  function_arn = "arn:aws:lambda:us-east-1:123456789012:function:notify"
}

resource "sagemaker_callback_step" "review" {
  name          = "Review"
  sqs_queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/review-queue"
}

resource "sagemaker_emr_step" "spark" {
  name       = "Spark"
  cluster_id = "j-1ABCDEFGHIJKL"
  step_config {
    jar = "command-runner.jar"
  }
}

resource "sagemaker_quality_check_step" "quality_model" {
  name             = "QualityModel"
  check_type       = "MODEL_QUALITY"
  problem_type     = "BinaryClassification"
  baseline_dataset = "s3://acme-ml/quality/predictions.csv"
  dataset_format   = "csv"
  image_uri        = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  output_s3_uri    = "s3://acme-ml/quality/model"
  role_arn         = local.role
}

resource "sagemaker_quality_check_step" "quality_data" {
  name             = "QualityData"
  check_type       = "DATA_QUALITY"
  baseline_dataset = "s3://acme-ml/quality/train.csv"
  dataset_format   = "csv"
  image_uri        = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  output_s3_uri    = "s3://acme-ml/quality/data"
  role_arn         = local.role
}

resource "sagemaker_clarify_check_step" "bias" {
  name                   = "Bias"
  check_type             = "DATA_BIAS"
  analysis_config_s3_uri = "s3://acme-ml/clarify/analysis_config.json"
  data_input_s3_uri      = "s3://acme-ml/clarify/train.csv"
  image_uri              = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"
  output_s3_uri          = "s3://acme-ml/clarify/out"
  role_arn               = local.role
}

resource "sagemaker_step" "custom" {
  name = "Custom"
  type = "EMRServerless"
}

resource "sagemaker_automl_step" "automl" {
  name                  = "AutoML"
  role_arn              = local.role
  target_attribute_name = "churn"
  output_path           = "s3://acme-ml/automl"
  input {
    s3_uri = "s3://acme-ml/automl/train.csv"
  }
}

resource "sagemaker_emr_serverless_step" "serverless" {
  name               = "Serverless"
  application_id     = "00f1abcdefgh2345"
  execution_role_arn = "arn:aws:iam::123456789012:role/emr-serverless"
  spark_submit {
    entry_point = "s3://acme-ml/jobs/etl.py"
  }
}

resource "sagemaker_ml_pipeline" "p" {
  name     = "edit-cycle"
  role_arn = local.role
  steps = [
    sagemaker_processing_step.prep.json,
    sagemaker_training_step.train.json,
    sagemaker_tuning_step.tune.json,
    sagemaker_model_step.model.json,
    sagemaker_transform_step.score.json,
    sagemaker_register_model_step.register.json,
    sagemaker_fail_step.stop.json,
    sagemaker_condition_step.check.json,
    sagemaker_lambda_step.notify.json,
    sagemaker_callback_step.review.json,
    sagemaker_emr_step.spark.json,
    sagemaker_automl_step.automl.json,
    sagemaker_emr_serverless_step.serverless.json,
    sagemaker_quality_check_step.quality_model.json,
    sagemaker_quality_check_step.quality_data.json,
    sagemaker_clarify_check_step.bias.json,
    sagemaker_step.custom.json,
  ]
}
