#!/usr/bin/env python3
"""`cdk synth` / `cdk deploy` entry point: Cloudscendo's stack, checked by cdk-nag's AWS Solutions rules."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from cloudscendo_infra.config import config_from_context
from cloudscendo_infra.nag import suppress_reviewed_findings
from cloudscendo_infra.stack import CloudscendoStack


def build(app: cdk.App) -> CloudscendoStack:
    """The stack, with the nag checks attached (a finding not acknowledged fails the synthesis)."""
    config = config_from_context(app.node)
    # The region only, never the account: nothing needs a look-up in an AWS account at synth time.
    stack = CloudscendoStack(app, "Cloudscendo", config=config, env=cdk.Environment(region=config.region))
    suppress_reviewed_findings(stack)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return stack


if __name__ == "__main__":
    application = cdk.App()
    build(application)
    application.synth()
