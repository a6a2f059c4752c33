import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * How cdk-nag names a resource in an IAM5 finding: pseudo parameters as <AWS::X>. Only plain
 * strings and pseudo parameters are supported, which is why the bucket is referenced by name.
 */
export function nagResource(arn: string, scope: Construct): string {
  const resolved: unknown = Stack.of(scope).resolve(arn);
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`cannot name ${JSON.stringify(resolved)} for cdk-nag`);
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref?.startsWith('AWS::')) return `<${ref}>`;
      throw new Error(`cannot name ${JSON.stringify(part)} for cdk-nag`);
    })
    .join(join[0]);
}
