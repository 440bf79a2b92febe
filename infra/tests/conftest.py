"""Synthesise the stack once per test session, offline, for each deployment variant the tests read."""

import json
import os
from pathlib import Path

import pytest

INFRA_DIR = Path(__file__).resolve().parents[1]
# The deployment a new operator makes (README), and one with every optional part switched on.
BASE_CONTEXT = {
    "domainName": "cloudscendo.example.com",
    "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555",
}
FULL_CONTEXT = {
    **BASE_CONTEXT, "videoBackend": "youtube", "kendraIndexId": "0123abcd-4567-89ef-0123-456789abcdef",
    "youtubeApiKeySecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cloudscendo/youtube-AbCdEf",
    "alarmEmail": "ops@example.com",
}


def cdk_context(**extra) -> dict:
    """cdk.json's context (feature flags and defaults), as `cdk synth` reads it, plus the given values."""
    context = json.loads((INFRA_DIR / "cdk.json").read_text())["context"]
    return {**context, **extra}


class Synthesised:
    """One synthesis of the app: the stack, its CloudFormation template and the validation report."""

    def __init__(self, context: dict, outdir: Path) -> None:
        os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
        import aws_cdk as cdk
        from app import build

        self.app = cdk.App(outdir=str(outdir), context=cdk_context(**context))
        self.stack = build(self.app)
        self.assembly = self.app.synth()
        self.outdir = outdir
        self.template_path = outdir / self.stack.template_file
        self.template = json.loads(self.template_path.read_text())
        self.report = json.loads((outdir / "validation-report.json").read_text())

    def resources(self, kind: str) -> dict[str, dict]:
        return {name: resource for name, resource in self.template["Resources"].items() if resource["Type"] == kind}


@pytest.fixture(scope="session")
def synthesised(tmp_path_factory) -> Synthesised:
    return Synthesised(BASE_CONTEXT, tmp_path_factory.mktemp("cdk-base"))


@pytest.fixture(scope="session")
def synthesised_full(tmp_path_factory) -> Synthesised:
    return Synthesised(FULL_CONTEXT, tmp_path_factory.mktemp("cdk-full"))
