/** Shared set-up of the CDK tests: apps that skip esbuild bundling and a valid base context. */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OomForecastStack } from '../../lib/oom-forecast-stack';

/** The smallest valid context. */
export const BASE_CONTEXT = { prometheusUrl: 'http://prometheus.monitoring.internal:9090' };

export const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prometheus-credentials-AbCdEf';

/** Context that skips bundling, so a test needs neither esbuild runs nor Docker. */
export function testContext(context: Record<string, unknown>): Record<string, unknown> {
  return { 'aws:cdk:bundling-stacks': [], ...context };
}

/** Builds the OomForecastStack from exactly `context`, plus the bundling switch. */
export function buildStackFromContext(context: Record<string, unknown>): Stack {
  const app = new App({ context: testContext(context), autoSynth: false });
  return new OomForecastStack(app, 'Test');
}

/** Builds the OomForecastStack from `context` (merged over BASE_CONTEXT). */
export function buildStack(context: Record<string, unknown> = {}): Stack {
  return buildStackFromContext({ ...BASE_CONTEXT, ...context });
}

/** Synthesises the OomForecastStack from `context` (merged over BASE_CONTEXT). */
export function synthTemplate(context: Record<string, unknown> = {}): Template {
  return Template.fromStack(buildStack(context));
}

/** Returns the environment variables of the only Lambda function in the template. */
export function functionEnvironment(template: Template): Record<string, unknown> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  expect(functions).toHaveLength(1);
  return functions[0].Properties.Environment.Variables;
}

/** Returns every statement of every IAM policy in the template. */
export function policyStatements(template: Template): Record<string, any>[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}
