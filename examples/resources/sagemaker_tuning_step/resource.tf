# Tune XGBoost's learning rate and depth for the best validation AUC, then keep the best model.
resource "sagemaker_tuning_step" "tune" {
  name          = "Tune"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://my-bucket/tuning"

  max_number_of_training_jobs = "20"
  max_parallel_training_jobs  = "4"

  input {
    channel = "train"
    s3_uri  = "s3://my-bucket/churn/train"
  }
  input {
    channel = "validation"
    s3_uri  = "s3://my-bucket/churn/validation"
  }

  objective {
    type        = "Maximize"
    metric_name = "validation:auc"
  }
  continuous_parameter_range {
    name      = "eta"
    min_value = "0.1"
    max_value = "0.5"
  }
  integer_parameter_range {
    name      = "max_depth"
    min_value = "3"
    max_value = "10"
  }
}

resource "sagemaker_model_step" "best" {
  name           = "BestModel"
  image_uri      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  model_data_url = sagemaker_tuning_step.tune.best_model_artifacts
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "tuning-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  steps = [
    sagemaker_tuning_step.tune.json,
    sagemaker_model_step.best.json,
  ]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
