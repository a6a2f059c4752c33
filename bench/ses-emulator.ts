/**
 * Child-process entry: the SES emulator on the port given as argv[2]. The bench runs it out of
 * its own process so the emulator's request handling does not share the event loop with the
 * code being measured (real SES is remote; DynamoDB Local is a separate process already).
 * It stops when told (SIGTERM) or when the parent goes away (stdin closes).
 */
import { startSes } from '../local/emulators.ts';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write(`ses-emulator: bad port ${process.argv[2]}\n`);
  process.exit(2);
}
const ses = await startSes({ port });
const stop = () => void ses.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop).on('close', stop).resume();
process.stdout.write(`ready ${ses.url}\n`);
