terraform {
  required_providers {
    sagemaker = {
      source = "sagemaker-pipelines/sagemaker"
    }
  }
}

# Credentials come from the standard AWS chain (environment variables, shared config and
# credentials files, SSO, container and instance roles); every argument is optional.
provider "sagemaker" {
  region = "us-east-1"

  # Merged into the tags of every pipeline; a pipeline's own `tags` win per key.
  default_tags = {
    managed-by = "terraform"
  }

  # Attempts per AWS call, the longest wait for one attempt, and for a whole call.
  max_retries       = 10
  call_timeout      = "30s"
  operation_timeout = "3m"
}
