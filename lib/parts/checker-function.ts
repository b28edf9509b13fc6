import * as path from 'path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { nagFindingText } from '../nag-finding';
import { CHECKER_V8_FLAGS } from './checker-v8-flags';

/** Root of this repository, where package-lock.json and lambda/ live. */
const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Settings of the function beyond the defaults of {@link createCheckerFunction}. */
export interface CheckerFunctionSettings {
  readonly entry?: string;
  readonly runtime: lambda.Runtime;
  readonly memorySizeMb: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly environment: Record<string, string>;
  readonly deadLetterQueue: sqs.IQueue;
  /** Role to run with; this function adds log and, in a VPC, network-interface permissions. */
  readonly role: iam.Role;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
}

/**
 * Creates the checker function: bundled by the local esbuild (no Docker), arm64, one
 * invocation at a time, with its own log group and an explicit role instead of the managed
 * basic execution policy.
 */
export function createCheckerFunction(scope: Construct, settings: CheckerFunctionSettings): nodejs.NodejsFunction {
  const role = settings.role;
  const logGroup = new logs.LogGroup(scope, 'FunctionLogs', { retention: settings.logRetention });
  logGroup.grantWrite(role);
  if (settings.vpc) {
    const vpcAccess = iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole');
    role.addManagedPolicy(vpcAccess);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM4[Policy::${nagFindingText(scope, vpcAccess.managedPolicyArn)}]`,
      reason: 'AWSLambdaVPCAccessExecutionRole contains the network-interface actions a function in a VPC needs; they support no resource-level scoping.',
    });
  }

  return new nodejs.NodejsFunction(scope, 'Function', {
    entry: settings.entry ?? path.join(PROJECT_ROOT, 'lambda', 'handler.ts'),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    runtime: settings.runtime,
    architecture: lambda.Architecture.ARM_64,
    memorySize: settings.memorySizeMb,
    timeout: settings.timeout,
    // One check at a time, because an overlapping run could send the same alerts twice.
    // NOTE: Lambda rejects a reservation that leaves the account below its minimum of unreserved
    // executions (100 at the default quota of 1,000). New accounts with a quota of 10 or 50
    // therefore fail to deploy this until the quota is raised.
    reservedConcurrentExecutions: 1,
    role,
    logGroup,
    environment: { ...settings.environment, NODE_OPTIONS: ['--enable-source-maps', ...CHECKER_V8_FLAGS].join(' ') },
    // Retries stay at Lambda's default of 2, so the handler must be idempotent: a retried run
    // must not repeat the notifications of the failed one.
    onFailure: new destinations.SqsDestination(settings.deadLetterQueue),
    vpc: settings.vpc,
    vpcSubnets: settings.vpcSubnets,
    securityGroups: settings.securityGroups ? [...settings.securityGroups] : undefined,
    bundling: {
      minify: true,
      sourceMap: true,
      // The SDK is bundled so the deployed code runs the versions in package-lock.json, not
      // whatever the runtime ships.
      bundleAwsSDK: true,
    },
  });
}
