# Score a batch of records with a model created earlier in the same pipeline.
resource "sagemaker_model_step" "model" {
  name           = "CreateModel"
  image_uri      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  model_data_url = "{{ Parameters.ModelData }}"
}

resource "sagemaker_transform_step" "score" {
  name          = "Score"
  model_name    = sagemaker_model_step.model.model_name
  instance_type = "ml.m5.large"
  output_path   = "s3://my-bucket/{{ Execution.PipelineExecutionId }}/scores"

  input {
    s3_uri       = "{{ Parameters.BatchData }}"
    content_type = "text/csv"
    split_type   = "Line"
  }

  # Drop the ID column before the model, and write each prediction next to its record.
  data_processing {
    input_filter = "$[1:]"
    join_source  = "Input"
  }
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "transform-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "ModelData"
    default = "s3://my-bucket/models/model.tar.gz"
  }
  parameter {
    name    = "BatchData"
    default = "s3://my-bucket/batch"
  }

  steps = [
    sagemaker_model_step.model.json,
    sagemaker_transform_step.score.json,
  ]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
