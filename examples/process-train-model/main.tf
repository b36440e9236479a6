# Processing -> training -> model creation, with typed parameters: the classic first pipeline.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

locals {
  role    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  bucket  = "sagemaker-us-east-1-123456789012"
  sklearn = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  xgboost = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}

resource "sagemaker_processing_step" "preprocess" {
  name           = "Preprocess"
  image_uri      = local.sklearn
  instance_type  = "{{ Parameters.ProcessingInstanceType }}"
  instance_count = "{{ Parameters.ProcessingInstanceCount }}"
  code           = "s3://${local.bucket}/code/preprocess.py"

  input {
    source      = "{{ Parameters.InputData }}"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "s3://${local.bucket}/abalone/{{ Execution.PipelineExecutionId }}/train"
  }
  output {
    name        = "test"
    source      = "/opt/ml/processing/test"
    destination = "s3://${local.bucket}/abalone/{{ Execution.PipelineExecutionId }}/test"
  }
}

resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = local.xgboost
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://${local.bucket}/models"
  hyperparameters = {
    objective = "reg:squarederror"
    num_round = "{{ Parameters.Epochs }}"
  }
  input {
    channel      = "train"
    s3_uri       = sagemaker_processing_step.preprocess.outputs["train"]
    content_type = "text/csv"
  }
}

resource "sagemaker_model_step" "model" {
  name           = "CreateModel"
  image_uri      = local.xgboost
  model_data_url = sagemaker_training_step.train.model_artifacts
}

resource "sagemaker_ml_pipeline" "abalone" {
  name     = "abalone-process-train-model"
  role_arn = local.role

  parameter {
    name    = "ProcessingInstanceType"
    default = "ml.m5.xlarge"
  }
  parameter {
    name    = "ProcessingInstanceCount"
    type    = "Integer"
    default = "1"
  }
  parameter {
    name    = "InputData"
    default = "s3://${local.bucket}/abalone/abalone.csv"
  }
  parameter {
    name    = "Epochs"
    type    = "Integer"
    default = "50"
  }

  steps = [
    sagemaker_processing_step.preprocess.json,
    sagemaker_training_step.train.json,
    sagemaker_model_step.model.json,
  ]

  step_defaults {
    role_arn = local.role
    tags     = { cost-center = "ml-42" }
  }
}

# Fingerprint of the compiled definition; the whole text is the `json` of the
# sagemaker_ml_pipeline_definition data source, or the deployed `definition` of the
# sagemaker_ml_pipeline data source.
output "definition_sha256" {
  value = sagemaker_ml_pipeline.abalone.definition_sha256
}
