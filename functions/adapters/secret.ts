/**
 * The one loader of the unsubscribe keyring, for every function. Built on Powertools
 * Parameters, whose providers cache a value for `maxAge` seconds but never a failure: a failed
 * read throws and the next call reads again, so one bad moment of Secrets Manager never poisons
 * an instance until it is recycled.
 *
 * - AWS: a Secrets Manager secret, through a provider of the same kind over the lean client
 *   (Powertools' own SecretsProvider would bring the SDK's Secrets Manager client back into
 *   every bundle; its BaseProvider holds the caching and brings no SDK).
 * - Local runtime: a file under .local/ (a provider of the same kind reading the file), so a
 *   `kawaraban secrets rotate` reaches the running functions as a rotation on AWS does.
 * - Tests: the value itself, in the environment.
 */
import { readFile } from 'node:fs/promises';
import { BaseProvider } from '@aws-lambda-powertools/parameters/base';
import type { SecretsManager } from './aws/secrets-port.ts';
import type { Config } from '../core/config.ts';
import { parseKeyring, type Keyring, type KeyringSource } from '../core/unsubscribe-keys.ts';

/** A token naming an unknown key reads the ring again, but at most this often (a forged key id costs nothing). */
export const MIN_REFRESH_MS = 10_000;

export type { KeyringSource };

/** The local runtime's secret: a file, cached like any other parameter. */
class FileProvider extends BaseProvider {
  constructor() {
    super({});
  }
  protected async _get(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }
  protected async _getMultiple(): Promise<Record<string, unknown>> {
    throw new Error('not supported');
  }
}

/** A Secrets Manager secret, cached by BaseProvider as Powertools' SecretsProvider caches it. */
class SecretsProvider extends BaseProvider {
  constructor(private readonly secrets: SecretsManager) {
    super({});
  }
  protected async _get(name: string): Promise<string | Uint8Array | undefined> {
    const out = await this.secrets.getSecretValue({ SecretId: name });
    return out.SecretString ?? out.SecretBinary;
  }
  protected async _getMultiple(): Promise<Record<string, unknown>> {
    throw new Error('not supported');
  }
}

export function unsubscribeKeyring(
  config: Pick<Config, 'unsubscribeSecret' | 'secretMaxAgeSeconds'>,
  client: SecretsManager,
  now: () => number = Date.now,
): KeyringSource {
  const source = config.unsubscribeSecret;
  if ('value' in source) {
    const value = source.value;
    const read = async () => parseKeyring(value);
    return { get: read, refresh: read };
  }
  const [provider, name] =
    'file' in source ? [new FileProvider(), source.file] : [new SecretsProvider(client), source.arn];
  const maxAge = config.secretMaxAgeSeconds;
  let lastRead = Number.NEGATIVE_INFINITY;
  const read = async (forceFetch: boolean): Promise<Keyring> => {
    const raw = await provider.get(name, { maxAge, forceFetch });
    if (forceFetch || maxAge === 0) lastRead = now();
    try {
      return parseKeyring(typeof raw === 'string' ? raw : undefined);
    } catch (err) {
      // A value that is not a keyring is a failure too: forget it, so the next call reads again.
      provider.clearCache();
      throw err;
    }
  };
  return {
    get: () => read(false),
    refresh: () => read(now() - lastRead >= MIN_REFRESH_MS),
  };
}

/**
 * The CloudFront origin secret (edgeWaf=true; functions/http/edge.ts): the value itself (local
 * runtime, tests) or a Secrets Manager secret, cached like the keyring for `secretMaxAgeSeconds`
 * (so a changed secret reaches running instances too) and never a failure.
 */
export function edgeOriginSecret(
  source: { value: string } | { arn: string },
  config: Pick<Config, 'secretMaxAgeSeconds'>,
  client: SecretsManager,
): () => Promise<Buffer> {
  if ('value' in source) {
    const value = Buffer.from(source.value, 'utf8');
    return async () => value;
  }
  const provider = new SecretsProvider(client);
  return async () => {
    const raw = await provider.get(source.arn, { maxAge: config.secretMaxAgeSeconds });
    if (typeof raw !== 'string' || raw.length < 32) {
      provider.clearCache();
      throw new Error('edge origin secret is missing or shorter than 32 characters');
    }
    return Buffer.from(raw, 'utf8');
  };
}
