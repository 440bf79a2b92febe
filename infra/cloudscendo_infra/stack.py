"""The whole production topology in one stack."""

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from cloudscendo_infra.config import DeployConfig
from cloudscendo_infra.data import Cache, Database
from cloudscendo_infra.edge import Edge
from cloudscendo_infra.iam import app_task_role
from cloudscendo_infra.monitoring import Alarms
from cloudscendo_infra.network import Network
from cloudscendo_infra.release import MigrateBeforeRelease
from cloudscendo_infra.services import WEB_PORT, AppServices
from cloudscendo_infra.storage import Buckets


class CloudscendoStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        network = Network(self, "Network", config=config)
        app_security_group = ec2.SecurityGroup(self, "AppSecurityGroup", vpc=network.vpc,
                                               description="Cloudscendo web, worker, beat and migrate tasks")
        buckets = Buckets(self, "Buckets", config=config)
        database = Database(self, "Database", network=network, clients=app_security_group)
        cache = Cache(self, "Cache", network=network, clients=app_security_group)
        edge = Edge(self, "Edge", config=config, network=network, logs_bucket=buckets.logs)
        app_security_group.add_ingress_rule(edge.security_group, ec2.Port.tcp(WEB_PORT), "HTTP from the ALB")
        role = app_task_role(self, "AppTaskRole", config=config, photos=buckets.photos)
        services = AppServices(self, "App", config=config, network=network, security_group=app_security_group,
                               database=database, cache=cache, buckets=buckets, task_role=role)
        services.attach_web(edge.https)
        release = MigrateBeforeRelease(
            self, "Release", config=config, cluster=services.cluster, task=services.migrate,
            subnet_ids=network.vpc.select_subnets(subnet_group_name="app").subnet_ids,
            security_group_id=app_security_group.security_group_id)
        # migrate needs the database and the endpoints (image pull, logs, secrets) before it can run,
        # and every service waits for it: no new code runs on an old schema.
        release.resource.node.add_dependency(database.instance, *network.interface_endpoints)
        for service in services.all_services():
            service.node.add_dependency(release.resource)
        Alarms(self, "Alarms", config=config, alb=edge.alb, database=database.instance)
        self._outputs(edge=edge, services=services, network=network, security_group=app_security_group,
                      buckets=buckets)

    def _outputs(self, *, edge, services, network, security_group, buckets) -> None:
        # What `aws ecs run-task` needs to run the migrate task (README, "Deploying on AWS").
        CfnOutput(self, "LoadBalancerDns", value=edge.alb.load_balancer_dns_name)
        CfnOutput(self, "ClusterName", value=services.cluster.cluster_name)
        CfnOutput(self, "MigrateTaskDefinition", value=services.migrate.task_definition_arn)
        CfnOutput(self, "AppSubnetIds", value=",".join(network.vpc.select_subnets(subnet_group_name="app").subnet_ids))
        CfnOutput(self, "AppSecurityGroupId", value=security_group.security_group_id)
        CfnOutput(self, "PhotoBucket", value=buckets.photos.bucket_name)
