import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { UsageError } from '../lambda/config/units';
import type { OomForecastProps } from './oom-forecast-props';

/** VPC ids from context. */
export interface VpcPlacementIds {
  readonly vpcId?: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/**
 * Turns VPC ids from context into the VPC props of an OomForecast.
 *
 * With subnet ids, the VPC and subnets are referenced by id and synth stays offline. With only
 * a VPC id, `Vpc.fromLookup` finds its private subnets, which needs AWS credentials and the
 * stack's account and Region at synth time (the CLI caches the result in cdk.context.json).
 */
export function resolveVpcPlacement(scope: Construct, ids: VpcPlacementIds): Pick<OomForecastProps, 'vpc' | 'vpcSubnets' | 'securityGroups'> {
  if (ids.vpcId === undefined) {
    return {};
  }
  const securityGroups = ids.securityGroupIds.map((id, index) => ec2.SecurityGroup.fromSecurityGroupId(scope, `SecurityGroup${index}`, id));
  const groupProps = securityGroups.length > 0 ? { securityGroups } : {};

  if (ids.subnetIds.length > 0) {
    // The zones matter only for picking subnets by type, which explicit subnets bypass.
    const vpc = ec2.Vpc.fromVpcAttributes(scope, 'Vpc', { vpcId: ids.vpcId, availabilityZones: Stack.of(scope).availabilityZones });
    const subnets = ids.subnetIds.map((id, index) => ec2.Subnet.fromSubnetId(scope, `Subnet${index}`, id));
    return { vpc, vpcSubnets: { subnets }, ...groupProps };
  }

  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    throw new UsageError(
      `context "vpcId" = "${ids.vpcId}": without "subnetIds" the VPC is looked up, which needs the stack's account and Region; ` +
        'run cdk with AWS credentials (they set CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION), or give "subnetIds" to skip the lookup',
    );
  }
  const vpc = ec2.Vpc.fromLookup(scope, 'Vpc', { vpcId: ids.vpcId });
  return { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, ...groupProps };
}
