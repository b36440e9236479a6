# Train the built-in XGBoost algorithm on train and validation channels, retrying when capacity
# is short, and extract a metric from the training logs.
resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://my-bucket/models"
  hyperparameters = {
    objective = "reg:squarederror"
    num_round = "{{ Parameters.Rounds }}"
  }

  input {
    channel      = "train"
    s3_uri       = "{{ Parameters.TrainData }}"
    content_type = "text/csv"
  }
  input {
    channel      = "validation"
    s3_uri       = "{{ Parameters.ValidationData }}"
    content_type = "text/csv"
  }

  # Read as {{ Steps.Train.FinalMetricDataList['validation:rmse'].Value }}.
  metric_definition {
    name  = "validation:rmse"
    regex = ".*validation-rmse:([-+]?[0-9]*\\.?[0-9]+)"
  }

  retry {
    exception_types = ["SageMaker.CAPACITY_ERROR", "SageMaker.JOB_INTERNAL_ERROR"]
    max_attempts    = 3
  }
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "training-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "TrainData"
    default = "s3://my-bucket/abalone/train"
  }
  parameter {
    name    = "ValidationData"
    default = "s3://my-bucket/abalone/validation"
  }
  parameter {
    name    = "Rounds"
    type    = "Integer"
    default = "50"
  }

  steps = [sagemaker_training_step.train.json]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
