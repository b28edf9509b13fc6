import { App, AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OomForecastStack } from './oom-forecast-stack';

/** Name of the stack that `cdk deploy` creates. */
export const STACK_NAME = 'OomForecastStack';

/**
 * Builds the CDK app: the OomForecastStack from context, checked by the cdk-nag AWS Solutions
 * rules, whose error findings stop the synth.
 *
 * @throws UsageError when a context value is missing or invalid
 */
export function createOomForecastApp(props?: AppProps): App {
  const app = new App(props);
  new OomForecastStack(app, STACK_NAME, {
    // Undefined without credentials, which keeps the stack environment-agnostic for offline synth.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: 'oom-forecast: forecasts when Kubernetes containers reach their memory limit and alerts ahead',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}
