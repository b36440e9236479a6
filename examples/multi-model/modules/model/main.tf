# One model's steps: train on its own data, create the model. The pipeline composes several.
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}

variable "model" {
  description = "Model name, used as the step name prefix (letters, digits, hyphens)."
  type        = string
}

variable "train_data" {
  description = "S3 URI of the training data, or a {{ }} reference."
  type        = string
}

variable "image_uri" {
  description = "Training and inference image."
  type        = string
}

variable "bucket" {
  description = "Bucket for model artifacts."
  type        = string
}

resource "sagemaker_training_step" "train" {
  name          = "Train-${var.model}"
  image_uri     = var.image_uri
  instance_type = "ml.m5.xlarge"
  output_path   = "s3://${var.bucket}/models/${var.model}"
  input {
    channel = "train"
    s3_uri  = var.train_data
  }
}

resource "sagemaker_model_step" "model" {
  name           = "Model-${var.model}"
  image_uri      = var.image_uri
  model_data_url = sagemaker_training_step.train.model_artifacts
}

output "steps" {
  description = "The module's step objects, in order."
  value       = [sagemaker_training_step.train.json, sagemaker_model_step.model.json]
}
