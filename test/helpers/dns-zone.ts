/**
 * A DNS server on loopback (dns2) answering from a table of records, so the doctor's DNS
 * checks run through Node's real resolver without ever asking a real DNS server.
 */
import { createRequire } from 'node:module';

const dns2 = createRequire(import.meta.url)('dns2');
const { Packet } = dns2;

export type ZoneRecord =
  | { type: 'CNAME'; name: string; value: string }
  | { type: 'TXT'; name: string; value: string | string[] }
  | { type: 'MX'; name: string; value: string; priority?: number }
  | { type: 'A'; name: string; value: string };

export interface LoopbackDns {
  /** For Resolver.setServers / KAWARABAN_DNS_SERVERS. */
  server: string;
  /** Every name asked, in order ("name TYPE"). */
  asked: string[];
  close(): Promise<void>;
}

export async function startDns(records: ZoneRecord[]): Promise<LoopbackDns> {
  const asked: string[] = [];
  const typeName = (t: number) => Object.keys(Packet.TYPE).find((k) => Packet.TYPE[k] === t) ?? String(t);
  const server = dns2.createServer({
    udp: true,
    handle: (request: any, send: (r: unknown) => void) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = String(question.name).toLowerCase();
      const type = typeName(question.type);
      asked.push(`${name} ${type}`);
      const found = records.filter((r) => r.name.toLowerCase() === name && r.type === type);
      // No record of any type under the name: NXDOMAIN (rcode 3), as a real zone answers.
      if (!records.some((r) => r.name.toLowerCase() === name)) response.header.rcode = 3;
      for (const r of found) {
        const base = { name: question.name, type: Packet.TYPE[r.type], class: Packet.CLASS.IN, ttl: 60 };
        if (r.type === 'CNAME') response.answers.push({ ...base, domain: r.value });
        else if (r.type === 'TXT') response.answers.push({ ...base, data: r.value });
        else if (r.type === 'MX')
          response.answers.push({ ...base, exchange: r.value, priority: r.priority ?? 10 });
        else response.answers.push({ ...base, address: r.value });
      }
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1', type: 'udp4' } });
  const { udp } = server.addresses();
  return {
    server: `127.0.0.1:${udp.port}`,
    asked,
    close: () => server.close(),
  };
}
