# The least-privilege policy of a pipeline's roles, derived from its steps: the processing job,
# the role it passes, and the S3 prefixes it reads and writes.
resource "sagemaker_processing_step" "prepare" {
  name          = "Prepare"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type = "ml.m5.xlarge"
  code          = "s3://my-bucket/code/prepare.py"

  input {
    source      = "s3://my-bucket/raw/"
    destination = "/opt/ml/processing/input"
  }
  output {
    name        = "train"
    source      = "/opt/ml/processing/train"
    destination = "s3://my-bucket/{{ Execution.PipelineExecutionId }}/train"
  }
}

resource "sagemaker_ml_pipeline" "prepare" {
  name     = "policy-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  steps    = [sagemaker_processing_step.prepare.json]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}

data "sagemaker_ml_pipeline_policy" "prepare" {
  definition_parts = sagemaker_ml_pipeline.prepare.definition_parts
}

# With the AWS provider, on the pipeline's role and the jobs' role:
#   resource "aws_iam_role_policy" "pipeline" {
#     for_each = toset(["sagemaker-pipeline", "sagemaker-jobs"])
#     role     = each.key
#     policy   = data.sagemaker_ml_pipeline_policy.prepare.json
#   }
output "pipeline_role_policy" {
  value = data.sagemaker_ml_pipeline_policy.prepare.json
}
