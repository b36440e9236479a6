# Wait for a person to review the data: SageMaker sends a message with a callback token to an
# SQS queue, and the run goes on when the consumer calls SendPipelineExecutionStepSuccess.
resource "sagemaker_callback_step" "review" {
  name          = "Review"
  sqs_queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/review-queue"
  inputs = {
    dataset = "{{ Parameters.InputData }}"
  }

  output {
    name = "approved"
    type = "Boolean"
  }
}

resource "sagemaker_fail_step" "rejected" {
  name          = "Rejected"
  error_message = "The reviewer rejected {{ Parameters.InputData }}"
}

resource "sagemaker_condition_step" "approved" {
  name       = "Approved"
  conditions = ["${sagemaker_callback_step.review.outputs["approved"]} == true"]
  else_steps = [sagemaker_fail_step.rejected.json]
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "callback-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "InputData"
    default = "s3://my-bucket/input"
  }

  steps = [
    sagemaker_callback_step.review.json,
    sagemaker_condition_step.approved.json,
  ]
}
