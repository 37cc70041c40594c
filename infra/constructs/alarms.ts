import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface GatewayAlarmsOptions {
  api: apigateway.RestApi;
  logGroup: logs.ILogGroup;
}

/** Alarms: the API failing, Sirius's circuit open, the cache faulting (from the JSON log lines). */
export function gatewayAlarms(scope: Construct, options: GatewayAlarmsOptions): void {
  const { api, logGroup } = options;
  new cloudwatch.Alarm(scope, 'Api5xxRate', {
    metric: new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: { errors: api.metricServerError({ period: Duration.minutes(5) }), requests: api.metricCount({ period: Duration.minutes(5) }) },
    }),
    threshold: 1,
    evaluationPeriods: 2,
    alarmDescription: 'More than 1% of requests answered 5xx',
  });
  const logMetric = (id: string, pattern: logs.IFilterPattern, metricName: string) =>
    new logs.MetricFilter(scope, id, { logGroup, filterPattern: pattern, metricNamespace: 'SiriusGateway', metricName, metricValue: '1' }).metric({
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
  new cloudwatch.Alarm(scope, 'SiriusCircuitOpen', {
    metric: logMetric('CircuitOpenFilter', logs.FilterPattern.stringValue('$.circuit', '=', 'open'), 'SiriusCircuitOpened'),
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: 'The Sirius circuit breaker opened: consumers are being served from the cache',
  });
  new cloudwatch.Alarm(scope, 'CacheFaultRate', {
    metric: logMetric('CacheFaultFilter', logs.FilterPattern.stringValue('$.msg', '=', 'cache fault (failing open)'), 'CacheFaults'),
    threshold: 10,
    evaluationPeriods: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: 'DynamoDB faults: requests are going to Sirius without the cache',
  });
}
