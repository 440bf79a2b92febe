"""Alarms on what a listener would notice: 5xx answers, queues that stop draining, a database at its limit."""

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from cloudscendo_infra.config import QUEUES, DeployConfig
from cloudscendo_infra.services import queue_metric

ERROR_RATE_PERCENT = 5
DB_CPU_PERCENT = 80
# Seconds the oldest message of a queue may wait: a user waits for an analysis; the rest can lag more.
OLDEST_MESSAGE_SECONDS = {"analysis": 120, "recommendations": 300, "videos": 3600, "celery": 900}


class Alarms(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig,
                 alb: elbv2.ApplicationLoadBalancer, database: rds.DatabaseInstance) -> None:
        super().__init__(scope, construct_id)
        # CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key; a customer key
        # would cost more than the alarms it carries, hence a plain topic with TLS-only publishing.
        self.topic = sns.Topic(self, "Topic", display_name="Cloudscendo alarms", enforce_ssl=True)
        if config.alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
        self.alarms = [self._error_rate(alb), self._database_cpu(database)]
        self.alarms += [self._queue_age(queue) for queue in QUEUES]
        for alarm in self.alarms:
            alarm.add_alarm_action(actions.SnsAction(self.topic))

    def _error_rate(self, alb: elbv2.ApplicationLoadBalancer) -> cloudwatch.Alarm:
        metrics = alb.metrics
        period = Duration.minutes(5)
        rate = cloudwatch.MathExpression(
            expression="100 * (target5xx + elb5xx) / MAX([requests, 1])", period=period, label="5xx answers, %",
            using_metrics={"target5xx": metrics.http_code_target(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=period),
                           "elb5xx": metrics.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT, period=period),
                           "requests": metrics.request_count(period=period)})
        return rate.create_alarm(self, "Http5xxRate", threshold=ERROR_RATE_PERCENT, evaluation_periods=1,
                                 comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                                 treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                                 alarm_description=f"More than {ERROR_RATE_PERCENT} % of answers were 5xx")

    def _database_cpu(self, database: rds.DatabaseInstance) -> cloudwatch.Alarm:
        return database.metric_cpu_utilization(period=Duration.minutes(5)).create_alarm(
            self, "DatabaseCpu", threshold=DB_CPU_PERCENT, evaluation_periods=3,
            alarm_description=f"Database CPU above {DB_CPU_PERCENT} % for 15 minutes")

    def _queue_age(self, queue: str) -> cloudwatch.Alarm:
        seconds = OLDEST_MESSAGE_SECONDS[queue]
        # Missing data breaches: no metric means the beat task that publishes it has stopped.
        return queue_metric("OldestMessageAge", queue).create_alarm(
            self, f"QueueAge{queue.capitalize()}", threshold=seconds, evaluation_periods=3,
            treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
            alarm_description=f"The oldest message of the {queue} queue has waited over {seconds} s")
