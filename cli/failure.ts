/**
 * The one line a failed command ends with. Failures to reach anything (no target, a stopped
 * local stack, missing AWS credentials or region, a missing stack) say what was tried and what
 * to do, instead of `connect ECONNREFUSED 127.0.0.1:8000`; anything else keeps its message.
 */
import { cliTexts, type CliLang } from './i18n/index.ts';
import { currentTarget, NoTarget, type Target } from './target.ts';

type Err = Error & {
  code?: string;
  address?: string;
  port?: number;
  errors?: unknown[];
  cause?: unknown;
  $metadata?: unknown;
};

/** The socket error under an SDK error (Node 20 reports localhost as an AggregateError of ::1 and 127.0.0.1). */
export function socketError(err: unknown, depth = 0): Err | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as Err;
  if (e.code && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|EAI_AGAIN)$/.test(e.code)) {
    const inner = e.errors?.map((x) => socketError(x, depth + 1)).find((x) => x?.port);
    return inner ?? e;
  }
  return socketError(e.cause, depth + 1) ?? e.errors?.map((x) => socketError(x, depth + 1)).find(Boolean);
}

export function describeFailure(
  err: unknown,
  lang: CliLang,
  target: Target | undefined = currentTarget(),
): string {
  const m = cliTexts[lang].failure;
  if (err instanceof NoTarget) {
    if (err.reason === 'nothing') return m.nothing(err.detail);
    if (err.reason === 'stack-missing') return m.stackMissing(err.detail, process.env.AWS_REGION ?? '?');
    if (err.reason === 'outputs-missing') return m.outputsMissing(err.detail);
    if (/Could not load credentials|CredentialsProviderError/i.test(err.detail))
      return m.noCredentials(err.detail);
    if (/Region is missing/i.test(err.detail)) return m.noRegion;
    return m.stackUnreadable(err.detail);
  }
  const e = err as Err;
  const where = !target
    ? '?'
    : target.kind === 'stack'
      ? m.target.stack(target.stack!)
      : target.kind === 'local'
        ? m.target.local
        : m.target.environment;
  const socket = socketError(err);
  if (socket) {
    const at = socket.port ? `${socket.address ?? ''}:${socket.port}` : (socket.message ?? socket.code);
    const service = Object.entries(target?.endpoints ?? {}).find(
      ([, url]) => socket.port && url.includes(`:${socket.port}`),
    )?.[0];
    const what = `${service ? `${service} ` : ''}${at}: ${socket.code}`;
    const hint = target?.kind === 'local' ? m.localHint : target?.kind === 'stack' ? m.stackHint : m.envHint;
    return `${m.unreachable(where, what)}${hint}`;
  }
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e?.message ?? ''))
    return m.noCredentials(where);
  if (/Region is missing/i.test(e?.message ?? '')) return m.noRegion;
  if (
    /^(UnrecognizedClientException|InvalidSignatureException|ExpiredToken(Exception)?|InvalidClientTokenId|AccessDenied(Exception)?)$/.test(
      e?.name ?? '',
    )
  ) {
    return m.badCredentials(where, e.name);
  }
  if (e?.name === 'ResourceNotFoundException' && /table/i.test(e.message))
    return m.noTable(`${where}: ${e.message}`);
  return err instanceof Error ? err.message : String(err);
}
