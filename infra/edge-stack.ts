/**
 * The WAF WebACL for the CloudFront edge (context edgeWaf=true). CloudFront takes WebACLs of
 * scope CLOUDFRONT only, and those exist only in us-east-1, whatever the service stack's region:
 * this small stack lives there, and the service stack reads the WebACL's ARN through CDK's
 * cross-region references (an SSM parameter written here, read by a custom resource there).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EdgeWebAcl } from './constructs/edge-waf.ts';

export class EdgeStack extends Stack {
  readonly webAcl: EdgeWebAcl;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    this.webAcl = new EdgeWebAcl(this, 'Waf');
  }
}
