# Fidelity case process_train_model (tests/fidelity/README.md): Preprocess -> Train -> CreateModel,
# the same pipeline as tests/fidelity/sdk/process_train_model.py builds with the SageMaker SDK.
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
  # Where the SDK puts outputs that have no destination: s3://<bucket>/<pipeline>/<execution>/<step>/output/<name>
  outputs = "s3://${local.bucket}/fidelity-process-train-model/{{ Execution.PipelineExecutionId }}/Preprocess/output"
}

resource "sagemaker_processing_step" "preprocess" {
  name           = "Preprocess"
  image_uri      = local.sklearn
  instance_type  = "ml.m5.xlarge"
  instance_count = "1"
  code           = "s3://${local.bucket}/code/preprocess.py"

  input {
    name        = "input-1"
    source      = "{{ Parameters.InputData }}"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "${local.outputs}/train"
  }
  output {
    name        = "test"
    source      = "/opt/ml/processing/test"
    destination = "${local.outputs}/test"
  }
}

resource "sagemaker_training_step" "train" {
  name           = "Train"
  image_uri      = local.xgboost
  instance_type  = "ml.m5.xlarge"
  instance_count = "1"
  output_path    = "s3://${local.bucket}/models"
  hyperparameters = {
    objective = "reg:squarederror"
    num_round = "{{ Parameters.NumRound }}"
  }
  input {
    channel      = "train"
    s3_uri       = sagemaker_processing_step.preprocess.outputs["train"]
    content_type = "text/csv"
  }
}

resource "sagemaker_model_step" "create_model" {
  name           = "CreateModel-CreateModel"
  image_uri      = local.xgboost
  model_data_url = sagemaker_training_step.train.model_artifacts
}

resource "sagemaker_ml_pipeline" "this" {
  name     = "fidelity-process-train-model"
  role_arn = local.role

  parameter {
    name    = "InputData"
    type    = "String"
    default = "s3://${local.bucket}/abalone/abalone.csv"
  }
  parameter {
    name    = "NumRound"
    type    = "Integer"
    default = "50"
  }

  steps = [
    sagemaker_processing_step.preprocess.json,
    sagemaker_training_step.train.json,
    sagemaker_model_step.create_model.json,
  ]

  step_defaults {
    role_arn = local.role
  }
}

output "definition_sha256" {
  value = sagemaker_ml_pipeline.this.definition_sha256
}
