# A pipeline that prepares data and trains a model. The steps are their own resources; the
# pipeline lists their compiled `json` and sets what they share in `step_defaults`.
resource "sagemaker_processing_step" "prepare" {
  name          = "Prepare"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type = "ml.m5.xlarge"
  code          = "s3://my-bucket/code/prepare.py"

  input {
    source      = "{{ Parameters.InputData }}"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "s3://my-bucket/churn/{{ Execution.PipelineExecutionId }}/train"
  }
}

resource "sagemaker_training_step" "train" {
  name          = "Train"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type = "{{ Parameters.TrainingInstanceType }}"
  output_path   = "s3://my-bucket/churn/models"
  hyperparameters = {
    objective = "binary:logistic"
    num_round = "{{ Parameters.Rounds }}"
  }

  input {
    channel = "train"
    s3_uri  = sagemaker_processing_step.prepare.outputs["train"]
  }
}

resource "sagemaker_ml_pipeline" "training" {
  name        = "churn-training"
  role_arn    = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  description = "Prepare the churn data and train an XGBoost model"

  parameter {
    name    = "InputData"
    default = "s3://my-bucket/churn/raw"
  }
  parameter {
    name        = "TrainingInstanceType"
    default     = "ml.m5.xlarge"
    enum_values = ["ml.m5.xlarge", "ml.m5.2xlarge"]
  }
  parameter {
    name    = "Rounds"
    type    = "Integer"
    default = "50"
  }

  steps = [
    sagemaker_processing_step.prepare.json,
    sagemaker_training_step.train.json,
  ]

  # Filled into every step that does not set its own.
  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
    tags     = { cost-center = "ml-42" }
  }

  parallelism_config {
    max_parallel_execution_steps = 4
  }

  tags = { team = "churn" }
}
