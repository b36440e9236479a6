# Read a deployed pipeline by name, e.g. one that another team or the SageMaker Python SDK
# manages. Here the pipeline is created next to it, so the example is complete.
resource "sagemaker_ml_pipeline" "scoring" {
  name     = "batch-scoring"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  steps = [
    jsonencode({
      Name      = "NotReadyYet"
      Type      = "Fail"
      Arguments = { ErrorMessage = "Replace this step with the scoring steps." }
    }),
  ]
}

data "sagemaker_ml_pipeline" "scoring" {
  name = sagemaker_ml_pipeline.scoring.name
}

output "scoring_pipeline_arn" {
  value = data.sagemaker_ml_pipeline.scoring.arn
}

# The deployed steps, e.g. to start typed step resources from what is deployed.
output "scoring_step_names" {
  value = [for s in jsondecode(data.sagemaker_ml_pipeline.scoring.definition).Steps : s.Name]
}
