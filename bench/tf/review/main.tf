# A realistic five-step pipeline (processing with code -> spot training -> evaluation with a
# property file -> condition -> register or fail), with step_defaults, all four parameter types,
# caching and retries. bench/suites/plansize applies it, changes one hyperparameter (the variable
# below) and counts the lines of the plan: what a reviewer reads in a pull request.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

variable "max_depth" {
  type    = string
  default = "5"
}

variable "approval_status" {
  type    = string
  default = "{{ Parameters.ApprovalStatus }}"
}

locals {
  role    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  bucket  = "acme-ml-us-east-1"
  sklearn = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  xgboost = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}

resource "sagemaker_processing_step" "prep" {
  name           = "Preprocess"
  image_uri      = local.sklearn
  instance_type  = "ml.m5.xlarge"
  instance_count = "1"
  code           = "s3://${local.bucket}/code/preprocess.py"
  container_arguments = ["--train-ratio", "0.8"]
  input {
    source      = "{{ Parameters.InputData }}"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "s3://${local.bucket}/{{ Execution.PipelineExecutionId }}/train"
  }
  output {
    name        = "validation"
    source      = "/opt/ml/processing/validation"
    destination = "s3://${local.bucket}/{{ Execution.PipelineExecutionId }}/validation"
  }
  output {
    name        = "test"
    source      = "/opt/ml/processing/test"
    destination = "s3://${local.bucket}/{{ Execution.PipelineExecutionId }}/test"
  }
  cache {
    enabled      = true
    expire_after = "P7D"
  }
}

resource "sagemaker_training_step" "train" {
  name                     = "Train"
  image_uri                = local.xgboost
  instance_type            = "ml.m5.2xlarge"
  instance_count           = "{{ Parameters.TrainingInstanceCount }}"
  output_path              = "s3://${local.bucket}/models"
  use_spot_instances       = true
  max_runtime_in_seconds   = "3600"
  max_wait_time_in_seconds = "7200"
  checkpoint_s3_uri        = "s3://${local.bucket}/checkpoints"
  hyperparameters = {
    objective   = "binary:logistic"
    num_round   = "{{ Parameters.NumRound }}"
    max_depth   = var.max_depth
    eta         = "0.2"
    subsample   = "0.8"
    eval_metric = "auc"
  }
  input {
    channel      = "train"
    s3_uri       = sagemaker_processing_step.prep.outputs["train"]
    content_type = "text/csv"
  }
  input {
    channel      = "validation"
    s3_uri       = sagemaker_processing_step.prep.outputs["validation"]
    content_type = "text/csv"
  }
  metric_definition {
    name  = "validation:auc"
    regex = ".*\\[[0-9]+\\].*#011validation-auc:([-+]?[0-9]*\\.?[0-9]+)"
  }
  retry {
    exception_types = ["SageMaker.CAPACITY_ERROR", "SageMaker.JOB_INTERNAL_ERROR"]
    max_attempts    = 3
    backoff_rate    = 2
  }
  cache {
    enabled      = true
    expire_after = "P30D"
  }
}

resource "sagemaker_processing_step" "evaluate" {
  name          = "Evaluate"
  image_uri     = local.xgboost
  instance_type = "ml.m5.xlarge"
  code          = "s3://${local.bucket}/code/evaluate.py"
  input {
    source      = sagemaker_training_step.train.model_artifacts
    destination = "/opt/ml/processing/model"
  }
  input {
    source      = sagemaker_processing_step.prep.outputs["test"]
    destination = "/opt/ml/processing/test"
  }
  output {
    name        = "evaluation"
    source      = "/opt/ml/processing/evaluation"
    destination = "s3://${local.bucket}/{{ Execution.PipelineExecutionId }}/evaluation"
  }
  property_file {
    name        = "EvaluationReport"
    output_name = "evaluation"
    path        = "evaluation.json"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                     = "RegisterModel"
  model_package_group_name = "churn-models"
  image_uri                = local.xgboost
  model_data_url           = sagemaker_training_step.train.model_artifacts
  content_types            = ["text/csv"]
  response_types           = ["text/csv"]
  inference_instances      = ["ml.m5.large", "ml.m5.xlarge"]
  transform_instances      = ["ml.m5.large"]
  approval_status          = var.approval_status
}

resource "sagemaker_fail_step" "fail" {
  name          = "AccuracyTooLow"
  error_message = "AUC below {{ Parameters.AucThreshold }}"
}

resource "sagemaker_condition_step" "check" {
  name       = "CheckAuc"
  conditions = ["{{ Steps.Evaluate.PropertyFiles.EvaluationReport.metrics.auc.value }} >= {{ Parameters.AucThreshold }}"]
  if_steps   = [sagemaker_register_model_step.register.json]
  else_steps = [sagemaker_fail_step.fail.json]
}

resource "sagemaker_ml_pipeline" "churn" {
  name        = "churn-training"
  role_arn    = local.role
  description = "Churn model: preprocess, train on spot, evaluate, register when AUC is good enough"

  parameter {
    name    = "InputData"
    default = "s3://${local.bucket}/raw/churn.csv"
  }
  parameter {
    name    = "TrainingInstanceCount"
    type    = "Integer"
    default = "1"
  }
  parameter {
    name    = "NumRound"
    type    = "Integer"
    default = "100"
  }
  parameter {
    name    = "AucThreshold"
    type    = "Float"
    default = "0.75"
  }
  parameter {
    name    = "RegisterModel"
    type    = "Boolean"
    default = "true"
  }
  parameter {
    name        = "ApprovalStatus"
    default     = "PendingManualApproval"
    enum_values = ["PendingManualApproval", "Approved"]
  }

  steps = [
    sagemaker_processing_step.prep.json,
    sagemaker_training_step.train.json,
    sagemaker_processing_step.evaluate.json,
    sagemaker_condition_step.check.json,
  ]

  step_defaults {
    role_arn = local.role
    tags     = { cost-center = "ml-42" }
  }

  experiment_config {
    experiment_name = "{{ Execution.PipelineName }}"
    trial_name      = "{{ Execution.PipelineExecutionId }}"
  }

  tags = { owner = "ml-platform" }
}
