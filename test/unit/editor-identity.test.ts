/**
 * Who the CLI approves and uploads as: on AWS the STS caller (mocked: no emulator answers
 * GetCallerIdentity), whose UserId is the principal S3 events carry; locally the configured name.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { editorIdentity } from '../../cli/editor-identity.ts';
import { principalOf } from '../../functions/adapters/s3-principal.ts';

const saved = { s3: process.env.AWS_ENDPOINT_URL_S3, editor: process.env.KAWARABAN_EDITOR };
afterEach(() => {
  process.env.AWS_ENDPOINT_URL_S3 = saved.s3;
  if (saved.s3 === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
  process.env.KAWARABAN_EDITOR = saved.editor;
  if (saved.editor === undefined) delete process.env.KAWARABAN_EDITOR;
});

describe('editorIdentity', () => {
  it('on AWS: the STS UserId, which is what the S3 event of the same caller names (without "AWS:")', async () => {
    delete process.env.AWS_ENDPOINT_URL_S3;
    process.env.KAWARABAN_EDITOR = 'someone-else'; // a configured name never overrides AWS's word
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({
      UserId: 'AROAEXAMPLE123456789:alice@corp.example.jp',
      Arn: 'arn:aws:sts::123456789012:assumed-role/Editors/alice@corp.example.jp',
      Account: '123456789012',
    });
    try {
      const me = await editorIdentity();
      expect(me).toEqual({
        principal: 'AROAEXAMPLE123456789:alice@corp.example.jp',
        display: 'arn:aws:sts::123456789012:assumed-role/Editors/alice@corp.example.jp',
      });
      const event = {
        userIdentity: { principalId: 'AWS:AROAEXAMPLE123456789:alice@corp.example.jp' },
      } as never;
      expect(principalOf(event)).toBe((me as { principal: string }).principal);
    } finally {
      sts.restore();
    }
  });

  it('locally: the configured name, or nothing (the CLI then asks for KAWARABAN_EDITOR)', async () => {
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:1';
    process.env.KAWARABAN_EDITOR = '  田中 花子 ';
    expect(await editorIdentity()).toEqual({ principal: 'local:田中 花子', display: '田中 花子' });
    delete process.env.KAWARABAN_EDITOR;
    expect(await editorIdentity()).toEqual({ missing: true });
  });
});
