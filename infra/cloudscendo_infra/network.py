"""The VPC: public subnets for the load balancer only, everything else private, AWS reached through endpoints."""

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from cloudscendo_infra.config import DeployConfig, retention

# What the tasks call in AWS: image pulls (ECR API, ECR Docker, S3 for the layers), logs, secrets at task
# start, Rekognition (analysis), CloudWatch (the beat task's queue metrics). Kendra only when it is used.
INTERFACE_ENDPOINTS = {
    "EcrApi": ec2.InterfaceVpcEndpointAwsService.ECR,
    "EcrDocker": ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    "Logs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    "SecretsManager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    "Rekognition": ec2.InterfaceVpcEndpointAwsService.REKOGNITION,
    "Monitoring": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
}


class Network(Construct):
    """Two AZs; a NAT gateway only when something outside AWS (YouTube) must be reached."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        needs_internet = config.video_backend == "youtube"  # the YouTube Data API has no VPC endpoint
        private = ec2.SubnetType.PRIVATE_WITH_EGRESS if needs_internet else ec2.SubnetType.PRIVATE_ISOLATED
        self.vpc = ec2.Vpc(
            self, "Vpc", max_azs=2, nat_gateways=1 if needs_internet else 0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24),
                ec2.SubnetConfiguration(name="app", subnet_type=private, cidr_mask=22),
                ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24),
            ],
        )
        self.app_subnets = ec2.SubnetSelection(subnet_group_name="app")
        self.data_subnets = ec2.SubnetSelection(subnet_group_name="data")
        self._flow_logs(config)
        self._endpoints(config)

    def _flow_logs(self, config: DeployConfig) -> None:
        group = logs.LogGroup(self, "FlowLogs", retention=retention(config.log_retention_days))
        role = iam.Role(self, "FlowLogsRole", assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"))
        self.vpc.add_flow_log("FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(group, role),
                              traffic_type=ec2.FlowLogTrafficType.REJECT)

    def _endpoints(self, config: DeployConfig) -> None:
        self.vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3,
                                      subnets=[self.app_subnets])
        services = dict(INTERFACE_ENDPOINTS)
        if config.kendra_index_id:
            services["Kendra"] = ec2.InterfaceVpcEndpointAwsService.KENDRA
        self.interface_endpoints = [
            self.vpc.add_interface_endpoint(name, service=service, subnets=self.app_subnets, private_dns_enabled=True)
            for name, service in services.items()]
