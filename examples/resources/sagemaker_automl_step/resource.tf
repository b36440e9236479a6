# Let Autopilot find the best model for a churn column, then create a SageMaker model from the
# best candidate's container.
resource "sagemaker_automl_step" "automl" {
  name                  = "AutoML"
  target_attribute_name = "churn"
  output_path           = "s3://my-bucket/automl"
  problem_type          = "BinaryClassification"
  objective_metric      = "F1"
  max_candidates        = "10"

  input {
    s3_uri       = "s3://my-bucket/automl/train.csv"
    content_type = "text/csv;header=present"
  }
}

resource "sagemaker_model_step" "best" {
  name           = "BestModel"
  image_uri      = sagemaker_automl_step.automl.best_model_image
  model_data_url = sagemaker_automl_step.automl.best_model_data_url
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "automl-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  steps = [
    sagemaker_automl_step.automl.json,
    sagemaker_model_step.best.json,
  ]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
