"""Run the migrate task during `cdk deploy`, after the image is pushed and before any service changes."""

from pathlib import Path

from aws_cdk import CfnResource, CustomResource, Duration
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from cloudscendo_infra.config import DeployConfig, retention

HANDLER_DIR = Path(__file__).with_name("migrate_lambda")
REDUNDANT_DEPENDS_ON = ("AWS::Lambda::Function", "AWS::StepFunctions::StateMachine")


class MigrateBeforeRelease(Construct):
    """A custom resource whose update runs migrate to completion; the services depend on it."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig, cluster: ecs.ICluster,
                 task: ecs.FargateTaskDefinition, subnet_ids: list[str], security_group_id: str) -> None:
        super().__init__(scope, construct_id)
        on_event = self._function("Start", "handler.on_event", config)
        is_complete = self._function("Wait", "handler.is_complete", config)
        on_event.add_to_role_policy(iam.PolicyStatement(
            actions=["ecs:RunTask"], resources=[task.task_definition_arn],
            conditions={"ArnEquals": {"ecs:cluster": cluster.cluster_arn}}))
        on_event.add_to_role_policy(iam.PolicyStatement(
            actions=["iam:PassRole"], resources=[task.task_role.role_arn, task.obtain_execution_role().role_arn]))
        is_complete.add_to_role_policy(iam.PolicyStatement(
            actions=["ecs:DescribeTasks"], resources=["*"],
            conditions={"ArnEquals": {"ecs:cluster": cluster.cluster_arn}}))
        provider = cr.Provider(self, "Provider", on_event_handler=on_event, is_complete_handler=is_complete,
                               query_interval=Duration.seconds(15), total_timeout=Duration.minutes(30),
                               log_group=logs.LogGroup(self, "ProviderLogs",
                                                       retention=retention(config.log_retention_days)))
        # The task definition's ARN changes with every new image or setting: that is what runs migrate.
        self.resource = CustomResource(self, "Migrate", service_token=provider.service_token,
                                       resource_type="Custom::CloudscendoMigrate",
                                       properties={"Cluster": cluster.cluster_arn,
                                                   "TaskDefinition": task.task_definition_arn,
                                                   "Subnets": subnet_ids, "SecurityGroups": [security_group_id]})

        # The CDK makes each function and the waiter depend on their role, which their GetAtt already
        # does; cfn-lint's W3005 says so. Harmless, and not ours to change.
        for resource in self.node.find_all():
            if isinstance(resource, CfnResource) and resource.cfn_resource_type in REDUNDANT_DEPENDS_ON:
                resource.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})

    def _function(self, name: str, handler: str, config: DeployConfig) -> lambda_.Function:
        return lambda_.Function(
            self, name, runtime=lambda_.Runtime.PYTHON_3_14, handler=handler,
            code=lambda_.Code.from_asset(str(HANDLER_DIR), exclude=["__pycache__"]), timeout=Duration.seconds(30),
            log_group=logs.LogGroup(self, f"{name}Logs", retention=retention(config.log_retention_days)))
