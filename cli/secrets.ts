/**
 * `kawaraban secrets rotate | keys`: the unsubscribe keyring (functions/core/unsubscribe-keys.ts)
 * where the functions read it: the Secrets Manager secret on AWS (UNSUBSCRIBE_SECRET_ARN), the
 * local stack's file (UNSUBSCRIBE_SECRET_FILE, from .local/env.json). Never prints a secret.
 *
 * rotate: 1. read the ring (a plain secret is the ring of key 0000); 2. add a new key and make it
 * current; 3. set the older keys to retire after --keep-old-days (0 after a leak: their links stop
 * at once); 4. write it back. The dispatcher reads the ring at every run, so the next mail carries
 * the new key; the other functions re-read within SECRET_MAX_AGE_SECONDS (a link naming a key they
 * do not know yet makes them read at once). Exit codes: 0 done, 1 refused.
 */
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import {
  DEFAULT_KEEP_OLD_DAYS,
  describeKeyring,
  parseKeyring,
  rotateKeyring,
  serializeKeyring,
  type Keyring,
} from '../functions/core/unsubscribe-keys.ts';
import { cliContext } from './context.ts';
import { cliTexts, type CliLang } from './i18n/index.ts';
import { chooseTarget } from './target.ts';

interface Store {
  where: string;
  read(): Promise<Keyring>;
  write(ring: Keyring): Promise<void>;
}

async function keyringStore(lang: CliLang): Promise<Store> {
  // With --stack, never the local stack's file: rotating it instead would look like success.
  // (cli/target.ts reads the stack's UnsubscribeSecretArn output and never .local/env.json then.)
  const { stack } = cliContext();
  await chooseTarget();
  const arn = process.env.UNSUBSCRIBE_SECRET_ARN;
  if (stack && !arn) throw new Error(cliTexts[lang].secrets.noStackSecret(stack));
  const file = process.env.UNSUBSCRIBE_SECRET_FILE;
  if (arn) {
    // An AWS-only operation of the CLI's (no function writes the secret): the SDK, with its
    // credential chain and the region the target set.
    const { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } = await import(
      '@aws-sdk/client-secrets-manager'
    );
    const secrets = new SecretsManagerClient({});
    return {
      where: arn,
      read: async () =>
        parseKeyring((await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString),
      write: async (ring) =>
        void (await secrets.send(
          new PutSecretValueCommand({ SecretId: arn, SecretString: serializeKeyring(ring) }),
        )),
    };
  }
  if (file) {
    return {
      where: file,
      read: async () => parseKeyring(await readFile(file, 'utf8')),
      // A whole new file renamed over the old one: a function never reads half a ring.
      write: async (ring) => {
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, `${serializeKeyring(ring)}\n`, { mode: 0o600 });
        await chmod(tmp, 0o600);
        await rename(tmp, file);
      },
    };
  }
  throw new Error(cliTexts[lang].secrets.noStore);
}

export interface RotateOptions {
  keepOldDays?: string;
  retireOldNow?: boolean;
  lang: CliLang;
}

export async function rotateSecret(opts: RotateOptions, now = new Date()): Promise<number> {
  const t = cliTexts[opts.lang].secrets;
  const given = opts.keepOldDays;
  const keepOldDays = opts.retireOldNow
    ? 0
    : given === undefined
      ? DEFAULT_KEEP_OLD_DAYS
      : /^\d{1,5}$/.test(given)
        ? Number(given)
        : -1;
  if (keepOldDays < 0 || keepOldDays > 36_500) {
    console.error(t.badDays(String(opts.keepOldDays)));
    return 1;
  }
  const store = await keyringStore(opts.lang);
  const before = await store.read();
  const { ring, added } = rotateKeyring(before, { now, keepOldDays });
  await store.write(ring);
  console.log(t.rotated(added, store.where));
  for (const k of describeKeyring(ring))
    if (!k.current) console.log(t.old(k.id, k.retiresAt!, Date.parse(k.retiresAt!) <= now.getTime()));
  console.log(keepOldDays === 0 ? t.afterLeak : t.reachesFunctions);
  return 0;
}

export async function printKeys(lang: CliLang, now = new Date()): Promise<number> {
  const t = cliTexts[lang].secrets;
  const store = await keyringStore(lang);
  const ring = await store.read();
  console.log(t.where(store.where));
  for (const k of describeKeyring(ring)) {
    const state = k.current
      ? 'current'
      : k.retiresAt && Date.parse(k.retiresAt) <= now.getTime()
        ? 'retired'
        : 'verifying';
    console.log(t.key(k.id, state, k.addedAt, k.retiresAt));
  }
  return 0;
}
