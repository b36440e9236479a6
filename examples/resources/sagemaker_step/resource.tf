# A step type with no typed resource yet: deploy the model a model step created to a real-time
# endpoint (an EndpointConfig step, then an Endpoint step), written as the step's JSON arguments.
resource "sagemaker_model_step" "model" {
  name           = "CreateModel"
  image_uri      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  model_data_url = "{{ Parameters.ModelData }}"
}

resource "sagemaker_step" "endpoint_config" {
  name = "EndpointConfig"
  type = "EndpointConfig"
  arguments = jsonencode({
    ProductionVariants = [{
      VariantName          = "AllTraffic"
      ModelName            = sagemaker_model_step.model.model_name
      InitialInstanceCount = 1
      InstanceType         = "ml.m5.large"
    }]
  })
}

resource "sagemaker_step" "endpoint" {
  name = "Endpoint"
  type = "Endpoint"
  arguments = jsonencode({
    EndpointName       = "churn"
    EndpointConfigName = "{{ ${sagemaker_step.endpoint_config.ref}.EndpointConfigName }}"
  })
}

resource "sagemaker_ml_pipeline" "example" {
  name     = "generic-step-example"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"

  parameter {
    name    = "ModelData"
    default = "s3://my-bucket/models/model.tar.gz"
  }

  steps = [
    sagemaker_model_step.model.json,
    sagemaker_step.endpoint_config.json,
    sagemaker_step.endpoint.json,
  ]

  step_defaults {
    role_arn = "arn:aws:iam::123456789012:role/sagemaker-jobs"
  }
}
