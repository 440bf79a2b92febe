"""Logs kept for a bounded time, and alarms on 5xx answers, queue backlog age and database CPU."""

from cloudscendo_infra.config import QUEUES
from cloudscendo_infra.monitoring import OLDEST_MESSAGE_SECONDS


def test_every_log_group_keeps_logs_thirty_days(synthesised):
    groups = synthesised.resources("AWS::Logs::LogGroup").values()
    assert [group["Properties"]["RetentionInDays"] for group in groups] == [30] * 11
    for definition in synthesised.resources("AWS::ECS::TaskDefinition").values():
        [container] = definition["Properties"]["ContainerDefinitions"]
        assert container["LogConfiguration"]["LogDriver"] == "awslogs"


def _alarm(synthesised, prefix: str) -> dict:
    [alarm] = [alarm["Properties"] for name, alarm in synthesised.resources("AWS::CloudWatch::Alarm").items()
               if name.startswith(prefix)]
    [topic] = synthesised.resources("AWS::SNS::Topic")
    assert alarm["AlarmActions"] == [{"Ref": topic}]
    return alarm


def test_5xx_rate_alarm_divides_errors_by_requests(synthesised):
    alarm = _alarm(synthesised, "AlarmsHttp5xxRate")
    expression = next(metric for metric in alarm["Metrics"] if "Expression" in metric)
    assert expression["Expression"] == "100 * (target5xx + elb5xx) / MAX([requests, 1])"
    names = sorted(metric["MetricStat"]["Metric"]["MetricName"]
                   for metric in alarm["Metrics"] if "MetricStat" in metric)
    assert names == ["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "RequestCount"]
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (5, "GreaterThanThreshold")


def test_database_cpu_alarm(synthesised):
    alarm = _alarm(synthesised, "AlarmsDatabaseCpu")
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Threshold"], alarm["EvaluationPeriods"]) == (
        "AWS/RDS", "CPUUtilization", 80, 3)


def test_each_queue_alarms_on_its_oldest_message_age(synthesised):
    for queue in QUEUES:
        alarm = _alarm(synthesised, f"AlarmsQueueAge{queue.capitalize()}")
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Dimensions"], alarm["Threshold"],
                alarm["TreatMissingData"]) == ("Cloudscendo", "OldestMessageAge", [{"Name": "Queue", "Value": queue}],
                                               OLDEST_MESSAGE_SECONDS[queue], "breaching")


def test_alarm_email_subscribes_to_the_topic(synthesised, synthesised_full):
    assert synthesised.resources("AWS::SNS::Subscription") == {}
    [subscription] = synthesised_full.resources("AWS::SNS::Subscription").values()
    assert (subscription["Properties"]["Protocol"], subscription["Properties"]["Endpoint"]) == (
        "email", "ops@example.com")
