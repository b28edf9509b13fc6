import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** Name of the attribute that contains an item's expiry in Unix seconds. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Creates the table that keeps alert state and history between checks: string keys `pk` and
 * `sk`, on-demand billing (one check an hour is far below any provisioned minimum),
 * point-in-time recovery and expiry of old items through `expiresAt`.
 */
export function createHistoryTable(scope: Construct, removalPolicy: RemovalPolicy): dynamodb.Table {
  return new dynamodb.Table(scope, 'HistoryTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: TTL_ATTRIBUTE,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    removalPolicy,
  });
}
