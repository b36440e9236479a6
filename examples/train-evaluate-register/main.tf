# Train -> evaluate -> condition on the evaluation report -> register the model or fail.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  bucket  = "sagemaker-us-east-1-123456789012"
  xgboost = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}

resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = local.xgboost
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://${local.bucket}/models"
  hyperparameters = {
    objective = "reg:squarederror"
    num_round = "50"
  }
  input {
    channel      = "train"
    s3_uri       = "{{ Parameters.TrainData }}"
    content_type = "text/csv"
  }
  retry {
    exception_types = ["SageMaker.CAPACITY_ERROR", "SageMaker.JOB_INTERNAL_ERROR"]
    max_attempts    = 3
  }
}

resource "sagemaker_processing_step" "evaluate" {
  name                 = "Evaluate"
  image_uri            = local.xgboost
  instance_type        = "ml.m5.xlarge"
  code                 = "s3://${local.bucket}/code/evaluate.py"
  container_entrypoint = ["python3"]

  input {
    source      = sagemaker_training_step.train.model_artifacts
    destination = "/opt/ml/processing/model"
  }
  input {
    source      = "{{ Parameters.TestData }}"
    destination = "/opt/ml/processing/test"
  }
  output {
    name        = "evaluation"
    source      = "/opt/ml/processing/evaluation"
    destination = "s3://${local.bucket}/evaluation/{{ Execution.PipelineExecutionId }}"
  }
  property_file {
    name        = "EvaluationReport"
    output_name = "evaluation"
    path        = "evaluation.json"
  }
  cache {
    enabled      = true
    expire_after = "P30D"
  }
}

resource "sagemaker_register_model_step" "register" {
  name                     = "RegisterModel"
  model_package_group_name = "AbaloneModels"
  image_uri                = local.xgboost
  model_data_url           = sagemaker_training_step.train.model_artifacts
  content_types            = ["text/csv"]
  response_types           = ["text/csv"]
  inference_instances      = ["ml.m5.large"]
  transform_instances      = ["ml.m5.large"]
  approval_status          = "{{ Parameters.ModelApprovalStatus }}"
}

resource "sagemaker_fail_step" "too_high" {
  name          = "MseTooHigh"
  error_message = "MSE above threshold {{ Parameters.MseThreshold }}"
}

resource "sagemaker_condition_step" "check" {
  name       = "CheckMse"
  conditions = ["{{ Steps.Evaluate.PropertyFiles.EvaluationReport.regression_metrics.mse.value }} <= {{ Parameters.MseThreshold }}"]
  if_steps   = [sagemaker_register_model_step.register.json]
  else_steps = [sagemaker_fail_step.too_high.json]
}

resource "sagemaker_ml_pipeline" "abalone" {
  name     = "abalone-train-evaluate-register"
  role_arn = local.role

  parameter {
    name    = "TrainData"
    default = "s3://${local.bucket}/abalone/train"
  }
  parameter {
    name    = "TestData"
    default = "s3://${local.bucket}/abalone/test"
  }
  parameter {
    name    = "MseThreshold"
    type    = "Float"
    default = "6.0"
  }
  parameter {
    name    = "ModelApprovalStatus"
    default = "PendingManualApproval"
  }

  steps = [
    sagemaker_training_step.train.json,
    sagemaker_processing_step.evaluate.json,
    sagemaker_condition_step.check.json,
  ]

  step_defaults {
    role_arn = local.role
  }

  experiment_config {
    experiment_name = "{{ Execution.PipelineName }}"
    trial_name      = "{{ Execution.PipelineExecutionId }}"
  }
}
