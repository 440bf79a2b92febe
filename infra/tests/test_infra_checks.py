"""cdk-nag's AWS Solutions checks and cfn-lint pass on what `cdk synth` writes."""

import subprocess
import sys
from pathlib import Path

import pytest
from cloudscendo_infra import nag

CFN_LINT = Path(sys.executable).with_name("cfn-lint")


def _plugin(synthesised, name: str) -> dict:
    [report] = [report for report in synthesised.report["pluginReports"] if report["pluginName"] == name]
    return report


@pytest.mark.parametrize("variant", ["synthesised", "synthesised_full"])
def test_cdk_nag_aws_solutions_finds_nothing_unacknowledged(variant, request):
    report = _plugin(request.getfixturevalue(variant), "AwsSolutions")
    assert (report["conclusion"], report["violations"]) == ("success", [])


def test_every_acknowledged_finding_is_one_we_reviewed_with_a_reason(synthesised):
    suppressed = _plugin(synthesised, "AwsSolutions")["suppressedViolations"]
    rules = sorted({finding["ruleName"].split("[")[0] for finding in suppressed})
    assert rules == ["AwsSolutions-AEC5", "AwsSolutions-EC23", "AwsSolutions-ECS2", "AwsSolutions-IAM4",
                     "AwsSolutions-IAM5", "AwsSolutions-RDS11", "AwsSolutions-SF1", "AwsSolutions-SF2",
                     "AwsSolutions-SMG4"]
    reasons = {value for value in vars(nag).values() if isinstance(value, str)}
    for finding in suppressed:
        assert finding["reason"] in reasons, finding["ruleName"]  # one of nag.py's written reasons
        assert finding["acknowledgedId"] == f"AwsSolutions::{finding['ruleName']}"
        # acknowledged on the constructs concerned, never on the stack as a whole
        assert all(construct["constructPath"].count("/") >= 2 for construct in finding["violatingConstructs"])


@pytest.mark.parametrize("variant", ["synthesised", "synthesised_full"])
def test_cfn_lint_is_clean_on_the_synthesised_template(variant, request):
    template = request.getfixturevalue(variant).template_path
    result = subprocess.run([str(CFN_LINT), str(template)], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (0, "")
