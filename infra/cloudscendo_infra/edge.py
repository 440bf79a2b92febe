"""The public edge: an ALB serving HTTPS (HTTP only redirects) behind a WAF web ACL."""

from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cloudscendo_infra.config import DeployConfig
from cloudscendo_infra.network import Network

MANAGED_RULE_GROUPS = ("AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet",
                       "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet")
# The common rule set blocks bodies over 8 KB; photo uploads are larger and the app checks them
# itself (UPLOAD_MAX_BYTES), so that one rule only counts.
# https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
COUNT_ONLY = {"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)}
# Requests per client address in any 5 minutes (WAF's evaluation window) before the address is blocked.
RATE_LIMITS = {"/accounts/login/": 100, "/api/": 1000}


class Edge(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig, network: Network,
                 logs_bucket: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        self.security_group = ec2.SecurityGroup(self, "SecurityGroup", vpc=network.vpc, allow_all_outbound=False,
                                                description="Cloudscendo load balancer: HTTPS and HTTP from anyone")
        for port in (443, 80):
            self.security_group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(port), f"Port {port} from anyone")
        self.alb = elbv2.ApplicationLoadBalancer(
            self, "Alb", vpc=network.vpc, internet_facing=True, security_group=self.security_group,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC), drop_invalid_header_fields=True)
        self.alb.log_access_logs(logs_bucket, prefix="alb")
        certificate = acm.Certificate.from_certificate_arn(self, "Certificate", config.certificate_arn)
        self.https = self.alb.add_listener("Https", port=443, certificates=[certificate],
                                           ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS, open=False)
        self.alb.add_redirect(source_port=80, target_port=443, open=False)
        self.web_acl = self._web_acl()
        wafv2.CfnWebACLAssociation(self, "WafAssociation", resource_arn=self.alb.load_balancer_arn,
                                   web_acl_arn=self.web_acl.attr_arn)

    def _web_acl(self) -> wafv2.CfnWebACL:
        rules = [_rate_rule(path, limit, priority) for priority, (path, limit) in enumerate(RATE_LIMITS.items())]
        rules += [_managed_rule(name, len(rules) + index) for index, name in enumerate(MANAGED_RULE_GROUPS)]
        return wafv2.CfnWebACL(self, "WebAcl", scope="REGIONAL", default_action={"allow": {}},
                               visibility_config=_visibility("cloudscendo-web-acl"), rules=rules)


def _visibility(name: str) -> dict:
    return {"sampledRequestsEnabled": True, "cloudWatchMetricsEnabled": True, "metricName": name}


def _rate_rule(path: str, limit: int, priority: int) -> dict:
    name = "rate-" + path.strip("/").replace("/", "-")
    return {
        "name": name, "priority": priority, "action": {"block": {}}, "visibilityConfig": _visibility(name),
        "statement": {"rateBasedStatement": {
            "limit": limit, "aggregateKeyType": "IP", "evaluationWindowSec": 300,
            "scopeDownStatement": {"byteMatchStatement": {
                "searchString": path, "fieldToMatch": {"uriPath": {}}, "positionalConstraint": "STARTS_WITH",
                "textTransformations": [{"priority": 0, "type": "NONE"}]}},
        }},
    }


def _managed_rule(name: str, priority: int) -> dict:
    group = {"vendorName": "AWS", "name": name}
    if name in COUNT_ONLY:
        group["ruleActionOverrides"] = [{"name": rule, "actionToUse": {"count": {}}} for rule in COUNT_ONLY[name]]
    return {"name": name, "priority": priority, "overrideAction": {"none": {}},
            "visibilityConfig": _visibility(name), "statement": {"managedRuleGroupStatement": group}}
