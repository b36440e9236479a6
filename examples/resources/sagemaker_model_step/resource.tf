# Create a SageMaker model from the artifacts of a training step, for a batch transform.
resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://my-bucket/models"

  input {
    channel = "train"
    s3_uri  = "s3://my-bucket/abalone/train"
  }
}

resource "sagemaker_model_step" "model" {
  name           = "CreateModel"
  image_uri      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  model_data_url = sagemaker_training_step.train.model_artifacts
  environment    = { SAGEMAKER_PROGRAM = "inference.py" }
  tags           = { stage = "batch" }
}

resource "sagemaker_transform_step" "score" {
  name          = "Score"
  model_name    = sagemaker_model_step.model.model_name
  instance_type = "ml.m5.large"
  output_path   = "s3://my-bucket/{{ Execution.PipelineExecutionId }}/scores"

  input {
    s3_uri = "s3://my-bucket/batch"
  }
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "model-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  steps = [
    sagemaker_training_step.train.json,
    sagemaker_model_step.model.json,
    sagemaker_transform_step.score.json,
  ]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
