/** The real TLS probe for the API's custom domain: one handshake, the certificate's verdict and expiry. */
import { connect } from 'node:tls';
import type { TlsProbe } from './dns-checks.ts';

/** `port`, `ca` and `address` exist for tests (a loopback server with its own certificate). */
export function tlsProbe(
  opts: { port?: number; ca?: string; address?: string; timeoutMs?: number } = {},
): TlsProbe {
  return (host) =>
    new Promise((resolve) => {
      const socket = connect({
        host: opts.address ?? host,
        port: opts.port ?? 443,
        servername: host,
        ca: opts.ca,
        // Checked below: a bad certificate is this check's answer, not an exception.
        rejectUnauthorized: false,
        timeout: opts.timeoutMs ?? 5000,
      });
      const done = (result: Awaited<ReturnType<TlsProbe>>) => {
        socket.destroy();
        resolve(result);
      };
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        const validTo = cert?.valid_to ? new Date(cert.valid_to) : undefined;
        done({ authorized: socket.authorized, error: socket.authorizationError?.toString(), validTo });
      });
      socket.once('timeout', () => done({ authorized: false, error: 'timeout' }));
      socket.once('error', (err: NodeJS.ErrnoException) =>
        done({ authorized: false, error: err.code ?? err.message }),
      );
    });
}
