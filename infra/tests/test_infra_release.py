"""migrate runs to completion during `cdk deploy` before any service changes, and a failed one fails the deploy."""

import boto3
import pytest
from botocore.stub import Stubber
from cloudscendo_infra.migrate_lambda import handler

CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/cloudscendo"
TASK = "arn:aws:ecs:eu-west-1:123456789012:task/cloudscendo/0123456789abcdef"
PROPERTIES = {"Cluster": CLUSTER, "TaskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/migrate:7",
              "Subnets": ["subnet-1", "subnet-2"], "SecurityGroups": ["sg-1"]}


def test_every_service_waits_for_the_migrate_resource_which_waits_for_the_database(synthesised):
    [(name, migrate)] = synthesised.resources("Custom::CloudscendoMigrate").items()
    [task_definition] = [key for key in synthesised.resources("AWS::ECS::TaskDefinition")
                         if key.startswith("AppMigrateTask")]
    assert migrate["Properties"]["TaskDefinition"] == {"Ref": task_definition}
    assert [subnet["Ref"][:len("NetworkVpcappSubnet")] for subnet in migrate["Properties"]["Subnets"]] == [
        "NetworkVpcappSubnet"] * 2
    [database] = synthesised.resources("AWS::RDS::DBInstance")
    assert database in migrate["DependsOn"]
    endpoints = synthesised.resources("AWS::EC2::VPCEndpoint")
    assert sum(endpoint in migrate["DependsOn"] for endpoint in endpoints) == 6  # every interface endpoint
    for service in synthesised.resources("AWS::ECS::Service").values():
        assert name in service["DependsOn"]


def test_release_handlers_may_run_only_the_migrate_task(synthesised):
    policies = {prefix: policy["Properties"]["PolicyDocument"]["Statement"]
                for key, policy in synthesised.resources("AWS::IAM::Policy").items()
                for prefix in ("ReleaseStart", "ReleaseWait") if key.startswith(prefix)}
    [cluster] = synthesised.resources("AWS::ECS::Cluster")
    on_cluster = {"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": [cluster, "Arn"]}}}
    [migrate] = [key for key in synthesised.resources("AWS::ECS::TaskDefinition") if key.startswith("AppMigrateTask")]
    [role] = [key for key in synthesised.resources("AWS::IAM::Role") if key.startswith("AppTaskRole")]
    [execution] = [key for key in synthesised.resources("AWS::IAM::Role")
                   if key.startswith("AppMigrateTaskExecutionRole")]
    assert policies == {
        "ReleaseStart": [
            {"Action": "ecs:RunTask", "Condition": on_cluster, "Effect": "Allow", "Resource": {"Ref": migrate}},
            {"Action": "iam:PassRole", "Effect": "Allow",
             "Resource": [{"Fn::GetAtt": [role, "Arn"]}, {"Fn::GetAtt": [execution, "Arn"]}]}],
        "ReleaseWait": [{"Action": "ecs:DescribeTasks", "Condition": on_cluster, "Effect": "Allow",
                         "Resource": "*"}],
    }


@pytest.fixture
def ecs(monkeypatch):
    client = boto3.client("ecs", region_name="eu-west-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")  # never used: Stubber answers every call
    monkeypatch.setattr(handler, "ecs", lambda: client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _event(kind: str, **extra) -> dict:
    return {"RequestType": kind, "ResourceProperties": PROPERTIES, **extra}


def _stopped(exit_code: int | None, status: str = "STOPPED") -> dict:
    container = {"name": "app", "reason": "OutOfMemoryError"} if exit_code is None else {
        "name": "app", "exitCode": exit_code}
    return {"tasks": [{"taskArn": TASK, "lastStatus": status, "stoppedReason": "Essential container exited",
                       "containers": [container]}], "failures": []}


def test_create_and_update_start_the_migrate_task_in_the_private_subnets(ecs):
    ecs.add_response("run_task", {"tasks": [{"taskArn": TASK}], "failures": []}, {
        "cluster": CLUSTER, "taskDefinition": PROPERTIES["TaskDefinition"], "launchType": "FARGATE", "count": 1,
        "startedBy": "cdk-deploy", "networkConfiguration": {"awsvpcConfiguration": {
            "subnets": ["subnet-1", "subnet-2"], "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"}}})
    assert handler.on_event(_event("Update", PhysicalResourceId="previous")) == {"PhysicalResourceId": TASK}


def test_a_task_that_cannot_start_fails_the_deploy(ecs):
    ecs.add_response("run_task", {"tasks": [], "failures": [{"arn": CLUSTER, "reason": "RESOURCE:MEMORY"}]})
    with pytest.raises(RuntimeError, match=r"The migrate task did not start: .*RESOURCE:MEMORY"):
        handler.on_event(_event("Create"))


def test_complete_only_once_migrate_stopped_with_exit_code_zero(ecs):
    ecs.add_response("describe_tasks", _stopped(None, status="RUNNING"), {"cluster": CLUSTER, "tasks": [TASK]})
    ecs.add_response("describe_tasks", _stopped(0), {"cluster": CLUSTER, "tasks": [TASK]})
    event = _event("Create", PhysicalResourceId=TASK)
    assert handler.is_complete(event) == {"IsComplete": False}
    assert handler.is_complete(event) == {"IsComplete": True}


@pytest.mark.parametrize(("exit_code", "message"), [(1, "exit code 1: Essential container exited"),
                                                    (None, "exit code None: OutOfMemoryError")])
def test_a_failed_migrate_fails_the_deploy(ecs, exit_code, message):
    ecs.add_response("describe_tasks", _stopped(exit_code))
    with pytest.raises(RuntimeError, match=f"migrate stopped with {message}"):
        handler.is_complete(_event("Update", PhysicalResourceId=TASK))


def test_deleting_the_stack_runs_nothing(ecs):
    assert handler.on_event(_event("Delete", PhysicalResourceId=TASK)) == {"PhysicalResourceId": TASK}
    assert handler.is_complete(_event("Delete", PhysicalResourceId=TASK)) == {"IsComplete": True}
