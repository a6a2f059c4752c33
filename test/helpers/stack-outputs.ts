/** DescribeStacks answers for `kawaraban --stack <prefix>` tests (aws-sdk-client-mock). */
import { DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import type { AwsStub } from 'aws-sdk-client-mock';

export const testAccount = '123456789012';

export function stackOutputs(
  cfn: AwsStub<any, any, any>,
  prefix: string,
  region: string,
  outputs: { stateful: Record<string, string>; service?: Record<string, string> },
): void {
  const stack = (name: string, values: Record<string, string>) => ({
    Stacks: [
      {
        StackName: name,
        StackId: `arn:aws:cloudformation:${region}:${testAccount}:stack/${name}/0f1e2d3c`,
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date('2026-11-01T00:00:00Z'),
        Outputs: Object.entries(values).map(
          ([OutputKey, OutputValue]): Output => ({ OutputKey, OutputValue }),
        ),
      },
    ],
  });
  cfn
    .on(DescribeStacksCommand, { StackName: `${prefix}Stateful` })
    .resolves(stack(`${prefix}Stateful`, outputs.stateful) as never);
  cfn
    .on(DescribeStacksCommand, { StackName: `${prefix}Service` })
    .resolves(stack(`${prefix}Service`, outputs.service ?? {}) as never);
}
