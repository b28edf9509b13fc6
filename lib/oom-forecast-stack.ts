import { CfnOutput, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { readOomForecastContext } from './context';
import { OomForecast } from './oom-forecast';
import { resolveVpcPlacement } from './vpc-placement';

/** Host names reserved for documentation (RFC 2606), used by the example in cdk.json. */
const PLACEHOLDER_HOST = /(^|\.)(example\.(com|net|org)|example|invalid|test)$/;

/** The standalone deployment: one OomForecast configured from CDK context, with outputs. */
export class OomForecastStack extends Stack {
  public readonly checker: OomForecast;

  /** @throws UsageError when a context value is missing or invalid */
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const context = readOomForecastContext(this.node);

    this.checker = new OomForecast(this, 'OomForecast', {
      ...context.props,
      prometheusSecret: context.prometheusSecretArn === undefined ? undefined : importSecret(this, context.prometheusSecretArn),
      ...resolveVpcPlacement(this, context),
    });

    new CfnOutput(this, 'TopicArn', { value: this.checker.topic.topicArn, description: 'SNS topic that receives the memory alerts' });
    new CfnOutput(this, 'TableName', { value: this.checker.table.tableName, description: 'DynamoDB table with alert state and history' });
    new CfnOutput(this, 'FunctionName', { value: this.checker.function.functionName, description: 'Lambda function that runs the check' });

    if (PLACEHOLDER_HOST.test(new URL(context.props.prometheusUrl).hostname)) {
      Validations.of(this).addWarning(
        'oom-forecast:placeholder-prometheus-url',
        `prometheusUrl ${context.props.prometheusUrl} is a documentation placeholder; pass -c prometheusUrl=<your Prometheus URL> before deploying`,
      );
    }
  }
}

/**
 * Imports a secret by ARN. Secrets Manager appends a dash and 6 characters to every secret
 * name, so an ARN that ends that way is taken as complete and granted exactly. Any other ARN
 * is partial and is granted with the suffix wildcard.
 */
function importSecret(scope: Construct, secretArn: string): secretsmanager.ISecret {
  // NOTE: a partial ARN whose name itself ends in a dash and 6 characters is taken as
  // complete, so the grant misses the real ARN. Pass the complete ARN to avoid that.
  if (/-[A-Za-z0-9]{6}$/.test(secretArn)) {
    return secretsmanager.Secret.fromSecretCompleteArn(scope, 'PrometheusSecret', secretArn);
  }
  return secretsmanager.Secret.fromSecretPartialArn(scope, 'PrometheusSecret', secretArn);
}
