import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Writes a resource or policy ARN the way cdk-nag 3 spells it inside a finding id such as
 * `AwsSolutions-IAM5[Resource::<MyFunction1234.Arn>:*]`. References become `<LogicalId>`,
 * attributes become `<LogicalId.Attribute>` and joins are concatenated. An acknowledgement must use
 * exactly that spelling to match.
 */
export function nagFindingText(scope: IConstruct, value: unknown): string {
  const render = (node: unknown): string => {
    if (typeof node === 'string') {
      return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    }
    const fields = (node ?? {}) as Record<string, unknown>;
    if (Array.isArray(fields['Fn::Join'])) {
      const [delimiter, parts] = fields['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(delimiter);
    }
    if (Array.isArray(fields['Fn::GetAtt'])) {
      const [logicalId, attribute] = fields['Fn::GetAtt'] as [unknown, unknown];
      return `<${render(logicalId)}.${render(attribute)}>`;
    }
    if (fields.Ref !== undefined) {
      return `<${render(fields.Ref)}>`;
    }
    return JSON.stringify(node);
  };
  return render(Stack.of(scope).resolve(value));
}
