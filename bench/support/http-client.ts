import fs from 'node:fs';
import http from 'node:http';

/** One keep-alive connection's worth of client: sends capture documents and reads the reply. */
export const keepAlive = () => new http.Agent({ keepAlive: true, maxSockets: 1 });

export interface CaptureReply {
  status: number;
  body: string;
}

/** POSTs a capture document held in memory. */
export function postDocument(url: string, key: string, doc: Buffer, agent?: http.Agent): Promise<CaptureReply> {
  return send(url, key, doc.length, agent, (req) => req.end(doc));
}

/** POSTs a capture document from disk, streamed in chunks (with its content-length, as a file upload would be). */
export function postFile(url: string, key: string, file: string): Promise<CaptureReply> {
  const size = fs.statSync(file).size;
  return send(url, key, size, undefined, (req) => fs.createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(req));
}

function send(url: string, key: string, length: number, agent: http.Agent | undefined, write: (req: http.ClientRequest) => void): Promise<CaptureReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/epcis/capture`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/ld+json', 'content-length': String(length), authorization: `Bearer ${key}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    write(req);
  });
}
