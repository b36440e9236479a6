# Register the trained model as a new version in the model registry, pending manual approval.
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

resource "sagemaker_register_model_step" "register" {
  name                     = "RegisterModel"
  model_package_group_name = "AbaloneModels"
  image_uri                = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  model_data_url           = sagemaker_training_step.train.model_artifacts
  content_types            = ["text/csv"]
  response_types           = ["text/csv"]
  inference_instances      = ["ml.m5.large"]
  transform_instances      = ["ml.m5.large"]
  approval_status          = "{{ Parameters.ModelApprovalStatus }}"

  model_metrics {
    model_quality {
      statistics {
        content_type = "application/json"
        s3_uri       = "s3://my-bucket/evaluation/{{ Execution.PipelineExecutionId }}/evaluation.json"
      }
    }
  }
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "register-model-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "ModelApprovalStatus"
    default = "PendingManualApproval"
  }

  steps = [
    sagemaker_training_step.train.json,
    sagemaker_register_model_step.register.json,
  ]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
