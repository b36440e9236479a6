# Compile and check a definition offline, with no AWS call: for a review, a Mermaid picture, or
# a pipeline deployed by other tooling.
resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://my-bucket/models"

  input {
    channel = "train"
    s3_uri  = "{{ Parameters.TrainData }}"
  }
}

data "sagemaker_ml_pipeline_definition" "training" {
  parameter {
    name    = "TrainData"
    default = "s3://my-bucket/abalone/train"
  }

  steps = [sagemaker_training_step.train.json]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}

output "definition_json" {
  value = data.sagemaker_ml_pipeline_definition.training.json
}

output "definition_mermaid" {
  value = data.sagemaker_ml_pipeline_definition.training.mermaid
}
