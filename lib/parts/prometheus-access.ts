import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { nagFindingText } from '../nag-finding';
import type { PrometheusAuth } from '../settings/validators';

/** Read-only query actions of Amazon Managed Service for Prometheus. */
export const APS_QUERY_ACTIONS = ['aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'];

/** Settings of the checker's access to Prometheus. */
export interface PrometheusAccessSettings {
  readonly url: string;
  readonly auth: PrometheusAuth;
  readonly secret?: secretsmanager.ISecret;
  readonly region?: string;
}

/** Region and workspace of an Amazon Managed Service for Prometheus URL. */
export interface WorkspaceLocation {
  /** Region in the host name, when the host is an aps-workspaces endpoint. */
  readonly region?: string;
  /** Workspace id from the `/workspaces/<id>` path, when present. */
  readonly workspaceId?: string;
}

/**
 * Reads the Region and workspace id from an Amazon Managed Service for Prometheus URL such as
 * `https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234abcd/`. VPC endpoint host
 * names (`vpce-...aps-workspaces.eu-west-1.vpce.amazonaws.com`) work as well.
 */
export function locateWorkspace(url: string): WorkspaceLocation {
  if (Token.isUnresolved(url)) {
    return {};
  }
  const parsed = new URL(url);
  const region = /(?:^|\.)aps-workspaces\.([a-z]{2}(?:-[a-z]+)+-\d+)\./.exec(parsed.hostname)?.[1];
  const workspaceId = /\/workspaces\/(ws-[A-Za-z0-9-]+)/.exec(parsed.pathname)?.[1];
  return { region, workspaceId };
}

/** Picks SigV4 for an Amazon Managed Service for Prometheus URL and no authentication otherwise. */
export function defaultPrometheusAuth(url: string): PrometheusAuth {
  return locateWorkspace(url).region === undefined ? 'none' : 'sigv4';
}

/**
 * Grants `role` what the chosen authentication needs and returns the environment variables
 * that tell the handler how to authenticate. Credentials never enter the environment: the
 * handler reads the secret at run time.
 */
export function grantPrometheusAccess(scope: Construct, role: iam.Role, settings: PrometheusAccessSettings): Record<string, string> {
  const environment: Record<string, string> = { PROMETHEUS_AUTH: settings.auth };

  if (settings.secret) {
    settings.secret.grantRead(role);
    environment.PROMETHEUS_SECRET_ARN = settings.secret.secretArn;
  }

  if (settings.auth === 'sigv4') {
    const workspace = locateWorkspace(settings.url);
    const signingRegion = settings.region ?? workspace.region ?? Stack.of(scope).region;
    environment.PROMETHEUS_REGION = signingRegion;
    grantWorkspaceQuery(scope, role, workspace.workspaceId, workspace.region ?? signingRegion);
  }
  return environment;
}

function grantWorkspaceQuery(scope: Construct, role: iam.Role, workspaceId: string | undefined, region: string): void {
  const workspaceArn = Stack.of(scope).formatArn({
    service: 'aps',
    region,
    resource: 'workspace',
    resourceName: workspaceId ?? '*',
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  const statement = new iam.PolicyStatement({ actions: APS_QUERY_ACTIONS, resources: [workspaceArn] });
  const policy = new iam.Policy(scope, 'PrometheusQueryPolicy', { statements: [statement] });
  policy.attachToRole(role);

  if (workspaceId === undefined) {
    // NOTE: a SigV4 URL without /workspaces/<id> (a proxy in front of the workspace, say) can
    // only be granted every workspace of the Region, because the workspace is unknown here.
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagFindingText(scope, workspaceArn)}]`,
      reason: 'The Prometheus URL names no workspace id, so query access covers the workspaces of its Region; the actions are read-only queries.',
    });
  }
}
