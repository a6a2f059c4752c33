/**
 * The SES v2 operations the functions call, as a port: inputs and outputs are the SDK's own
 * types (type imports only: nothing of the SDK reaches a bundle), errors are named as the SDK
 * names them (`err.name === 'MessageRejected'`, lean/errors.ts). One implementation:
 * lean/sesv2.ts; tests wrap it to inject faults.
 */
import type {
  CreateEmailTemplateRequest,
  GetAccountResponse,
  SendBulkEmailRequest,
  SendBulkEmailResponse,
  SendEmailRequest,
  SendEmailResponse,
} from '@aws-sdk/client-sesv2';

export interface SesCallOptions {
  /**
   * Asked right before each attempt's request is written, which follows in the same synchronous
   * step; a promise means "not yet, ask again once it settles" (SendOptions.admit, the pacer).
   */
  beforeWrite?: () => unknown;
  /** Told once each attempt's request is on its socket (SendOptions.written). */
  written?: () => void;
  /**
   * The input already encoded, byte for byte as `JSON.stringify(input)` (ses-send-body.ts), or
   * undefined to have the client encode it: a newsletter's body is mostly the same bytes for
   * every reader.
   */
  body?: () => Buffer | undefined;
}

export interface SesV2 {
  sendEmail(input: SendEmailRequest, options?: SesCallOptions): Promise<SendEmailResponse>;
  /** One request for up to 50 readers of one template; each entry has its own status. */
  sendBulkEmail(input: SendBulkEmailRequest, options?: SesCallOptions): Promise<SendBulkEmailResponse>;
  getAccount(): Promise<GetAccountResponse>;
  /** Throws `AlreadyExistsException` when a template has that name. */
  createEmailTemplate(input: CreateEmailTemplateRequest): Promise<void>;
  /** Throws `NotFoundException` when no template has that name. */
  deleteEmailTemplate(name: string): Promise<void>;
}
