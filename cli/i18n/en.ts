/** Every text of the `kawaraban` command in English; the same shape as ja.ts (its type). */
import { doctorEn } from './doctor-en.ts';
import type { CanarySample, CliText } from './ja.ts';

type KeyState = 'current' | 'verifying' | 'retired';
const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '—');

export const en: CliText = {
  help: {
    program:
      'Operate the kawaraban newsletter: validate, preview, upload and track reports, manage subscribers, see and check what the CLI talks to.',
    usage: 'Usage:',
    arguments: 'Arguments:',
    options: 'Options:',
    commands: 'Commands:',
    globalOptions: 'Global Options:',
    helpOption: 'display help for command',
    helpCommand: 'display help for command',
    version: 'print the version',
    lang: 'language of messages and help (ja|en); default KAWARABAN_LANG, else ja',
    stack:
      'talk to the AWS stacks with this prefix (e.g. Kawaraban), reading their outputs; default KAWARABAN_STACK, else the local stack',
    json: 'print JSON (for scripts)',
    report: {
      group: 'work with report files and sent reports',
      schema: 'print the report format as JSON Schema',
      new: 'write a starter Markdown report <id>.md to fill in (never overwrites)',
      newId: 'report id, e.g. 2020-09-18-cashless',
      newOut: 'where to write the Markdown (default: <id>.md)',
      convert:
        'turn a Markdown report into report JSON; exits 1 and lists every problem as "file.md:line: reason" (writes nothing)',
      mdFile: 'report Markdown file',
      convertOut: 'where to write the JSON (default: <id>.json beside the Markdown; - for stdout)',
      validate:
        'check a report file (.json or .md); exits 1 and lists every problem as "<json path>: <reason>" ("file.md:line: reason" for .md)',
      preview:
        'render a report as it will be sent, write the HTML and text parts, and print the Subject and its length',
      out: 'directory for <id>.html and <id>.txt',
      serve: 'instead of writing files, serve a live preview on 127.0.0.1 that updates on every save',
      port: 'port of the live preview (default 3001)',
      outOrServe: 'give --out <dir> or --serve',
      sendTest:
        'send exactly the email readers would get (Subject "[TEST] …", inert unsubscribe link) to the given addresses only; 3 a minute; recorded with who sent it',
      sendTestTarget: 'a report file (rendered here) or the id of an uploaded report (its stored rendering)',
      to: 'comma-separated addresses, at most 10; nobody else gets it',
      locale: 'which version to send (ja|en; default DEFAULT_LOCALE or ja)',
      upload:
        'validate, then upload to the bucket (refuses an invalid file without uploading; a .md goes up as its JSON)',
      draft: 'upload as a draft: a proof goes to the editors only',
      status: "print a report's status and delivery counts",
      watch: 'keep refreshing sent/audience, rate, ETA, bounces and complaints until the report ends',
      interval: 'seconds between refreshes with --watch (default 5)',
      list: 'list reports, newest send time first, with status and counts (rejected uploads: see report status <id>)',
      listStatus:
        'only reports in this status (AWAITING_APPROVAL|SCHEDULED|SENDING|PAUSED|SENT|CANCELED, any case)',
      approve:
        'approve a report AWAITING_APPROVAL as the second editor (not the one who uploaded it); it is then SCHEDULED',
      approveWait: 'how many seconds to wait for the approval to apply',
      pause:
        'hold a SCHEDULED or SENDING report (a send under way stops before its next page); resume continues it',
      resume:
        'let a PAUSED report send again: the next dispatcher run continues where it stopped (one paused before it started is SCHEDULED again)',
      cancel:
        'stop a SCHEDULED, SENDING or PAUSED report for good (a send under way stops before its next page)',
      file: 'report file (.json, or .md)',
      id: 'report id',
    },
    subscribers: {
      group: 'manage the subscriber list',
      email: 'the address',
      unsubscribe:
        'stop mailing a reader who asked by hand (like their unsubscribe link; the consent record is kept), whatever the case of the address; exit 1 when no subscriber matches',
      allSpellings: 'also act on the other spellings of the same mailbox it lists (+tag, Gmail dots)',
      count: 'how many subscribers are in each status (no addresses printed)',
      export: 'print every subscriber as CSV, with status and consent evidence',
      exportOut: 'write the CSV to a file instead of stdout',
      exportStatus:
        'only subscribers with this status (pending|confirmed|unsubscribed|bounced|complained, any case)',
      bom: 'start with a UTF-8 byte order mark, for Excel',
      delete:
        "erase a subscriber's personal data, whatever the case of the address, keeping a hashed tombstone so imports cannot bring it back; exit 1 when no subscriber matches",
      import:
        'import readers who opted in at another tool as confirmed subscribers; validates the whole file first (any problem: nothing is written) and never brings back an unsubscribed, bounced, complained or erased address',
      importFile: 'CSV (UTF-8) with a header: email, consentAt (required); locale, consentSource',
      source: 'consent source for rows without a consentSource, e.g. "legacy form 2023"',
      policyVersion: 'consent policy version to record (default: CONSENT_POLICY_VERSION or 1)',
      dryRun: 'validate and look up, print what would happen, write nothing',
      importReport: "write each line's outcome as CSV (line, email, outcome)",
      show: "one reader: status, locale, consent evidence, other spellings of the same mailbox, and each recent report's delivery state",
      reports: 'how many recent reports to look up deliveries in (default 10)',
      reportId: 'also look up the delivery of this report (repeatable)',
    },
    target:
      'what the CLI talks to (local or stack, region, account, bucket, tables) and whether it is reachable',
    doctor: 'check a deployment: one line per check, ✓ or ✗ with the fix; exit 0 only when all pass',
    secrets: {
      group: 'manage the keys that sign unsubscribe links',
      rotate:
        'add a new unsubscribe key: new mail is signed with it, links already sent keep working until the old key retires',
      keepOldDays: 'days the older keys keep verifying links already sent (default 730, two years)',
      retireOldNow: 'after a leak: retire every older key at once (their links then show the contact)',
      keys: 'list the unsubscribe keys: id, signing or verifying, added, retires (never a secret)',
    },
  },
  markdown: {
    badId: (id: string) =>
      `not a usable report id: ${id} (lower-case letters, digits and hyphens, at most 64, starting with a letter or digit; e.g. 2020-09-18-cashless)`,
    exists: (file: string) => `already exists: ${file} (not overwritten)`,
    created: (file: string) => `created: ${file}`,
    next: (file: string) => `check it: npx kawaraban report preview ${file} --out preview/`,
    problems: (file: string, n: number) => `${file}: not converted, ${n} ${n === 1 ? 'problem' : 'problems'}`,
    written: (file: string) => `written: ${file}`,
  },
  source: {
    missing: (file: string) => `no such file: ${file}`,
    notFile: (file: string) => `not a file: ${file}`,
    unreadable: (file: string, why: string) => `cannot read ${file} (${why})`,
  },
  subject: {
    subject: (s: string) => `Subject: ${s}`,
    width: (w: number, t: number) => `Subject length: ${w} full-width characters (title: ${t})`,
    cut: (limit: number, visible: string) =>
      `warning: a phone's inbox list cuts the title after about ${limit} full-width characters; it shows: "${visible}"`,
  },
  usage: [],
  common: {
    badLang: (value: string) => `--lang must be ja or en (got ${value})`,
    badStatus: (value: string, allowed: string) => `unknown status "${value}" (use one of: ${allowed})`,
    badEmail: (why: string) => `not an email address we could have stored (${why})`,
    badNumber: (name: string, value: string) => `${name} must be a positive whole number (got ${value})`,
  },
  secrets: {
    noStore:
      'cannot tell where the unsubscribe keys are: keep `npm start` running locally, or set UNSUBSCRIBE_SECRET_ARN from the stack outputs on AWS',
    noStackSecret: (stack: string) =>
      `cannot tell which secret holds the unsubscribe keys of stack ${stack}: set UNSUBSCRIBE_SECRET_ARN from its outputs (the local keys are left alone)`,
    badDays: (v: string) => `--keep-old-days must be a whole number of days, 0 or more: ${v}`,
    rotated: (id: string, where: string) =>
      `added unsubscribe key ${id}; new mail is signed with it (stored in ${where})`,
    old: (id: string, at: string, now: boolean) =>
      now
        ? `key ${id} is retired: its links show the page that offers the contact`
        : `key ${id} keeps verifying links already sent until ${day(at)}, then retires`,
    reachesFunctions:
      'The next dispatcher run signs with the new key; the other functions read the keys again within SECRET_MAX_AGE_SECONDS (300 s by default).',
    afterLeak:
      'The old keys are retired now (the leak procedure): once the functions read the keys again (at most SECRET_MAX_AGE_SECONDS), unsubscribe links in earlier mail show the contact instead. See "Key rotation" in the README.',
    where: (where: string) => `stored in ${where}`,
    key: (id: string, state: KeyState, added?: string, retires?: string) =>
      `${id}  ${{ current: 'signing', verifying: 'verifying only', retired: 'retired' }[state]}  added ${day(added)}  retires ${day(retires)}`,
  },
  target: {
    localLine: (file: string) => `talking to the local stack (${file})`,
    stackLine: (stack: string, region: string, account: string) =>
      `talking to stack ${stack} (region ${region}, account ${account})`,
    environmentLine: 'talking to what the environment names (SUBSCRIBERS_TABLE and friends)',
    labels: {
      target: 'target',
      source: 'source',
      region: 'region',
      account: 'account',
      bucket: 'bucket',
      subscribersTable: 'subscribers',
      reportsTable: 'reports',
      secret: 'unsubscribe key',
      endpoints: 'endpoints',
      reachable: 'reachable',
    },
    kinds: { local: 'local stack', environment: 'environment', stack: 'AWS stack' },
    localAccount: '(local emulators)',
    secretLocal: 'UNSUBSCRIBE_SECRET (under .local/)',
    none: '(none)',
  },
  doctor: doctorEn,
  show: {
    labels: {
      email: 'email',
      status: 'status',
      locale: 'locale',
      created: 'created',
      confirmed: 'confirmed',
      unsubscribed: 'unsubscribed',
      consent: 'consent',
      signup: 'signed up',
      softBounces: 'soft bounces',
      spellings: 'other spellings',
      mailbox: 'mailbox',
    },
    consent: (at: string, ip: string, source: string, policy: string, ua: string) =>
      `${at} from ${ip} (${source}, policy ${policy}) ${ua}`,
    signup: (at: string, ip: string, source: string) => `${at} from ${ip} (${source})`,
    noRow: 'no subscriber spelled exactly so',
    erased: 'no subscriber spelled exactly so (erased by subscribers delete; a tombstone remains)',
    mailboxSuppressed: 'a spelling hard-bounced or complained: imports never bring it back',
    none: 'none',
    reportsHeading: (n: number) => `recent reports (newest first, ${n}):`,
    noReports: 'no reports yet',
    notSent: 'not sent',
    unknown: 'no subscriber, no other spelling, and no delivery in the recent reports',
  },
  progress: {
    rows: 'rows',
    subscribers: 'subscribers',
    eta: (d: string) => `ETA ${d}`,
    elapsed: (d: string) => `in ${d}`,
  },
  canary: {
    sending: (size: string, s: CanarySample) =>
      `sending the sample: ${s.sent} of about ${size} sent, ${s.bounced} bounced, ${s.complained} complained`,
    waiting: (until: string, size: string, s: CanarySample) =>
      `waiting for the verdict at ${until}: sample of about ${size}, ${s.sent} sent, ${s.bounced} bounced, ${s.complained} complained; nobody else sent yet`,
    passed: (at: string, s: CanarySample) =>
      `passed (${at}): sample ${s.sent} sent, ${s.bounced} bounced, ${s.complained} complained; the rest follows`,
    failed: (at: string, s: CanarySample) =>
      `failed (${at}): sample ${s.sent} sent, ${s.bounced} bounced, ${s.complained} complained; paused: npx kawaraban report resume sends the rest, cancel stops it`,
    small: (audience: string) => `none (audience ${audience}: not over the canary threshold)`,
    byReport: 'none (the report says "canary": false)',
    off: 'none (turned off: CANARY_ENABLED=false)',
  },
  watch: {
    // The argument's type is ja.ts's (CliText).
    line: (c) =>
      `${c.status}  sent ${c.sent}/${c.audience}${c.pct}  ${c.rate}  ${c.eta}  bounced ${c.bounced}  complained ${c.complained}`,
    rate: (r: string) => `${r}/s`,
    eta: (d: string) => `ETA ${d}`,
    paused: (why: string) => `paused${why ? ` (${why})` : ''}; continue with npx kawaraban report resume`,
    ended: (status: string) => `ended: ${status}`,
  },
  failure: {
    nothing: (file: string) =>
      `nothing to talk to: no --stack or KAWARABAN_STACK, no SUBSCRIBERS_TABLE and friends in the environment, and no local stack (${file}). Locally, run npm start in another terminal; on AWS, pass --stack <prefix> (with AWS_PROFILE and AWS_REGION)`,
    stackMissing: (name: string, region: string) =>
      `no stack ${name} in region ${region}: check the --stack prefix and AWS_REGION (or the region of AWS_PROFILE)`,
    stackUnreadable: (detail: string) =>
      `cannot read the stacks' outputs (${detail}): check AWS_PROFILE, AWS_REGION and your credentials (aws sts get-caller-identity)`,
    outputsMissing: (detail: string) =>
      `the stacks lack outputs the CLI needs (${detail}): deploy this version again (npm run deploy)`,
    unreachable: (where: string, what: string) => `cannot reach ${where} (${what}). `,
    localHint:
      'start the local stack with npm start (its .local/env.json outlived it); for AWS pass --stack <prefix>',
    envHint:
      'check AWS_ENDPOINT_URL_* and SUBSCRIBERS_TABLE and friends in the environment (kawaraban target shows them)',
    stackHint: 'check the network and AWS_REGION',
    noCredentials: (where: string) =>
      `no AWS credentials found (${where}): set AWS_PROFILE or run aws sso login`,
    noRegion: 'no AWS region: set AWS_REGION, or a region in the AWS_PROFILE profile',
    badCredentials: (where: string, why: string) =>
      `AWS refused the credentials (${where}: ${why}): check that they have not expired and AWS_PROFILE`,
    noTable: (where: string) =>
      `a table is missing (${where}): check what the CLI talks to with kawaraban target`,
    target: {
      local: 'the local stack',
      environment: 'the settings in the environment',
      stack: (s: string) => `stack ${s}`,
    },
  },
};
