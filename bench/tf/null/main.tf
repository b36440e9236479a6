# The baseline for scripts/bench: one null_resource from hashicorp/null 2.1.2 (.tools/mirror).
terraform {
  required_providers {
    null = {
      source  = "hashicorp/null"
      version = "2.1.2"
    }
  }
}

resource "null_resource" "baseline" {
  triggers = {
    owner = "ml-platform"
  }
}
